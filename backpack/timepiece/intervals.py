"""Bounded interval history with summary statistics, shared by Ticker and StopWatch."""

from __future__ import annotations

from collections import deque

from backpack._checks import check_positive_int

__all__ = ["IntervalStatistics"]


class IntervalStatistics:
    """The last ``max_intervals`` time intervals (in seconds) and their statistics.

    Statistics of an empty history are ``None``.

    Args:
        max_intervals: How many of the most recent intervals to keep (at least 1).

    Raises:
        TypeError: ``max_intervals`` is not an int.
        ValueError: ``max_intervals`` is smaller than 1.
    """

    __slots__ = ("_intervals",)

    def __init__(self, max_intervals: int = 10) -> None:
        check_positive_int("max_intervals", max_intervals)
        self._intervals: deque[float] = deque(maxlen=max_intervals)

    @property
    def max_intervals(self) -> int:
        """How many of the most recent intervals are kept."""
        maxlen = self._intervals.maxlen
        assert maxlen is not None
        return maxlen

    @property
    def intervals(self) -> tuple[float, ...]:
        """The kept intervals in seconds, oldest first (a snapshot)."""
        return tuple(self._intervals)

    def __len__(self) -> int:
        return len(self._intervals)

    def min(self) -> float | None:
        """The shortest kept interval in seconds, or ``None`` when there is none."""
        return min(self._intervals) if self._intervals else None

    def max(self) -> float | None:
        """The longest kept interval in seconds, or ``None`` when there is none."""
        return max(self._intervals) if self._intervals else None

    def sum(self) -> float | None:
        """The sum of the kept intervals in seconds, or ``None`` when there is none."""
        return sum(self._intervals) if self._intervals else None

    def mean(self) -> float | None:
        """The mean of the kept intervals in seconds, or ``None`` when there is none."""
        if not self._intervals:
            return None
        return sum(self._intervals) / len(self._intervals)

    def freq(self) -> float | None:
        """Events per second (``1 / mean``), or ``None`` when the mean is missing or zero."""
        mean = self.mean()
        return 1.0 / mean if mean else None

    def reset(self) -> None:
        """Forget all kept intervals."""
        self._intervals.clear()

    def _repr_stats(self) -> str:
        """``intervals=[0.0899, 0.0632] min=0.0632 mean=0.0766 max=0.0899`` (4 decimals)."""
        values = ", ".join(f"{value:.4f}" for value in self._intervals)
        return (
            f"intervals=[{values}] min={_fmt(self.min())} "
            f"mean={_fmt(self.mean())} max={_fmt(self.max())}"
        )


def _fmt(value: float | None) -> str:
    return "None" if value is None else f"{value:.4f}"
