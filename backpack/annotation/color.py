"""RGB colors for annotations."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, ClassVar

_HEX_COLOR = re.compile(r"#?([0-9a-fA-F]{2})([0-9a-fA-F]{2})([0-9a-fA-F]{2})")


def _check_channel(name: str, value: Any) -> int:
    if type(value) is not int:
        if isinstance(value, bool) or not hasattr(value, "__index__"):
            raise TypeError(
                f"Color.{name} must be an int in [0, 255], got {type(value).__name__} {value!r}"
            )
        value = value.__index__()
    if not 0 <= value <= 255:
        raise ValueError(f"Color.{name} is outside [0, 255]: {value!r}")
    return int(value)


@dataclass(frozen=True)
class Color:
    """An RGB color with 8-bit channels.

    ``bgr`` (OpenCV channel order) and ``contrast_bgr`` (black or white, whichever reads better
    on this color; used for label text on a filled label box) are computed once at construction.

    Policy: channels must be ints (numpy integers accepted) in ``[0, 255]``; ``bool``, floats and
    other types raise ``TypeError``, out-of-range values raise ``ValueError``.

    Example:
        >>> Color(255, 136, 0) == Color.from_hex("#ff8800")
        True
        >>> Color.RED.bgr
        (0, 0, 255)
    """

    r: int
    g: int
    b: int
    bgr: tuple[int, int, int] = field(init=False, repr=False, compare=False)
    contrast_bgr: tuple[int, int, int] = field(init=False, repr=False, compare=False)

    RED: ClassVar[Color]
    GREEN: ClassVar[Color]
    BLUE: ClassVar[Color]
    WHITE: ClassVar[Color]
    BLACK: ClassVar[Color]
    YELLOW: ClassVar[Color]
    CYAN: ClassVar[Color]
    MAGENTA: ClassVar[Color]
    ORANGE: ClassVar[Color]

    def __post_init__(self) -> None:
        r = _check_channel("r", self.r)
        g = _check_channel("g", self.g)
        b = _check_channel("b", self.b)
        object.__setattr__(self, "r", r)
        object.__setattr__(self, "g", g)
        object.__setattr__(self, "b", b)
        object.__setattr__(self, "bgr", (b, g, r))
        # ITU-R BT.601 luma; dark text on light colors, white text on dark ones.
        luma = 0.299 * r + 0.587 * g + 0.114 * b
        object.__setattr__(self, "contrast_bgr", (0, 0, 0) if luma >= 128 else (255, 255, 255))

    @classmethod
    def from_hex(cls, code: str) -> Color:
        """Parse ``'#rrggbb'`` or ``'rrggbb'`` (case-insensitive).

        Raises:
            TypeError: ``code`` is not a string.
            ValueError: ``code`` is not six hex digits with an optional leading ``#``.
        """
        if not isinstance(code, str):
            raise TypeError(f"Color.from_hex expects a str, got {type(code).__name__} {code!r}")
        match = _HEX_COLOR.fullmatch(code.strip())
        if match is None:
            raise ValueError(f"Color.from_hex expects '#rrggbb', got {code!r}")
        r, g, b = (int(part, 16) for part in match.groups())
        return cls(r, g, b)

    def to_hex(self) -> str:
        """Return ``'#rrggbb'``."""
        return f"#{self.r:02x}{self.g:02x}{self.b:02x}"


Color.RED = Color(255, 0, 0)
Color.GREEN = Color(0, 255, 0)
Color.BLUE = Color(0, 0, 255)
Color.WHITE = Color(255, 255, 255)
Color.BLACK = Color(0, 0, 0)
Color.YELLOW = Color(255, 255, 0)
Color.CYAN = Color(0, 255, 255)
Color.MAGENTA = Color(255, 0, 255)
Color.ORANGE = Color(255, 136, 0)
