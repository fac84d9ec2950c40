"""Annotation driver that draws on OpenCV (numpy BGR) images."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import Any

import cv2
import numpy as np
import numpy.typing as npt

from backpack._types import Clock
from backpack.annotation.annotations import (
    Annotation,
    BoundingBoxAnnotation,
    LabelAnnotation,
    LineAnnotation,
    MarkerAnnotation,
    MarkerStyle,
    PolyLineAnnotation,
    RectAnnotation,
    TimestampAnnotation,
)
from backpack.annotation.color import Color
from backpack.annotation.driver import AnnotationDriver
from backpack.annotation.geometry import Point
from backpack.annotation.opencv_text import LabelText
from backpack.annotation.truetype import DEFAULT_FONTS, Image

_CV2_MARKERS: dict[MarkerStyle, int] = {
    MarkerStyle.CROSS: cv2.MARKER_CROSS,
    MarkerStyle.TILTED_CROSS: cv2.MARKER_TILTED_CROSS,
    MarkerStyle.STAR: cv2.MARKER_STAR,
    MarkerStyle.DIAMOND: cv2.MARKER_DIAMOND,
    MarkerStyle.SQUARE: cv2.MARKER_SQUARE,
    MarkerStyle.TRIANGLE_UP: cv2.MARKER_TRIANGLE_UP,
    MarkerStyle.TRIANGLE_DOWN: cv2.MARKER_TRIANGLE_DOWN,
}


def _positive_int(name: str, value: Any) -> int:
    if type(value) is not int:
        raise TypeError(f"{name} must be an int >= 1, got {type(value).__name__} {value!r}")
    if value < 1:
        raise ValueError(f"{name} must be >= 1, got {value!r}")
    return value


# Pixel coordinates handed to OpenCV stay within +-_FAR: OpenCV clips lines to the image
# itself, but its fixed-point arithmetic needs coordinates well inside int32.
_FAR = 1 << 15


def _pixel(point: Point, width: int, height: int) -> tuple[int, int]:
    """Pixel of a normalized point, clipped into the image (``1.0`` is the last pixel)."""
    x = int(point.x * width)
    y = int(point.y * height)
    return (
        x if 0 <= x < width else (0 if x < 0 else width - 1),
        y if 0 <= y < height else (0 if y < 0 else height - 1),
    )


def _far_pixel(point: Point, width: int, height: int) -> tuple[int, int]:
    """Pixel of a normalized point, possibly outside the image (for OpenCV to clip).

    ``floor(x * width)``, with ``width`` itself (``x`` = 1.0) mapped to the last pixel.
    """
    x = math.floor(max(-_FAR, min(point.x * width, _FAR)))
    y = math.floor(max(-_FAR, min(point.y * height, _FAR)))
    return (x - 1 if x == width else x, y - 1 if y == height else y)


class OpenCVImageAnnotationDriver(AnnotationDriver[Image]):
    """Draws annotations on a BGR ``uint8`` numpy image of shape ``(H, W, 3)``, in place.

    :meth:`render` draws on the very array it is given and returns it; pass a copy
    (``stream.image.copy()``) when the original must stay untouched. Normalized coordinates
    map to pixels as ``floor(x * W)``, ``floor(y * H)`` (``1.0`` lands on the last pixel).
    Coordinates outside ``[0, 1]`` are clipped when drawn: rectangle and box corners and label
    anchors are moved onto the image's border; lines, polylines and markers keep their shape
    and OpenCV draws only the part inside the image.

    Labels (and timestamps, bounding-box labels) are drawn on a filled box of the annotation's
    color, with black or white text, whichever contrasts more; a label box that would leave the
    image is shifted back inside it. Annotations with ``color=None`` use ``default_color``.

    ASCII text is drawn by OpenCV (Hershey font, the fast path). Text with any other character
    (accents, CJK, emoji, ...) is drawn with TrueType fonts, glyph by glyph, at about the same
    size (see :mod:`backpack.annotation.truetype`; needs ``backpack[truetype]`` and the font
    files). Without them such text is drawn by OpenCV with one ``?`` per non-ASCII character,
    and a warning is logged once.

    Args:
        default_color: color of annotations whose ``color`` is ``None``.
        thickness: line thickness in pixels for rectangles, boxes, lines, polylines and
            markers (lines and polylines may override it).
        font_face: an OpenCV Hershey font (``cv2.FONT_HERSHEY_*``).
        font_scale: OpenCV font scale of labels.
        text_thickness: stroke thickness of label text in pixels.
        label_padding: pixels between label text and the edge of its background box.
        label_background: draw the filled box behind labels; ``False`` draws bare text in the
            annotation's color.
        marker_size: marker size in pixels.
        line_type: ``cv2.LINE_8`` (fast, default), ``cv2.LINE_4`` or ``cv2.LINE_AA``.
        fonts: TrueType font files for non-ASCII text, tried in order for each character;
            ``None`` uses :data:`~backpack.annotation.truetype.DEFAULT_FONTS`.
        clock: see :class:`AnnotationDriver`.

    Example:
        >>> import numpy as np
        >>> from backpack.annotation import Point, RectAnnotation
        >>> frame = np.zeros((1080, 1920, 3), np.uint8)
        >>> driver = OpenCVImageAnnotationDriver(thickness=3)
        >>> rect = RectAnnotation(point1=Point(0.1, 0.1), point2=Point(0.9, 0.9))
        >>> driver.render([rect], frame) is frame
        True
    """

    _POLYLINE_CACHE_LIMIT = 256

    def __init__(
        self,
        *,
        default_color: Color = Color.GREEN,
        thickness: int = 2,
        font_face: int = cv2.FONT_HERSHEY_SIMPLEX,
        font_scale: float = 0.6,
        text_thickness: int = 1,
        label_padding: int = 3,
        label_background: bool = True,
        marker_size: int = 20,
        line_type: int = cv2.LINE_8,
        fonts: Sequence[str] | None = None,
        clock: Clock | None = None,
    ) -> None:
        super().__init__(clock=clock)
        if not isinstance(default_color, Color):
            raise TypeError(
                f"default_color must be a Color, got {type(default_color).__name__} "
                f"{default_color!r}"
            )
        if not isinstance(font_scale, (int, float)) or not 0 < font_scale < 100:
            raise ValueError(f"font_scale must be a number in (0, 100), got {font_scale!r}")
        if type(label_padding) is not int or label_padding < 0:
            raise ValueError(f"label_padding must be an int >= 0, got {label_padding!r}")
        if line_type not in (cv2.LINE_4, cv2.LINE_8, cv2.LINE_AA):
            raise ValueError(
                f"line_type must be cv2.LINE_4, cv2.LINE_8 or cv2.LINE_AA, got {line_type!r}"
            )
        self._default_color = default_color
        self._thickness = _positive_int("thickness", thickness)
        text_thickness = _positive_int("text_thickness", text_thickness)
        self._marker_size = _positive_int("marker_size", marker_size)
        self._line_type = line_type
        if fonts is not None and (
            isinstance(fonts, str) or not all(isinstance(f, str) for f in fonts)
        ):
            raise TypeError(f"fonts must be a sequence of font file paths, got {fonts!r}")
        self._text = LabelText(
            font_face=font_face,
            font_scale=float(font_scale),
            thickness=text_thickness,
            padding=label_padding,
            background=bool(label_background),
            line_type=line_type,
            fonts=tuple(fonts) if fonts is not None else DEFAULT_FONTS,
            logger=self._logger,
        )
        self._polylines: dict[tuple[PolyLineAnnotation, int, int], npt.NDArray[np.int32]] = {}
        try:
            self._text.measure("Ag")
        except cv2.error as exc:
            raise ValueError(f"font_face {font_face!r} is not an OpenCV Hershey font") from exc
        self._renderers = {
            LabelAnnotation: self._render_label,
            RectAnnotation: self._render_rect,
            TimestampAnnotation: self._render_timestamp,
            LineAnnotation: self._render_line,
            MarkerAnnotation: self._render_marker,
            PolyLineAnnotation: self._render_polyline,
            BoundingBoxAnnotation: self._render_bounding_box,
        }

    def render(self, annotations: Iterable[Annotation], target: Image) -> Image:
        """Draw ``annotations`` on the image ``target`` in place and return it.

        Raises:
            TypeError: ``target`` is not a numpy array, ``annotations`` is not iterable or
                holds something this driver cannot render. Nothing is drawn in that case.
            ValueError: ``target`` is not a writable, non-empty ``(H, W, 3)`` ``uint8`` array
                with an OpenCV-compatible memory layout. Nothing is drawn in that case.
        """
        self._check_image(target)
        items = self._checked(annotations)
        height, width = target.shape[:2]
        renderers = self._renderers
        for annotation in items:
            renderers[type(annotation)](annotation, target, width, height)
        return target

    @staticmethod
    def _check_image(image: Any) -> None:
        if not isinstance(image, np.ndarray):
            raise TypeError(
                "image must be a numpy.ndarray of shape (H, W, 3), dtype uint8 (BGR), "
                f"got {type(image).__name__}"
            )
        if image.dtype != np.uint8:
            raise ValueError(f"image dtype must be uint8, got {image.dtype}")
        shape = image.shape
        if len(shape) != 3 or shape[2] != 3:
            hint = ""
            if len(shape) == 2 or (len(shape) == 3 and shape[2] == 1):
                hint = " (grayscale? convert with cv2.cvtColor(image, cv2.COLOR_GRAY2BGR))"
            elif len(shape) == 3 and shape[2] == 4:
                hint = " (BGRA? convert with cv2.cvtColor(image, cv2.COLOR_BGRA2BGR))"
            raise ValueError(f"image must have shape (H, W, 3) (BGR), got {shape}{hint}")
        if shape[0] == 0 or shape[1] == 0:
            raise ValueError(f"image is empty: shape {shape}")
        if not image.flags.writeable:
            raise ValueError("image is read-only; pass a writable array, e.g. image.copy()")
        strides = image.strides
        if strides[2] != 1 or strides[1] != 3 or strides[0] < 3 * shape[1]:
            raise ValueError(
                f"image memory layout (strides {strides}) cannot be drawn on by OpenCV, e.g. a "
                "flipped or channel-reversed view; pass np.ascontiguousarray(image)"
            )

    def _render_label(self, label: LabelAnnotation, image: Image, width: int, height: int) -> None:
        point = label.point
        x, y = _pixel(point, width, height)
        self._text.draw(image, label.text, x, y, label.color or self._default_color, width, height)

    def _render_timestamp(
        self, stamp: TimestampAnnotation, image: Image, width: int, height: int
    ) -> None:
        point = stamp.point
        x, y = _pixel(point, width, height)
        text = self._timestamp_text(stamp)
        self._text.draw(image, text, x, y, stamp.color or self._default_color, width, height)

    def _render_rect(self, rect: RectAnnotation, image: Image, width: int, height: int) -> None:
        p1 = rect.point1
        p2 = rect.point2
        x1, y1 = _pixel(p1, width, height)
        x2, y2 = _pixel(p2, width, height)
        color = rect.color or self._default_color
        cv2.rectangle(image, (x1, y1), (x2, y2), color.bgr, self._thickness, self._line_type)

    def _render_bounding_box(
        self, box: BoundingBoxAnnotation, image: Image, width: int, height: int
    ) -> None:
        p1: Any = box.point1
        p2: Any = box.point2
        x1, y1 = _pixel(p1, width, height)
        x2, y2 = _pixel(p2, width, height)
        if x1 > x2:
            x1, x2 = x2, x1
        if y1 > y2:
            y1, y2 = y2, y1
        color = box.color or self._default_color
        cv2.rectangle(image, (x1, y1), (x2, y2), color.bgr, self._thickness, self._line_type)
        if box.top_label is not None:
            depth = self._text.measure(box.top_label)[2]
            self._text.draw(image, box.top_label, x1, y1 - depth, color, width, height)
        if box.bottom_label is not None:
            text_height = self._text.measure(box.bottom_label)[1]
            y = y2 + text_height + self._text.padding
            self._text.draw(image, box.bottom_label, x1, y, color, width, height)

    def _render_line(self, line: LineAnnotation, image: Image, width: int, height: int) -> None:
        p1 = line.point1
        p2 = line.point2
        x1, y1 = _far_pixel(p1, width, height)
        x2, y2 = _far_pixel(p2, width, height)
        color = line.color or self._default_color
        thickness = line.thickness or self._thickness
        cv2.line(image, (x1, y1), (x2, y2), color.bgr, thickness, self._line_type)

    def _render_marker(
        self, marker: MarkerAnnotation, image: Image, width: int, height: int
    ) -> None:
        point = marker.point
        x, y = _far_pixel(point, width, height)
        color = marker.color or self._default_color
        cv2.drawMarker(
            image,
            (x, y),
            color.bgr,
            _CV2_MARKERS[marker.style],
            self._marker_size,
            self._thickness,
            self._line_type,
        )

    def _render_polyline(
        self, polyline: PolyLineAnnotation, image: Image, width: int, height: int
    ) -> None:
        key = (polyline, width, height)
        pixels = self._polylines.get(key)
        if pixels is None:
            pixels = np.empty((len(polyline.points), 1, 2), np.int32)
            scale = np.array([width, height], np.float64)
            coords = np.array([(p.x, p.y) for p in polyline.points], np.float64) * scale
            np.clip(coords, -_FAR, _FAR, out=coords)
            np.floor(coords, out=coords)
            coords -= coords == scale  # x = 1.0 lands on the last pixel
            pixels[:, 0, :] = coords  # OpenCV clips what lies outside the image
            if len(self._polylines) >= self._POLYLINE_CACHE_LIMIT:
                self._polylines.clear()
            self._polylines[key] = pixels
        color = polyline.color or self._default_color
        thickness = polyline.thickness or self._thickness
        cv2.polylines(image, [pixels], polyline.closed, color.bgr, thickness, self._line_type)
