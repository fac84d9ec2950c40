"""Timing and profiling for the frame loop.

* :func:`local_now` - timezone-aware local time.
* :class:`Ticker` - statistics of the intervals between recurring events.
* :class:`StopWatch` - time code blocks, hierarchically; also a decorator.
* :class:`AtSchedule`, :class:`IntervalSchedule`, :class:`OrdinalSchedule` - run a callback
  later, driven by ``tick()`` from the frame loop; :class:`AlarmClock` ticks many at once.
* :class:`Tachometer` - periodic frame-time statistics to a callback.
"""

from __future__ import annotations

from backpack.timepiece.alarmclock import AlarmClock
from backpack.timepiece.clock import local_now
from backpack.timepiece.intervals import IntervalStatistics
from backpack.timepiece.schedule import AtSchedule, IntervalSchedule, OrdinalSchedule, Schedule
from backpack.timepiece.stopwatch import StopWatch
from backpack.timepiece.tachometer import StatsCallback, Tachometer
from backpack.timepiece.ticker import Ticker

__all__ = [
    "AlarmClock",
    "AtSchedule",
    "IntervalSchedule",
    "IntervalStatistics",
    "OrdinalSchedule",
    "Schedule",
    "StatsCallback",
    "StopWatch",
    "Tachometer",
    "Ticker",
    "local_now",
]
