"""Measures the frame rate and frame size of a stream from its first frames."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

FALLBACK_FPS = 30.0
"""Frame rate used when none was given and none can be measured (see :class:`Warmup`)."""

MEASURABLE_FPS = (1.0, 240.0)
"""A measured frame rate outside this range is not a camera's: :data:`FALLBACK_FPS` is used."""

_logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class StreamFormat:
    """Frame rate and frame size of a video stream."""

    fps: float
    width: int
    height: int


def sane_fps(intervals: int, elapsed: float) -> float:
    """The rate of ``intervals`` frame intervals over ``elapsed`` s, or :data:`FALLBACK_FPS`.

    Frames read from a list or a file arrive in a burst (thousands of "fps"), a paused loop
    yields a fraction of one: a rate outside :data:`MEASURABLE_FPS` (or no interval at all)
    is logged as a warning and replaced by the fallback.

    Example:
        >>> sane_fps(24, 1.0), sane_fps(99, 0.006)
        (24.0, 30.0)
    """
    low, high = MEASURABLE_FPS
    if intervals < 1:
        _logger.info("No frame interval to measure: using the default %g fps", FALLBACK_FPS)
        return FALLBACK_FPS
    rate = intervals / elapsed if elapsed > 0 else float("inf")
    if low <= rate <= high:
        return rate
    _logger.warning(
        "Measured %.1f fps from %d frame intervals, outside [%g, %g] (frames fed in a burst, "
        "e.g. from a list or a file?): using %g fps; pass fps= to choose the rate",
        rate,
        intervals,
        low,
        high,
        FALLBACK_FPS,
    )
    return FALLBACK_FPS


class Warmup:
    """Measures frame rate and size from the timestamps and shapes of ``frames`` frames.

    Call :meth:`measure` once per incoming frame; it returns ``None`` until ``frames`` frames
    were seen, then the measured :class:`StreamFormat` (size of the last frame, frame rate from
    the first and last timestamps, checked by :func:`sane_fps`). :meth:`rate_so_far` gives the
    rate of the frames seen so far, for a stream stopped before the warmup ended.

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
        self._last = 0.0

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
        self._last = now
        self._count += 1
        if self._count < self._frames:
            return None
        fps = self.rate_so_far()
        self._count = 0
        return StreamFormat(fps=fps, width=width, height=height)

    def rate_so_far(self) -> float:
        """The (checked) rate of the frames seen since the last reset; see :func:`sane_fps`."""
        return sane_fps(self._count - 1, self._last - self._first)
