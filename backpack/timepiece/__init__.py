"""Timing and profiling for the frame loop.

* :func:`local_now` - timezone-aware local time.
* :class:`Ticker` - statistics of the intervals between recurring events.
* :class:`StopWatch` - time code blocks, hierarchically; also a decorator.
* :class:`AtSchedule`, :class:`IntervalSchedule`, :class:`OrdinalSchedule` - run a callback
  later, driven by ``tick()`` from the frame loop; :class:`AlarmClock` ticks many at once.
* :class:`Tachometer` - periodic frame-time statistics to a callback.
"""

from __future__ import annotations

from .alarmclock import AlarmClock
from .clock import local_now
from .intervals import IntervalStatistics
from .schedule import AtSchedule, IntervalSchedule, OrdinalSchedule, Schedule
from .stopwatch import StopWatch
from .tachometer import StatsCallback, Tachometer
from .ticker import Ticker

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
