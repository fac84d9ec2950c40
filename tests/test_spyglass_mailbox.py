"""FrameMailbox under a producer that outpaces its consumer: whole frames, the caller's array
reusable at once, yields between the slices of a copy that is likely to be replaced.

(Self-contained: no test helpers, so it runs wherever the test files are moved.)"""

from __future__ import annotations

import threading
import time

import numpy as np
import pytest

from backpack.spyglass import mailbox
from backpack.spyglass.mailbox import FrameMailbox


def test_mailbox_replacing_copy_yields_between_slices_and_never_tears_the_pending_frame(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    width, height = 640, 480  # several SLICE_BYTES slices
    box = FrameMailbox(width=width, height=height)
    first = np.full((height, width, 3), 10, np.uint8)
    second = np.full((height, width, 3), 20, np.uint8)
    assert box.put(first) is False
    taken: list[np.ndarray] = []
    yields: list[int] = []

    def sched_yield() -> None:  # the consumer wakes up during the first yield
        yields.append(len(taken))
        if not taken:
            frame = box.take(timeout=0)
            assert frame is not None
            taken.append(frame.copy())

    monkeypatch.setattr(mailbox.os, "sched_yield", sched_yield)
    assert box.put(second) is False  # taken meanwhile: nothing was replaced
    second[:] = 99  # the caller reuses its array at once
    assert yields == [0]  # one yield, then the rest copied without yielding
    assert taken[0].min() == taken[0].max() == 10  # the pending frame was never touched
    latest = box.take(timeout=0)
    assert latest is not None and latest.min() == latest.max() == 20


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
