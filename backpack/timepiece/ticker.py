"""Ticker: statistics of the time between recurring events."""

from __future__ import annotations

import time
from collections.abc import Callable

from backpack.timepiece.intervals import IntervalStatistics

__all__ = ["Ticker"]


class Ticker(IntervalStatistics):
    """Measures the intervals between consecutive :meth:`tick` calls.

    Keeps the last ``max_intervals`` intervals; statistics (:meth:`min`, :meth:`max`,
    :meth:`mean`, :meth:`sum`, :meth:`freq`) are computed over them.

    Args:
        max_intervals: How many of the most recent intervals to keep (at least 1).
        clock: Monotonic time source in seconds; injectable for tests.

    Example:
        >>> ticker = Ticker(max_intervals=5)
        >>> for _ in range(10):
        ...     ticker.tick()
        >>> len(ticker)
        5
    """

    __slots__ = ("_append", "_clock", "_last")

    def __init__(
        self, max_intervals: int = 10, clock: Callable[[], float] = time.perf_counter
    ) -> None:
        super().__init__(max_intervals)
        if not callable(clock):
            raise TypeError("clock must be callable")
        self._clock = clock
        self._last: float | None = None
        self._append = self._intervals.append  # bound once: tick() stays two calls and a store

    def tick(self) -> None:
        """Record an event; the time since the previous event becomes an interval."""
        now = self._clock()
        last = self._last
        self._last = now
        if last is not None:
            self._append(now - last)

    def reset(self) -> None:
        """Forget all intervals and the last event: the next tick starts afresh."""
        super().reset()
        self._last = None

    def __repr__(self) -> str:
        return f"<Ticker {self._repr_stats()}>"
