"""AlarmClock: tick a collection of schedules with one call."""

from __future__ import annotations

from collections.abc import Iterable

from backpack.timepiece.schedule import Schedule

__all__ = ["AlarmClock"]


class AlarmClock:
    """Ticks every schedule it holds, in insertion order, with one :meth:`tick`.

    Args:
        schedules: Initial schedules.

    Raises:
        TypeError: An item is not a :class:`Schedule`.

    Example:
        >>> from backpack.timepiece import OrdinalSchedule
        >>> calls = []
        >>> clock = AlarmClock([OrdinalSchedule(ordinal=2, callback=calls.append, cbargs=(1,))])
        >>> for _ in range(4):
        ...     clock.tick()
        >>> calls
        [1, 1]
    """

    def __init__(self, schedules: Iterable[Schedule] = ()) -> None:
        self._schedules: tuple[Schedule, ...] = ()
        for schedule in schedules:
            self.add(schedule)

    @property
    def schedules(self) -> tuple[Schedule, ...]:
        """The schedules, in the order they are ticked."""
        return self._schedules

    def add(self, schedule: Schedule) -> None:
        """Start ticking ``schedule`` (it may be added once only)."""
        if not isinstance(schedule, Schedule):
            raise TypeError(f"schedule must be a Schedule, got {type(schedule).__name__}")
        if schedule in self._schedules:
            raise ValueError(f"{schedule!r} is already in this AlarmClock")
        # A new tuple per change: tick() iterates an immutable snapshot without allocating,
        # and callbacks may add or remove schedules safely.
        self._schedules = (*self._schedules, schedule)

    def remove(self, schedule: Schedule) -> None:
        """Stop ticking ``schedule``.

        Raises:
            ValueError: ``schedule`` is not in this AlarmClock.
        """
        if schedule not in self._schedules:
            raise ValueError(f"{schedule!r} is not in this AlarmClock")
        self._schedules = tuple(s for s in self._schedules if s is not schedule)

    def __len__(self) -> int:
        return len(self._schedules)

    def tick(self) -> None:
        """Tick every schedule."""
        for schedule in self._schedules:
            schedule.tick()
