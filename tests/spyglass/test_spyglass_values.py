"""Value types and building blocks of SpyGlass: Backoff, Warmup, FrameMailbox, check_frame."""

from __future__ import annotations

import threading

import numpy as np
import pytest
from spyglass_helpers import PALETTE, FakeClock, color_frame

from backpack.spyglass import Backoff, StreamFormat, Warmup, check_frame
from backpack.spyglass.backlog import FrameBacklog
from backpack.spyglass.mailbox import FrameMailbox
from backpack.spyglass.warmup import FALLBACK_FPS, MEASURABLE_FPS


def test_backoff_grows_exponentially_up_to_the_maximum() -> None:
    backoff = Backoff(initial=0.5, factor=3.0, maximum=10.0)
    assert [backoff.delay(n) for n in range(5)] == [0.5, 1.5, 4.5, 10.0, 10.0]
    assert Backoff().delay(10_000) == 30.0  # no overflow
    with pytest.raises(ValueError, match="initial must be > 0"):
        Backoff(initial=0)
    with pytest.raises(ValueError, match="factor must be >= 1"):
        Backoff(factor=0.5)
    with pytest.raises(ValueError, match="maximum"):
        Backoff(initial=2, maximum=1)
    with pytest.raises(ValueError, match="attempt must be >= 0"):
        Backoff().delay(-1)


def test_warmup_measures_from_injected_clock_and_falls_back_on_absurd_rates(
    caplog: pytest.LogCaptureFixture,
) -> None:
    warmup = Warmup(frames=4, clock=FakeClock(step=1 / 29.97))
    results = [warmup.measure(640, 360) for _ in range(4)]
    assert results[:3] == [None, None, None]
    assert results[3] == StreamFormat(fps=pytest.approx(29.97), width=640, height=360)
    low, high = MEASURABLE_FPS
    for step in (0.0, 1e-5, 1 / (high * 1.01), 1 / (low * 0.99)):  # frozen, bursts, paused
        caplog.clear()
        absurd = Warmup(frames=3, clock=FakeClock(step=step))
        assert [absurd.measure(8, 8) for _ in range(3)][-1] == StreamFormat(FALLBACK_FPS, 8, 8)
        assert absurd.count == 0
        assert any("outside [1, 240]" in r.getMessage() for r in caplog.records), step
    for step in (1 / high, 1 / low):  # the range's ends are measured as they are
        edge = Warmup(frames=3, clock=FakeClock(step=step))
        result = [edge.measure(8, 8) for _ in range(3)][-1]
        assert result is not None and result.fps == pytest.approx(1 / step)
    partial = Warmup(frames=100, clock=FakeClock(step=0.08))
    assert partial.rate_so_far() == FALLBACK_FPS  # no frame yet
    partial.measure(8, 8)
    assert partial.rate_so_far() == FALLBACK_FPS  # one frame: no interval
    partial.measure(8, 8)
    assert partial.rate_so_far() == pytest.approx(12.5)
    with pytest.raises(ValueError, match="warmup frames must be an int >= 2"):
        Warmup(frames=True, clock=lambda: 0.0)


def test_backlog_keeps_the_newest_frames_within_budget_and_reuses_evicted_copies() -> None:
    frame_bytes = 16 * 8 * 3
    backlog = FrameBacklog(budget=3 * frame_bytes)
    frames = [color_frame(i, 16, 8) for i in range(5)]
    for frame in frames:
        backlog.add(frame)
    frames[4][:] = 0  # the caller reuses its array: the kept copy is not affected
    kept = backlog.take()
    assert [tuple(frame[0, 0]) for frame in kept] == [PALETTE[i] for i in (2, 3, 4)]
    assert len({frame.__array_interface__["data"][0] for frame in kept}) == 3
    assert len(backlog) == 0 and backlog.evicted == 0
    backlog.add(color_frame(0, 32, 8))  # another size is kept too
    assert [frame.shape for frame in backlog.take()] == [(8, 32, 3)]


def test_mailbox_latest_frame_wins_and_reuses_three_buffers() -> None:
    box = FrameMailbox(width=32, height=16)
    seen_buffers = set()
    for round_ in range(6):
        replaced = [box.put(color_frame(round_ + color, 32, 16)) for color in range(3)]
        assert replaced == [False, True, True]  # three puts before one take: two are dropped
        taken = box.take(timeout=0)
        assert taken is not None
        assert tuple(taken[0, 0]) == tuple(color_frame(round_ + 2, 1, 1)[0, 0])
        seen_buffers.add(taken.__array_interface__["data"][0])
    assert box.dropped == 12
    assert len(seen_buffers) <= 3  # nothing allocated per frame
    assert box.take(timeout=0) is None  # empty


def test_mailbox_resizes_without_touching_the_callers_frame() -> None:
    box = FrameMailbox(width=40, height=30)
    frame = color_frame(3, 400, 300)
    original = frame.copy()
    box.put(frame[:, ::-1])  # non-contiguous view of another size
    taken = box.take(timeout=0)
    assert taken is not None and taken.shape == (30, 40, 3)
    assert tuple(taken[15, 20]) == tuple(original[0, 0])
    np.testing.assert_array_equal(frame, original)


def test_mailbox_close_wakes_a_waiting_take() -> None:
    box = FrameMailbox(width=4, height=4)
    result: list[object] = []
    waiter = threading.Thread(target=lambda: result.append(box.take(timeout=30)))
    waiter.start()
    box.close()
    waiter.join(5)
    assert result == [None]


def test_mailbox_close_still_hands_out_the_pending_frame_once() -> None:
    box = FrameMailbox(width=4, height=4)
    box.put(color_frame(3, 4, 4))
    box.close()
    taken = box.take(timeout=30)
    assert taken is not None and tuple(taken[0, 0]) == PALETTE[3]
    assert box.take(timeout=30) is None  # closed and empty: returns at once


@pytest.mark.parametrize(
    ("frame", "error", "text"),
    [
        (None, TypeError, "got NoneType"),
        (np.zeros((4, 4, 3), np.uint16), TypeError, "dtype must be uint8, got uint16"),
        (np.zeros((4, 4, 1), np.uint8), ValueError, "HxWx3"),
        (np.zeros((4, 4, 3, 1), np.uint8), ValueError, "HxWx3"),
        (np.zeros((4, 0, 3), np.uint8), ValueError, "empty"),
    ],
)
def test_check_frame_names_the_problem(frame: object, error: type[Exception], text: str) -> None:
    with pytest.raises(error, match=text):
        check_frame(frame)
