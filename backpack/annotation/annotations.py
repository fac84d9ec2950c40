"""Annotation value types: what to draw, in normalized coordinates, independent of the backend.

Every annotation is a frozen dataclass validated at construction (why: ``docs/design.md``,
backpack.annotation).

Validation policy (the same for every type):
    * Points must be :class:`Point` instances (whose own policy refuses NaN and infinities;
      coordinates outside ``[0, 1]`` are accepted and clipped by the drivers when drawn).
    * Colors must be :class:`Color` or ``None`` (``None``: the driver's default color).
    * Text must be a ``str`` with at least one visible character and no line breaks or other
      control characters (a NUL would end the text early, a tab draw as ``?``); wrong types
      raise ``TypeError``, bad text ``ValueError``. Any other Unicode text is fine: the OpenCV
      driver draws non-ASCII text with TrueType fonts.
    * Thickness, where present, is ``None`` (driver default) or an int >= 1.
"""

from __future__ import annotations

import datetime
import enum
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, Union

from backpack.annotation.color import Color
from backpack.annotation.geometry import Point


def _check_point(owner: str, name: str, value: Any) -> None:
    if not isinstance(value, Point):
        raise TypeError(f"{owner}.{name} must be a Point, got {type(value).__name__} {value!r}")


def _check_color(owner: str, value: Any) -> None:
    if value is not None and not isinstance(value, Color):
        raise TypeError(
            f"{owner}.color must be a Color or None, got {type(value).__name__} {value!r}"
        )


def _check_text(owner: str, name: str, value: Any) -> None:
    if not isinstance(value, str):
        raise TypeError(f"{owner}.{name} must be a str, got {type(value).__name__} {value!r}")
    if not value.strip():
        raise ValueError(f"{owner}.{name} must contain visible text, got {value!r}")
    if "\n" in value or "\r" in value:
        raise ValueError(f"{owner}.{name} must be a single line, got {value!r}")
    if not value.isprintable():
        for index, char in enumerate(value):
            if unicodedata.category(char) == "Cc":
                raise ValueError(
                    f"{owner}.{name} must not contain control characters, got {char!r} at "
                    f"index {index} of {value!r}"
                )


def _check_thickness(owner: str, value: Any) -> None:
    if value is None:
        return
    if type(value) is not int:
        raise TypeError(
            f"{owner}.thickness must be an int >= 1 or None, got {type(value).__name__} {value!r}"
        )
    if value < 1:
        raise ValueError(f"{owner}.thickness must be >= 1, got {value!r}")


@dataclass(frozen=True)
class LabelAnnotation:
    """A single line of text.

    ``point`` is the left end of the text baseline (OpenCV's ``putText`` origin): the text grows
    to the right and upwards from it. Drivers that can draw a background box put it behind the
    text for legibility.

    Example:
        >>> LabelAnnotation(point=Point(0.5, 0.5), text="Hello World!")
        LabelAnnotation(point=Point(x=0.5, y=0.5), text='Hello World!', color=None)
    """

    point: Point
    text: str
    color: Color | None = None

    def __post_init__(self) -> None:
        _check_point("LabelAnnotation", "point", self.point)
        _check_text("LabelAnnotation", "text", self.text)
        _check_color("LabelAnnotation", self.color)


@dataclass(frozen=True)
class RectAnnotation:
    """The outline of an axis-aligned rectangle between two opposite corners (any order).

    Example:
        >>> RectAnnotation(point1=Point(0.1, 0.1), point2=Point(0.9, 0.9), color=Color.RED)
        RectAnnotation(point1=Point(x=0.1, y=0.1), point2=Point(x=0.9, y=0.9), color=Color(r=255, g=0, b=0))
    """  # noqa: E501

    point1: Point
    point2: Point
    color: Color | None = None

    def __post_init__(self) -> None:
        _check_point("RectAnnotation", "point1", self.point1)
        _check_point("RectAnnotation", "point2", self.point2)
        _check_color("RectAnnotation", self.color)


