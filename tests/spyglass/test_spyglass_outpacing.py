"""A frame loop that outpaces its pipeline: the mailbox keeps frames whole and the caller's
array reusable at once, yields between the slices of a copy that is likely to be replaced,
and the session pauses the loop briefly (never waiting for the pipeline).

(Self-contained: no test helpers, so it runs wherever the test files are moved.)"""

from __future__ import annotations

import logging
import os
import threading
import time

import numpy as np
import pytest

from backpack.spyglass import Backoff, StreamFormat, stream
from backpack.spyglass.frame import Frame
from backpack.spyglass.mailbox import FrameMailbox
from backpack.spyglass.stream import StreamSession, StreamSettings


def test_mailbox_replacing_copy_yields_between_slices_and_never_tears_the_pending_frame(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    width, height = 640, 480  # several SLICE_BYTES slices
    box = FrameMailbox(width=width, height=height)
    first = np.full((height, width, 3), 10, np.uint8)
    # A strided view (columns reversed) of a pattern: each slice must land in its place.
    pattern = (np.arange(height)[:, None] + 3 * np.arange(width)[None, :]) % 256
    second = np.repeat(pattern.astype(np.uint8)[:, :, None], 3, axis=2)[:, ::-1]
    expected = second.copy()
    assert box.put(first) is False
    taken: list[Frame] = []
    yields: list[int] = []

    def sched_yield() -> None:  # the consumer wakes up during the first yield
        yields.append(len(taken))
        if not taken:
            frame = box.take(timeout=0)
            assert frame is not None
            taken.append(frame.copy())

    monkeypatch.setattr(os, "sched_yield", sched_yield)  # as the mailbox calls it
    assert box.put(second) is False  # taken meanwhile: nothing was replaced
    second[:] = 99  # the caller reuses its array at once
    assert yields == [0]  # one yield, then the rest copied without yielding
    assert taken[0].min() == taken[0].max() == 10  # the pending frame was never touched
    latest = box.take(timeout=0)
    assert latest is not None
    np.testing.assert_array_equal(latest, expected)


def test_mailbox_frames_stay_whole_while_the_producer_reuses_its_array() -> None:
    """A producer refilling one array right after each put, a slower consumer: every frame
    taken is one frame put (no mix of two), newer than the previous one, and the last one
    put is the last one taken."""
    width, height, count = 640, 480, 250
    box = FrameMailbox(width=width, height=height)
    seen: list[int] = []
    errors: list[str] = []

    def consume() -> None:
        while True:
            frame = box.take(timeout=10)
            if frame is None:
                return
            value = int(frame[0, 0, 0])
            for _ in range(2):  # the buffer stays valid (and whole) until the next take
                if not frame.min() == frame.max() == value:
                    errors.append(f"torn frame after {seen[-1:]}")
                time.sleep(0.0005)
            seen.append(value)

    consumer = threading.Thread(target=consume)
    consumer.start()
    frame = np.empty((height, width, 3), np.uint8)
    for value in range(1, count + 1):
        frame[:] = value
        box.put(frame)
    frame[:] = 0
    box.close()
    consumer.join(30)
    assert not consumer.is_alive()
    assert not errors, errors
    assert seen == sorted(set(seen)) and seen[-1] == count
    assert box.dropped > 0  # the producer outpaced the consumer: replacing copies ran


def test_session_pauses_the_loop_only_when_a_put_replaced_an_unwritten_frame(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The pause is a fixed short sleep: it does not wait for the pipeline (here nothing is
    ever written: the streaming thread is not even started)."""
    session = StreamSession(
        owner=None,  # type: ignore[arg-type]  # not started: the owner is never called
        stream_format=StreamFormat(fps=30.0, width=8, height=4),
        settings=StreamSettings(Backoff(), stall_timeout=5.0, stop_timeout=1.0),
        log=logging.LoggerAdapter(logging.getLogger(__name__), None),
        on_state=lambda session, state: None,
    )
    sleeps: list[float] = []
    monkeypatch.setattr(time, "sleep", sleeps.append)  # as the session calls it
    frame = np.zeros((4, 8, 3), np.uint8)
    session.put(frame)
    assert sleeps == []  # the first frame waits for the pipeline: the loop is not ahead
    session.put(frame)
    session.put(frame)
    assert sleeps == [stream.OUTPACED_PAUSE] * 2
    assert 0 < stream.OUTPACED_PAUSE <= 0.001
    assert session.mailbox.take(timeout=0) is not None
    session.put(frame)  # taken: no longer ahead
    assert len(sleeps) == 2
