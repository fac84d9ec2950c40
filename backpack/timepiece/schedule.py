"""Schedules: run a callback later, driven by calling ``tick()`` from the frame loop.

Schedules have no thread or timer of their own: the callback runs during the first
:meth:`Schedule.tick` after it is due. With an ``executor`` the callback is submitted there and
``tick()`` returns at once. Exceptions raised by callbacks are logged (logger named after the
schedule class), never propagated into the frame loop and never lost silently.
"""

from __future__ import annotations

import datetime
import logging
import math
import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Executor
from typing import Any

from backpack._checks import check_callable, check_executor, check_positive_int
from backpack.timepiece.dispatch import dispatch

__all__ = ["AtSchedule", "IntervalSchedule", "OrdinalSchedule", "Schedule"]


class Schedule(ABC):
    """Base class: validates and runs the callback; subclasses decide when it is due.

    Args:
        callback: The function to run.
        cbargs: Positional arguments for ``callback``.
        cbkwargs: Keyword arguments for ``callback``.
        executor: Where to run ``callback``; ``None`` runs it synchronously inside ``tick()``.

    Raises:
        TypeError: ``callback`` is not callable, or ``executor`` is not an Executor.
    """

    def __init__(
        self,
        callback: Callable[..., Any],
        cbargs: Sequence[Any] = (),
        cbkwargs: Mapping[str, Any] | None = None,
        executor: Executor | None = None,
    ) -> None:
        check_callable("callback", callback)
        check_executor(executor)
        self._callback = callback
        self._cbargs = tuple(cbargs)
        self._cbkwargs = dict(cbkwargs or {})
        self._executor = executor
        self._logger = logging.getLogger(__name__)

    @abstractmethod
    def tick(self) -> bool:
        """Run the callback if it is due; return whether it was run (or submitted)."""

    def _fire(self) -> None:
        dispatch(self._callback, self._cbargs, self._cbkwargs, self._executor, self._logger)


class AtSchedule(Schedule):
    """Runs the callback once, at the first ``tick()`` at or after ``at``.

    Args:
        at: Timezone-aware time to run at (e.g. ``local_now() + timedelta(seconds=3)``).
        callback, cbargs, cbkwargs, executor: See :class:`Schedule`.
        clock: Wall-clock time source in POSIX seconds; injectable for tests.

    Raises:
        TypeError: ``at`` is not a datetime.
        ValueError: ``at`` is naive (has no time zone).

    Example:
        >>> import datetime
        >>> from backpack.timepiece import local_now
        >>> s = AtSchedule(at=local_now() - datetime.timedelta(seconds=1), callback=print,
        ...                cbargs=("due",))
        >>> s.tick()
        due
        True
        >>> s.tick()
        False
    """

    def __init__(
        self,
        at: datetime.datetime,
        callback: Callable[..., Any],
        cbargs: Sequence[Any] = (),
        cbkwargs: Mapping[str, Any] | None = None,
        executor: Executor | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        super().__init__(callback, cbargs, cbkwargs, executor)
        if not isinstance(at, datetime.datetime):
            raise TypeError(f"at must be a datetime.datetime, got {type(at).__name__}")
        if at.tzinfo is None or at.tzinfo.utcoffset(at) is None:
            raise ValueError("at must be timezone-aware (e.g. local_now() + timedelta(...))")
        self._at = at
        self._deadline = at.timestamp()
        self._clock = clock
        self._fired = False

    @property
    def at(self) -> datetime.datetime:
        """When the callback is due."""
        return self._at

    @property
    def fired(self) -> bool:
        """Whether the callback has been run (or submitted)."""
        return self._fired

    def tick(self) -> bool:
        """Run the callback if ``at`` has passed and it has not run yet."""
        if self._fired or self._clock() < self._deadline:
            return False
        self._fired = True
        self._fire()
        return True


class IntervalSchedule(Schedule):
    """Runs the callback repeatedly, every ``interval``, on a fixed grid.

    The grid is anchored at the first ``tick()``: deadlines are ``anchor + k * interval``, so
    late ticks do not make the schedule drift, and slots missed entirely (the loop stalled for
    several intervals) are skipped rather than run in a burst.

    Args:
        interval: Time between runs; must be positive.
        callback, cbargs, cbkwargs, executor: See :class:`Schedule`.
        fire_immediately: Run at the first ``tick()`` too (default), or only after one interval.
        clock: Monotonic time source in seconds; injectable for tests.

    Raises:
        TypeError: ``interval`` is not a timedelta.
        ValueError: ``interval`` is zero or negative.
    """

    def __init__(
        self,
        interval: datetime.timedelta,
        callback: Callable[..., Any],
        cbargs: Sequence[Any] = (),
        cbkwargs: Mapping[str, Any] | None = None,
        executor: Executor | None = None,
        fire_immediately: bool = True,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__(callback, cbargs, cbkwargs, executor)
        if not isinstance(interval, datetime.timedelta):
            raise TypeError(f"interval must be a datetime.timedelta, got {type(interval).__name__}")
        if interval <= datetime.timedelta(0):
            raise ValueError(f"interval must be positive, got {interval}")
        self._interval = interval
        self._interval_s = interval.total_seconds()
        self._fire_immediately = fire_immediately
        self._clock = clock
        self._anchor: float | None = None
        self._deadline = -math.inf

    @property
    def interval(self) -> datetime.timedelta:
        """Time between runs."""
        return self._interval

    def tick(self) -> bool:
        """Run the callback if the next grid deadline has passed."""
        now = self._clock()
        if now < self._deadline:
            return False
        anchor = self._anchor
        if anchor is None:
            self._anchor = anchor = now
            if not self._fire_immediately:
                self._deadline = now + self._interval_s
                return False
        slot = math.floor((now - anchor) / self._interval_s) + 1
        self._deadline = anchor + slot * self._interval_s
        self._fire()
        return True


class OrdinalSchedule(Schedule):
    """Runs the callback on every ``ordinal``-th ``tick()``.

    Args:
        ordinal: Run on ticks ``ordinal``, ``2 * ordinal``, ...; at least 1.
        callback, cbargs, cbkwargs, executor: See :class:`Schedule`.

    Raises:
        TypeError: ``ordinal`` is not an int.
        ValueError: ``ordinal`` is smaller than 1.
    """

    def __init__(
        self,
        ordinal: int,
        callback: Callable[..., Any],
        cbargs: Sequence[Any] = (),
        cbkwargs: Mapping[str, Any] | None = None,
        executor: Executor | None = None,
    ) -> None:
        super().__init__(callback, cbargs, cbkwargs, executor)
        check_positive_int("ordinal", ordinal)
        self._ordinal = ordinal
        self._count = 0

    @property
    def ordinal(self) -> int:
        """Run on every ``ordinal``-th tick."""
        return self._ordinal

    def tick(self) -> bool:
        """Count the tick; run the callback if it is the ``ordinal``-th since the last run."""
        self._count += 1
        if self._count < self._ordinal:
            return False
        self._count = 0
        self._fire()
        return True