@dataclass(frozen=True)
class TimestampAnnotation:
    """A timestamp label, ``YYYY-MM-DD HH:MM:SS`` in local time.

    ``timestamp=None`` means "now", read from the driver's clock when the annotation is rendered
    (the default clock is :func:`datetime.datetime.now`, local time). A timezone-aware
    ``timestamp`` is converted to local time; a naive one is shown as it is.
    ``point`` follows :class:`LabelAnnotation`'s convention (left end of the text baseline).

    Example:
        >>> TimestampAnnotation(timestamp=datetime.datetime(2024, 5, 1, 8, 30)).text_for(None)
        '2024-05-01 08:30:00'
    """

    timestamp: datetime.datetime | None = None
    point: Point = Point(0.02, 0.04)  # noqa: RUF009 (Point is frozen, sharing it is safe)
    color: Color | None = None

    FORMAT: ClassVar[str] = "%Y-%m-%d %H:%M:%S"

    def __post_init__(self) -> None:
        if self.timestamp is not None and not isinstance(self.timestamp, datetime.datetime):
            raise TypeError(
                "TimestampAnnotation.timestamp must be a datetime.datetime or None, "
                f"got {type(self.timestamp).__name__} {self.timestamp!r}"
            )
        _check_point("TimestampAnnotation", "point", self.point)
        _check_color("TimestampAnnotation", self.color)

    def text_for(self, now: datetime.datetime | None) -> str:
        """Return the text to draw; ``now`` is used when ``timestamp`` is ``None``."""
        moment = self.timestamp if self.timestamp is not None else now
        if moment is None:
            moment = datetime.datetime.now()
        if moment.tzinfo is not None:
            moment = moment.astimezone()
        return moment.strftime(self.FORMAT)


@dataclass(frozen=True)
class LineAnnotation:
    """A straight line segment. ``thickness`` in pixels; ``None`` uses the driver's default.

    Example:
        >>> LineAnnotation(point1=Point(0.0, 0.5), point2=Point(1.0, 0.5), thickness=3).thickness
        3
    """

    point1: Point
    point2: Point
    color: Color | None = None
    thickness: int | None = None

    def __post_init__(self) -> None:
        _check_point("LineAnnotation", "point1", self.point1)
        _check_point("LineAnnotation", "point2", self.point2)
        _check_color("LineAnnotation", self.color)
        _check_thickness("LineAnnotation", self.thickness)


class MarkerStyle(enum.Enum):
    """Marker shapes (the same set as OpenCV's ``cv2.MARKER_*``)."""

    CROSS = "cross"
    TILTED_CROSS = "tilted_cross"
    STAR = "star"
    DIAMOND = "diamond"
    SQUARE = "square"
    TRIANGLE_UP = "triangle_up"
    TRIANGLE_DOWN = "triangle_down"


@dataclass(frozen=True)
class MarkerAnnotation:
    """A marker centered on ``point``; its size in pixels is the driver's ``marker_size``.

    Example:
        >>> MarkerAnnotation(point=Point(0.5, 0.5), style=MarkerStyle.DIAMOND).style
        <MarkerStyle.DIAMOND: 'diamond'>
    """

    point: Point
    style: MarkerStyle = MarkerStyle.CROSS
    color: Color | None = None

    def __post_init__(self) -> None:
        _check_point("MarkerAnnotation", "point", self.point)
        if not isinstance(self.style, MarkerStyle):
            raise TypeError(
                "MarkerAnnotation.style must be a MarkerStyle, "
                f"got {type(self.style).__name__} {self.style!r}"
            )
        _check_color("MarkerAnnotation", self.color)


