"""Argument checks shared by backpack's constructors (private).

Each raises what the public classes document, with the argument's name in the message.
"""

from __future__ import annotations

import numbers
from concurrent.futures import Executor


def check_callable(name: str, value: object) -> None:
    """Raise ``TypeError`` unless ``value`` is callable.

    Example:
        >>> check_callable("callback", print)
        >>> check_callable("callback", 42)
        Traceback (most recent call last):
        TypeError: callback must be callable, got int
    """
    if not callable(value):
        raise TypeError(f"{name} must be callable, got {type(value).__name__}")


def check_executor(executor: object) -> None:
    """Raise ``TypeError`` unless ``executor`` is ``None`` or a ``concurrent.futures.Executor``."""
    if executor is not None and not isinstance(executor, Executor):
        raise TypeError(
            f"executor must be a concurrent.futures.Executor, got {type(executor).__name__}"
        )


def check_positive_int(name: str, value: object) -> None:
    """Raise ``TypeError`` unless ``value`` is an int (not a bool), ``ValueError`` if below 1.

    Example:
        >>> check_positive_int("ordinal", 0)
        Traceback (most recent call last):
        ValueError: ordinal must be at least 1, got 0
    """
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be an int, got {type(value).__name__}")
    if value < 1:
        raise ValueError(f"{name} must be at least 1, got {value}")


def check_non_empty_str(name: str, value: object) -> None:
    """Raise ``TypeError`` unless ``value`` is a str, ``ValueError`` if it is empty."""
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a str, got {type(value).__name__}")
    if not value:
        raise ValueError(f"{name} must not be empty")


def optional_fps(fps: float | None) -> float | None:
    """``fps`` as a float in (0, 1000), or None; ``ValueError`` otherwise."""
    if fps is None:
        return None
    if isinstance(fps, bool) or not isinstance(fps, (int, float)) or not 0 < fps < 1000:
        raise ValueError(f"fps must be a number in (0, 1000), got {fps!r}")
    return float(fps)


def optional_dimension(name: str, value: int | None) -> int | None:
    """``value`` as a positive int (numpy integers too), or None; ``ValueError`` otherwise."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value <= 0:
        raise ValueError(f"{name} must be a positive int, got {value!r}")
    return int(value)
