"""The frame type SpyGlass accepts, and its validation."""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

Frame = NDArray[np.uint8]
"""A BGR image: ``numpy.ndarray`` of dtype uint8 and shape ``(height, width, 3)``."""


def check_frame(frame: Any) -> None:
    """Raise TypeError/ValueError unless ``frame`` is a non-empty uint8 HxWx3 (BGR) array.

    Example:
        >>> check_frame(np.zeros((2, 2), np.uint8))
        Traceback (most recent call last):
        ...
        ValueError: frame must be a HxWx3 BGR image, got shape (2, 2)
    """
    if not isinstance(frame, np.ndarray):
        raise TypeError(f"frame must be a numpy.ndarray, got {type(frame).__name__}")
    if frame.dtype != np.uint8:
        raise TypeError(f"frame dtype must be uint8, got {frame.dtype}")
    if frame.ndim != 3 or frame.shape[2] != 3:
        raise ValueError(f"frame must be a HxWx3 BGR image, got shape {frame.shape}")
    if frame.shape[0] == 0 or frame.shape[1] == 0:
        raise ValueError(f"frame is empty, got shape {frame.shape}")
