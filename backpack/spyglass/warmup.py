"""Measures the frame rate and frame size of a stream from its first frames."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class StreamFormat:
    """Frame rate and frame size of a video stream."""

    fps: float
    width: int
    height: int


class Warmup:
    """Measures frame rate and size from the timestamps and shapes of ``frames`` frames.

    Call :meth:`measure` once per incoming frame; it returns ``None`` until ``frames`` frames
    were seen, then the measured :class:`StreamFormat` (size of the last frame, frame rate from
    the first and last timestamps).

    Example:
        >>> ticks = iter(i / 25 for i in range(10))
        >>> warmup = Warmup(frames=10, clock=lambda: next(ticks))
        >>> [warmup.measure(640, 480) for _ in range(10)][-1]
        StreamFormat(fps=25.0, width=640, height=480)
    """

    def __init__(self, frames: int, clock: Callable[[], float]) -> None:
        if isinstance(frames, bool) or not isinstance(frames, int) or frames < 2:
            raise ValueError(f"warmup frames must be an int >= 2, got {frames!r}")
        self._frames = frames
        self._clock = clock
        self._count = 0
        self._first = 0.0

    @property
    def frames(self) -> int:
        """Number of frames the measurement needs."""
        return self._frames

    @property
    def count(self) -> int:
        """Number of frames seen since the last reset."""
        return self._count

    def reset(self) -> None:
        """Forget the frames seen so far."""
        self._count = 0

    def measure(self, width: int, height: int) -> StreamFormat | None:
        """Record one frame; return the measured format once enough frames were seen."""
        now = self._clock()
        if self._count == 0:
            self._first = now
        self._count += 1
        if self._count < self._frames:
            return None
        elapsed = now - self._first
        intervals = self._count - 1
        self._count = 0
        if elapsed <= 0:
            # Frozen or non-monotonic clock: nothing to measure, start over.
            return None
        return StreamFormat(fps=intervals / elapsed, width=width, height=height)
