"""Copies of the frames put during the warmup, written if streaming stops before it ends."""

from __future__ import annotations

import collections

import numpy as np

from backpack.spyglass.frame import Frame

BACKLOG_BYTES = 256 * 2**20
"""Most bytes of frames kept (e.g. 97 frames of 1280x720); the oldest are dropped beyond."""


class FrameBacklog:
    """Keeps copies of the newest frames, up to ``budget`` bytes.

    Frames put while SpyGlass still measures the frame rate are not streamed; when streaming
    stops before the measurement ends they are written from here instead of being lost. A
    copy evicted over budget is reused for the next frame of the same shape.

    Example:
        >>> backlog = FrameBacklog(budget=100)
        >>> for value in range(4):
        ...     backlog.add(np.full((4, 4, 3), value, np.uint8))  # 48 bytes each
        >>> backlog.evicted, [int(frame[0, 0, 0]) for frame in backlog.take()]
        (2, [2, 3])
    """

    def __init__(self, budget: int = BACKLOG_BYTES) -> None:
        self._budget = budget
        self._frames: collections.deque[Frame] = collections.deque()
        self._bytes = 0
        self.evicted = 0

    def __len__(self) -> int:
        return len(self._frames)

    def add(self, frame: Frame) -> None:
        """Keep a copy of ``frame`` (evicting the oldest copies over budget)."""
        spare: Frame | None = None
        while self._frames and self._bytes + frame.nbytes > self._budget:
            spare = self._frames.popleft()
            self._bytes -= spare.nbytes
            self.evicted += 1
        if spare is not None and spare.shape == frame.shape:
            np.copyto(spare, frame)
            copy = spare
        else:
            copy = np.array(frame, dtype=np.uint8, order="C", copy=True)
        self._frames.append(copy)
        self._bytes += copy.nbytes

    def take(self) -> list[Frame]:
        """Return the kept frames, oldest first, and forget them."""
        frames = list(self._frames)
        self.clear()
        return frames

    def clear(self) -> None:
        """Forget the kept frames (and their memory)."""
        self._frames.clear()
        self._bytes = 0
        self.evicted = 0