@dataclass(frozen=True)
class PolyLineAnnotation:
    """Connected line segments through ``points`` (at least two); ``closed`` joins last to first.

    ``points`` may be any sequence or iterable of :class:`Point`; it is stored as a tuple.

    Example:
        >>> PolyLineAnnotation(points=[Point(0.1, 0.1), Point(0.5, 0.9)], closed=True).points
        (Point(x=0.1, y=0.1), Point(x=0.5, y=0.9))
    """

    points: Sequence[Point]
    closed: bool = False
    color: Color | None = None
    thickness: int | None = None

    def __post_init__(self) -> None:
        raw: Any = self.points
        if isinstance(raw, (str, bytes)) or not hasattr(raw, "__iter__"):
            raise TypeError(
                "PolyLineAnnotation.points must be a sequence of Point, "
                f"got {type(raw).__name__} {raw!r}"
            )
        points = tuple(raw)
        if len(points) < 2:
            raise ValueError(f"PolyLineAnnotation.points needs at least 2 points, got {points!r}")
        for index, point in enumerate(points):
            _check_point("PolyLineAnnotation", f"points[{index}]", point)
        object.__setattr__(self, "points", points)
        if not isinstance(self.closed, bool):
            raise TypeError(
                "PolyLineAnnotation.closed must be a bool, "
                f"got {type(self.closed).__name__} {self.closed!r}"
            )
        _check_color("PolyLineAnnotation", self.color)
        _check_thickness("PolyLineAnnotation", self.thickness)


@dataclass(frozen=True)
class BoundingBoxAnnotation:
    """A detection box: a rectangle with an optional label above it and/or below it.

    Give the box either as ``point1``/``point2`` (opposite corners, any order) or as
    ``rect=RectAnnotation(...)``; both only when they agree (so :func:`dataclasses.replace` can
    change labels or color). After construction ``point1``, ``point2`` and ``rect`` are all set
    and consistent; ``color=None`` takes ``rect.color`` when a rect is given. To move a box with
    ``replace``, pass ``rect=None`` along with the new corners.
    ``top_label`` is drawn just above the box's top-left corner, ``bottom_label`` just below its
    bottom-left corner; ``None`` means no label. Labels follow the :class:`LabelAnnotation` text
    policy (an empty string raises; use ``None``).

    Example:
        >>> box = BoundingBoxAnnotation(point1=Point(0.1, 0.2), point2=Point(0.4, 0.8),
        ...                             top_label="person 0.91", color=Color.YELLOW)
        >>> box.rect == RectAnnotation(Point(0.1, 0.2), Point(0.4, 0.8), Color.YELLOW)
        True
    """

    point1: Point | None = None
    point2: Point | None = None
    top_label: str | None = None
    bottom_label: str | None = None
    color: Color | None = None
    rect: RectAnnotation | None = None

    def __post_init__(self) -> None:
        owner = "BoundingBoxAnnotation"
        rect = self.rect
        point1 = self.point1
        point2 = self.point2
        if rect is not None:
            if not isinstance(rect, RectAnnotation):
                raise TypeError(
                    f"{owner}.rect must be a RectAnnotation or None, "
                    f"got {type(rect).__name__} {rect!r}"
                )
            if (point1 is not None and point1 != rect.point1) or (
                point2 is not None and point2 != rect.point2
            ):
                raise ValueError(
                    f"{owner}: give either rect or point1/point2, not both "
                    f"(rect={rect!r}, point1={point1!r}, point2={point2!r})"
                )
            point1 = rect.point1
            point2 = rect.point2
            object.__setattr__(self, "point1", point1)
            object.__setattr__(self, "point2", point2)
            if self.color is None:
                object.__setattr__(self, "color", rect.color)
        elif point1 is None or point2 is None:
            raise ValueError(f"{owner} needs rect= or both point1= and point2=")
        else:
            _check_point(owner, "point1", point1)
            _check_point(owner, "point2", point2)
        _check_color(owner, self.color)
        if rect is None or rect.color != self.color:
            object.__setattr__(self, "rect", RectAnnotation(point1, point2, self.color))
        if self.top_label is not None:
            _check_text(owner, "top_label", self.top_label)
        if self.bottom_label is not None:
            _check_text(owner, "bottom_label", self.bottom_label)


Annotation = Union[
    LabelAnnotation,
    RectAnnotation,
    TimestampAnnotation,
    LineAnnotation,
    MarkerAnnotation,
    PolyLineAnnotation,
    BoundingBoxAnnotation,
]
"""Any annotation value type the bundled drivers can render."""
