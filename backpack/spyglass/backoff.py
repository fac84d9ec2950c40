"""Exponential backoff between attempts to re-open a failed pipeline."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Backoff:
    """Exponential backoff schedule: ``initial * factor**attempt`` capped at ``maximum``.

    Example:
        >>> Backoff(initial=1.0, factor=2.0, maximum=5.0).delay(3)
        5.0
    """

    initial: float = 1.0
    factor: float = 2.0
    maximum: float = 30.0

    def __post_init__(self) -> None:
        if not self.initial > 0:
            raise ValueError(f"Backoff.initial must be > 0, got {self.initial!r}")
        if not self.factor >= 1:
            raise ValueError(f"Backoff.factor must be >= 1, got {self.factor!r}")
        if not self.maximum >= self.initial:
            raise ValueError(
                f"Backoff.maximum ({self.maximum!r}) must be >= initial ({self.initial!r})"
            )

    def delay(self, attempt: int) -> float:
        """Seconds to wait before retry number ``attempt`` (0 for the first retry)."""
        if attempt < 0:
            raise ValueError(f"attempt must be >= 0, got {attempt!r}")
        # Cap the exponent so huge attempt counts cannot overflow the float.
        return min(self.maximum, self.initial * self.factor ** min(attempt, 64))
