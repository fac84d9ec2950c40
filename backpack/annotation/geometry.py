"""Normalized image coordinates."""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass
from typing import Any


def check_coordinate(owner: str, name: str, value: Any) -> float:
    """Return ``value`` as a finite float or raise naming ``owner.name`` and the value.

    Raises:
        TypeError: ``value`` is not a real number (``bool`` is refused too).
        ValueError: ``value`` is NaN or infinite.
    """
    kind = type(value)
    if (
        kind is not float
        and kind is not int
        and (isinstance(value, bool) or not isinstance(value, numbers.Real))
    ):
        raise TypeError(f"{owner}.{name} must be a real number, got {kind.__name__} {value!r}")
    number = float(value)
    if not math.isfinite(number):
        raise ValueError(f"{owner}.{name} is not finite: {value!r}")
    return number


@dataclass(frozen=True)
class Point:
    """A point in normalized image coordinates: ``(0, 0)`` top-left, ``(1, 1)`` bottom-right.

    A driver maps ``x`` to pixel column ``floor(x * width)`` (``1.0`` lands on the last column),
    so ``Point(0.5, 0.5)`` on a 200x100 image is pixel ``(100, 50)``.

    Policy: any finite coordinate is accepted, also outside ``[0, 1]`` (detectors report boxes
    a little past the frame's edge); the drivers clip at drawing time. NaN and infinities raise
    ``ValueError``; anything that is not a real number (including ``bool`` and ``None``) raises
    ``TypeError``. Numpy scalars are accepted and stored as ``float``.

    Example:
        >>> Point(0.25, 0.75)
        Point(x=0.25, y=0.75)
    """

    x: float
    y: float

    def __post_init__(self) -> None:
        object.__setattr__(self, "x", check_coordinate("Point", "x", self.x))
        object.__setattr__(self, "y", check_coordinate("Point", "y", self.y))
