"""backpack.annotation under bad input: clear errors naming the problem, and nothing broken.

Each bad annotation value fails at construction with the field and the value in the message.
Each bad render call fails before anything is drawn or sent, and the same driver then renders a
valid list correctly. ``RecordingMedia`` stands in for ``panoramasdk.media`` (the Panorama SDK
only exists on the appliance and cannot be installed here); the drivers are the real ones.
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Callable
from typing import Any

import numpy as np
import numpy.typing as npt
import pytest

from backpack.annotation import (
    BoundingBoxAnnotation,
    Color,
    LabelAnnotation,
    LineAnnotation,
    MarkerAnnotation,
    OpenCVImageAnnotationDriver,
    PanoramaMediaAnnotationDriver,
    Point,
    PolyLineAnnotation,
    RectAnnotation,
    TimestampAnnotation,
)

Image = npt.NDArray[np.uint8]
VALID = [RectAnnotation(Point(0.1, 0.2), Point(0.6, 0.8), Color.RED)]


class RecordingMedia:
    """The overlay part of ``panoramasdk.media``, recording every call."""

    def __init__(self) -> None:
        self.calls: list[tuple[Any, ...]] = []

    def add_rect(self, x1: float, y1: float, x2: float, y2: float) -> None:
        self.calls.append(("add_rect", x1, y1, x2, y2))

    def add_label(self, text: str, x: float, y: float) -> None:
        self.calls.append(("add_label", text, x, y))


def black() -> Image:
    return np.zeros((100, 200, 3), np.uint8)


def assert_still_renders(driver: OpenCVImageAnnotationDriver) -> None:
    image = driver.render(VALID, black())
    assert tuple(image[20, 50]) == (0, 0, 255)  # top edge of the red rect
    assert not image[21:80, 21:120].any()


# --- Point -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("x", "y", "field", "shown"),
    [
        (math.nan, 0.5, "Point.x", "nan"),
        (0.5, math.nan, "Point.y", "nan"),
        (math.inf, 0.5, "Point.x", "inf"),
        (0.5, -math.inf, "Point.y", "-inf"),
        (np.float32("nan"), 0.5, "Point.x", "nan"),
    ],
)
def test_point_not_finite(x: Any, y: Any, field: str, shown: str) -> None:
    with pytest.raises(ValueError, match=field + " is not finite") as error:
        Point(x, y)
    assert shown in str(error.value)


@pytest.mark.parametrize(
    ("x", "y"), [(1.0000001, 0.5), (-0.01, 0.5), (0.5, 1.5), (np.float32(2.0), -3.0), (1e300, 0)]
)
def test_point_outside_the_frame_is_accepted(x: Any, y: Any) -> None:
    point = Point(x, y)
    assert (point.x, point.y) == (float(x), float(y))


def _red(image: Image) -> npt.NDArray[np.bool_]:
    return np.all(image == (0, 0, 255), axis=2)


def test_box_a_little_outside_the_frame_is_clipped_when_drawn() -> None:
    # A detector box 2 px past the right edge and 2 px past the left edge (200 px wide).
    box = BoundingBoxAnnotation(Point(-0.01, 0.2), Point(1.0000001, 0.6), color=Color.RED)
    rect = RectAnnotation(Point(-0.5, -0.5), Point(0.5, 0.5), Color.RED)
    driver = OpenCVImageAnnotationDriver(thickness=1)
    image = driver.render([box], black())
    red = _red(image)
    assert red[20, :].all() and red[60, :].all()  # top and bottom edges span the frame
    assert red[20:61, 0].all() and red[20:61, 199].all()  # side edges on the frame's border
    assert red.sum() == 2 * 200 + 2 * 39
    image = driver.render([rect], black())
    red = _red(image)
    assert red[0:51, 0].all() and red[0, 0:101].all()  # clipped corner on the border
    assert red[50, 0:101].all() and red[0:51, 100].all()
    assert red.sum() == 2 * 101 + 2 * 51 - 4
    assert_still_renders(driver)


def test_lines_outside_the_frame_keep_their_slope() -> None:
    # From (-200, 0) px to (200, 50) px: it enters the frame at (0, 25).
    line = LineAnnotation(Point(-1.0, 0.0), Point(1.0, 0.5), Color.RED, thickness=1)
    poly = PolyLineAnnotation([Point(-1.0, 0.0), Point(1.0, 0.5)], color=Color.RED, thickness=1)
    driver = OpenCVImageAnnotationDriver()
    for annotation in (line, poly):
        red = _red(driver.render([annotation], black()))
        assert red[25, 0] and not red[0, 0]
        assert red[50, 199] or red[49, 199]
        assert red[:, 0].sum() == 1
    far = LineAnnotation(Point(-1e300, 0.5), Point(1e300, 0.5), Color.RED, thickness=1)
    red = _red(driver.render([far], black()))
    assert red[50, :].all() and red.sum() == 200


def test_label_and_marker_outside_the_frame_are_drawn_inside_or_clipped() -> None:
    label = LabelAnnotation(Point(1.2, -0.3), "far right", Color.RED)
    gone = MarkerAnnotation(Point(3.0, 3.0), color=Color.RED)
    half = MarkerAnnotation(Point(1.0000001, 0.5), color=Color.RED)
    driver = OpenCVImageAnnotationDriver()
    red = _red(driver.render([label], black()))
    columns = np.flatnonzero(red.any(axis=0))
    rows = np.flatnonzero(red.any(axis=1))
    assert columns.max() == 199 and rows.min() == 0  # the label box is pushed inside
    assert not driver.render([gone], black()).any()
    red = _red(driver.render([half], black()))
    assert red[50, 190:200].all() and not red[:, :185].any()  # the left half of a cross


def test_panorama_driver_clips_coordinates_to_the_frame() -> None:
    media = RecordingMedia()
    box = BoundingBoxAnnotation(Point(-0.01, 0.2), Point(1.0000001, 1.5), top_label="car")
    PanoramaMediaAnnotationDriver().render([box, LabelAnnotation(Point(-2, 9), "x")], media)
    assert media.calls == [
        ("add_rect", 0.0, 0.2, 1.0, 1.0),
        ("add_label", "car", 0.0, 0.2),
        ("add_label", "x", 0.0, 1.0),
    ]


@pytest.mark.parametrize("bad", [None, "0.5", True, [0.5], 1j])
def test_point_wrong_type(bad: Any) -> None:
    with pytest.raises(TypeError, match=r"Point\.x must be a real number") as error:
        Point(bad, 0.5)
    assert repr(bad) in str(error.value)


# --- Color -------------------------------------------------------------------------------


def test_color_out_of_range_and_wrong_types() -> None:
    with pytest.raises(ValueError, match=r"Color\.g is outside \[0, 255\]: 256"):
        Color(0, 256, 0)
    with pytest.raises(ValueError, match=r"Color\.r is outside \[0, 255\]: -1"):
        Color(-1, 0, 0)
    with pytest.raises(TypeError, match=r"Color\.b must be an int.*0\.5"):
        Color(0, 0, 0.5)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"Color\.r must be an int.*True"):
        Color(True, 0, 0)


@pytest.mark.parametrize("code", ["#ff88", "ff8800aa", "#gg8800", "", "red"])
def test_color_from_hex_rejects_malformed_codes(code: str) -> None:
    with pytest.raises(ValueError, match="#rrggbb") as error:
        Color.from_hex(code)
    assert repr(code) in str(error.value)


def test_color_from_hex_rejects_non_strings() -> None:
    with pytest.raises(TypeError, match="expects a str, got int"):
        Color.from_hex(0xFF8800)  # type: ignore[arg-type]


# --- annotations -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "error", "message"),
    [
        ("", ValueError, r"LabelAnnotation\.text must contain visible text, got ''"),
        ("   ", ValueError, r"LabelAnnotation\.text must contain visible text"),
        ("two\nlines", ValueError, r"LabelAnnotation\.text must be a single line"),
        (None, TypeError, r"LabelAnnotation\.text must be a str, got NoneType"),
        (42, TypeError, r"LabelAnnotation\.text must be a str, got int 42"),
    ],
)
def test_label_text(text: Any, error: type[Exception], message: str) -> None:
    with pytest.raises(error, match=message):
        LabelAnnotation(point=Point(0.5, 0.5), text=text)


def test_points_must_be_points() -> None:
    with pytest.raises(TypeError, match=r"RectAnnotation\.point1 must be a Point, got tuple"):
        RectAnnotation(point1=(0.1, 0.1), point2=Point(0.9, 0.9))  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"LabelAnnotation\.point must be a Point, got NoneType"):
        LabelAnnotation(point=None, text="x")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"LineAnnotation\.point2 must be a Point"):
        LineAnnotation(Point(0, 0), [1, 1])  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"TimestampAnnotation\.point must be a Point"):
        TimestampAnnotation(point="top-left")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"MarkerAnnotation\.point must be a Point"):
        MarkerAnnotation(point=0.5)  # type: ignore[arg-type]


def test_color_must_be_color_or_none() -> None:
    with pytest.raises(TypeError, match=r"RectAnnotation\.color must be a Color or None.*'red'"):
        RectAnnotation(Point(0, 0), Point(1, 1), color="red")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"LabelAnnotation\.color must be a Color.*\(255, 0, 0\)"):
        LabelAnnotation(Point(0, 0), "x", color=(255, 0, 0))  # type: ignore[arg-type]


def test_thickness_must_be_positive_int() -> None:
    with pytest.raises(ValueError, match=r"LineAnnotation\.thickness must be >= 1, got 0"):
        LineAnnotation(Point(0, 0), Point(1, 1), thickness=0)
    with pytest.raises(TypeError, match=r"LineAnnotation\.thickness must be an int.*1\.5"):
        LineAnnotation(Point(0, 0), Point(1, 1), thickness=1.5)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"PolyLineAnnotation\.thickness must be >= 1, got -2"):
        PolyLineAnnotation([Point(0, 0), Point(1, 1)], thickness=-2)


def test_marker_style_must_be_marker_style() -> None:
    with pytest.raises(TypeError, match=r"MarkerAnnotation\.style must be a MarkerStyle.*'cross'"):
        MarkerAnnotation(Point(0.5, 0.5), style="cross")  # type: ignore[arg-type]


def test_timestamp_must_be_datetime_or_none() -> None:
    with pytest.raises(TypeError, match=r"TimestampAnnotation\.timestamp must be a datetime"):
        TimestampAnnotation(timestamp="now")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"got float 1700000000\.0"):
        TimestampAnnotation(timestamp=1700000000.0)  # type: ignore[arg-type]


def test_polyline_points() -> None:
    with pytest.raises(ValueError, match=r"PolyLineAnnotation\.points needs at least 2 points"):
        PolyLineAnnotation([Point(0, 0)])
    with pytest.raises(TypeError, match=r"PolyLineAnnotation\.points\[1\] must be a Point.*tuple"):
        PolyLineAnnotation([Point(0, 0), (1.0, 1.0)])  # type: ignore[list-item]
    with pytest.raises(TypeError, match=r"PolyLineAnnotation\.points must be a sequence of Point"):
        PolyLineAnnotation(None)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"PolyLineAnnotation\.closed must be a bool, got str"):
        PolyLineAnnotation([Point(0, 0), Point(1, 1)], closed="yes")  # type: ignore[arg-type]


def test_bounding_box_arguments() -> None:
    rect = RectAnnotation(Point(0.1, 0.1), Point(0.2, 0.2))
    with pytest.raises(ValueError, match="either rect or point1/point2, not both"):
        BoundingBoxAnnotation(point1=Point(0, 0), point2=Point(1, 1), rect=rect)
    with pytest.raises(ValueError, match="needs rect= or both point1= and point2="):
        BoundingBoxAnnotation(point1=Point(0, 0))
    with pytest.raises(TypeError, match=r"BoundingBoxAnnotation\.rect must be a RectAnnotation"):
        BoundingBoxAnnotation(rect=(0, 0, 1, 1))  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"BoundingBoxAnnotation\.top_label must contain visible"):
        BoundingBoxAnnotation(rect=rect, top_label="")
    with pytest.raises(TypeError, match=r"BoundingBoxAnnotation\.bottom_label must be a str"):
        BoundingBoxAnnotation(rect=rect, bottom_label=7)  # type: ignore[arg-type]


# --- OpenCV driver: bad images -----------------------------------------------------------


def read_only() -> Image:
    image = black()
    image.flags.writeable = False
    return image


@pytest.mark.parametrize(
    ("make_image", "error", "message"),
    [
        (lambda: None, TypeError, "image must be a numpy.ndarray.*got NoneType"),
        (lambda: [[0, 0, 0]], TypeError, "image must be a numpy.ndarray.*got list"),
        (
            lambda: np.zeros((100, 200, 3), np.float32),
            ValueError,
            "image dtype must be uint8, got float32",
        ),
        (
            lambda: np.zeros((100, 200), np.uint8),
            ValueError,
            r"shape \(H, W, 3\) \(BGR\), got \(100, 200\) \(grayscale\?",
        ),
        (
            lambda: np.zeros((100, 200, 1), np.uint8),
            ValueError,
            r"got \(100, 200, 1\) \(grayscale\?",
        ),
        (lambda: np.zeros((100, 200, 4), np.uint8), ValueError, r"got \(100, 200, 4\) \(BGRA\?"),
        (
            lambda: np.zeros((0, 200, 3), np.uint8),
            ValueError,
            r"image is empty: shape \(0, 200, 3\)",
        ),
        (
            lambda: np.zeros((100, 0, 3), np.uint8),
            ValueError,
            r"image is empty: shape \(100, 0, 3\)",
        ),
        (lambda: np.zeros(0, np.uint8), ValueError, r"got \(0,\)"),
        (read_only, ValueError, "image is read-only"),
        (lambda: black()[:, :, ::-1], ValueError, "memory layout"),
        (lambda: black()[::-1], ValueError, "memory layout"),
    ],
)
def test_bad_image_raises_and_driver_stays_usable(
    make_image: Callable[[], Any], error: type[Exception], message: str
) -> None:
    driver = OpenCVImageAnnotationDriver(thickness=1)
    image = make_image()
    snapshot = image.copy() if isinstance(image, np.ndarray) else None
    with pytest.raises(error, match=message):
        driver.render(VALID, image)
    if snapshot is not None:
        np.testing.assert_array_equal(image, snapshot)  # nothing was drawn
    assert_still_renders(driver)


# --- drivers: bad annotation collections -------------------------------------------------


class NotAnAnnotation:
    def __repr__(self) -> str:
        return "NotAnAnnotation()"


@pytest.mark.parametrize(
    ("bad", "type_name"),
    [
        (NotAnAnnotation(), "NotAnAnnotation"),
        ({"point": (0.5, 0.5), "text": "x"}, "builtins.dict"),
        ("label", "builtins.str"),
        (None, "builtins.NoneType"),
        (Point(0.5, 0.5), "backpack.annotation.geometry.Point"),
    ],
)
def test_unknown_annotation_type_opencv(bad: Any, type_name: str) -> None:
    driver = OpenCVImageAnnotationDriver(thickness=1)
    image = black()
    annotations = [*VALID, bad]  # a valid one first: nothing may be drawn anyway
    with pytest.raises(TypeError, match=r"cannot render annotations\[1\] of type") as error:
        driver.render(annotations, image)
    assert type_name in str(error.value)
    assert "supported: BoundingBoxAnnotation" in str(error.value)
    assert not image.any()
    assert_still_renders(driver)


@pytest.mark.parametrize("bad", [NotAnAnnotation(), None, 3.5])
def test_unknown_annotation_type_panorama(bad: Any) -> None:
    driver = PanoramaMediaAnnotationDriver()
    media = RecordingMedia()
    with pytest.raises(TypeError, match=type(bad).__name__):
        driver.render([LabelAnnotation(Point(0.5, 0.5), "first"), bad], media)
    assert media.calls == []  # nothing sent
    driver.render(VALID, media)
    assert media.calls == [("add_rect", 0.1, 0.2, 0.6, 0.8)]


@pytest.mark.parametrize("annotations", [None, 42, "abc"])
def test_annotations_must_be_an_iterable_of_annotations(annotations: Any) -> None:
    driver = OpenCVImageAnnotationDriver(thickness=1)
    with pytest.raises(TypeError):
        driver.render(annotations, black())
    assert_still_renders(driver)
    with pytest.raises(TypeError, match="annotations must be an iterable"):
        driver.render(None, black())  # type: ignore[arg-type]


def test_panorama_target_without_overlay_api() -> None:
    driver = PanoramaMediaAnnotationDriver()
    for bad in (None, black(), object()):
        with pytest.raises(TypeError, match="add_rect and add_label, got"):
            driver.render(VALID, bad)
    media = RecordingMedia()
    driver.render(VALID, media)
    assert media.calls == [("add_rect", 0.1, 0.2, 0.6, 0.8)]


def test_failing_clock_error_surfaces_and_driver_recovers() -> None:
    calls = []

    def flaky_clock() -> datetime.datetime:
        calls.append(None)
        if len(calls) == 1:
            raise RuntimeError("clock unavailable")
        return datetime.datetime(2024, 5, 1, 8, 30, 5)

    driver = PanoramaMediaAnnotationDriver(clock=flaky_clock)
    with pytest.raises(RuntimeError, match="clock unavailable"):
        driver.render([TimestampAnnotation()], RecordingMedia())
    media = RecordingMedia()
    driver.render([TimestampAnnotation()], media)
    assert media.calls == [("add_label", "2024-05-01 08:30:05", 0.02, 0.04)]


# --- driver configuration ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"thickness": 0}, ValueError, "thickness must be >= 1, got 0"),
        ({"thickness": 2.0}, TypeError, "thickness must be an int >= 1, got float"),
        ({"text_thickness": -1}, ValueError, "text_thickness must be >= 1, got -1"),
        ({"marker_size": 0}, ValueError, "marker_size must be >= 1"),
        ({"font_scale": 0}, ValueError, r"font_scale must be a number in \(0, 100\), got 0"),
        ({"font_scale": math.nan}, ValueError, "font_scale must be a number"),
        ({"label_padding": -1}, ValueError, "label_padding must be an int >= 0, got -1"),
        ({"line_type": 99}, ValueError, "line_type must be cv2.LINE_4"),
        ({"font_face": 8}, ValueError, "font_face 8 is not an OpenCV Hershey font"),
        ({"default_color": "green"}, TypeError, "default_color must be a Color, got str"),
        ({"clock": 5}, TypeError, "clock must be callable or None, got int"),
    ],
)
def test_bad_driver_configuration(kwargs: Any, error: type[Exception], message: str) -> None:
    with pytest.raises(error, match=message):
        OpenCVImageAnnotationDriver(**kwargs)
