"""Tachometer: periodic statistics of the time between recurring events."""

from __future__ import annotations

import datetime
import logging
import math
import time
from collections.abc import Callable
from concurrent.futures import Executor
from typing import Any

from backpack._checks import check_callable, check_executor
from backpack.timepiece.clock import local_now
from backpack.timepiece.dispatch import dispatch
from backpack.timepiece.schedule import IntervalSchedule

__all__ = ["StatsCallback", "Tachometer"]

StatsCallback = Callable[[datetime.datetime, float, float, float, int], Any]
"""``stats_callback(timestamp, min_proc_time, max_proc_time, sum_proc_time, num_events)``."""


class Tachometer:
    """Measures the time between :meth:`tick` calls and reports statistics every interval.

    Every ``stats_interval`` (on a fixed grid anchored at the first tick) the tachometer calls
    ``stats_callback(timestamp, min_proc_time, max_proc_time, sum_proc_time, num_events)`` with
    the statistics of all intervals that ended since the previous report, then starts afresh.
    ``timestamp`` is the aware local time of the report. Intervals are aggregated on the fly
    (minimum, maximum, sum, count), so nothing is stored or lost however many frames an
    interval holds. A report with no intervals is skipped.

    Args:
        stats_callback: Receives the statistics; exceptions it raises are logged.
        stats_interval: Time between reports; must be positive.
        executor: Where to run ``stats_callback``; ``None`` runs it inside ``tick()``.
            Consider one when the callback is slow (it talks to a service, say).
        clock: Monotonic time source in seconds; injectable for tests.

    Example:
        >>> def stats_callback(timestamp, min_proc_time, max_proc_time, sum_proc_time, num):
        ...     print(f"min: {min_proc_time:.4f}, max: {max_proc_time:.4f}, num: {num}")
        >>> tach = Tachometer(stats_callback, datetime.timedelta(seconds=2))
        >>> tach.tick()  # call once per frame
    """

    def __init__(
        self,
        stats_callback: StatsCallback,
        stats_interval: datetime.timedelta = datetime.timedelta(seconds=60),
        executor: Executor | None = None,
        clock: Callable[[], float] = time.perf_counter,
    ) -> None:
        check_callable("stats_callback", stats_callback)
        check_executor(executor)
        self._logger = logging.getLogger(type(self).__module__)
        self._schedule = IntervalSchedule(
            stats_interval, self._report, fire_immediately=False, clock=clock
        )
        self._stats_callback = stats_callback
        self._executor = executor
        self._clock = clock
        self._last: float | None = None
        self._min = math.inf
        self._max = -math.inf
        self._sum = 0.0
        self._count = 0

    @property
    def stats_interval(self) -> datetime.timedelta:
        """Time between reports."""
        return self._schedule.interval

    def tick(self) -> None:
        """Record an event (call once per frame); report if the interval is over."""
        now = self._clock()
        last = self._last
        self._last = now
        if last is not None:
            elapsed = now - last
            self._count += 1
            self._sum += elapsed
            if elapsed < self._min:
                self._min = elapsed
            if elapsed > self._max:
                self._max = elapsed
        self._schedule.tick()

    def _report(self) -> None:
        count = self._count
        if count == 0:
            return
        stats = (local_now(), self._min, self._max, self._sum, count)
        self._min = math.inf
        self._max = -math.inf
        self._sum = 0.0
        self._count = 0
        dispatch(self._stats_callback, stats, {}, self._executor, self._logger)
