"""Value types of backpack.annotation: Point, Color and the annotation dataclasses.

Bad values are covered in test_faults_annotation.py; this file checks the accepted values and
what construction stores.
"""

from __future__ import annotations

import dataclasses
import datetime

import numpy as np
import pytest

from backpack.annotation import (
    BoundingBoxAnnotation,
    Color,
    LabelAnnotation,
    LineAnnotation,
    MarkerAnnotation,
    MarkerStyle,
    Point,
    PolyLineAnnotation,
    RectAnnotation,
    TimestampAnnotation,
)


def test_point_accepts_unit_interval_ends_and_numpy_scalars_as_float() -> None:
    assert Point(0, 1) == Point(0.0, 1.0)
    point = Point(np.float32(0.25), np.float64(0.75))
    assert (point.x, point.y) == (0.25, 0.75)
    assert type(point.x) is float and type(point.y) is float


def test_point_is_frozen_and_hashable() -> None:
    point = Point(0.1, 0.2)
    with pytest.raises(dataclasses.FrozenInstanceError):
        point.x = 0.3  # type: ignore[misc]
    assert {point: 1}[Point(0.1, 0.2)] == 1


def test_color_constants_and_bgr_order() -> None:
    assert (Color.RED.r, Color.RED.g, Color.RED.b) == (255, 0, 0)
    assert Color.RED.bgr == (0, 0, 255)
    assert Color.GREEN.bgr == (0, 255, 0)
    assert Color.BLUE.bgr == (255, 0, 0)
    assert Color.WHITE.bgr == (255, 255, 255)
    assert Color.BLACK.bgr == (0, 0, 0)
    assert Color.YELLOW.bgr == (0, 255, 255)
    assert Color(1, 2, 3).bgr == (3, 2, 1)


def test_color_from_hex_and_back() -> None:
    assert Color.from_hex("#ff8800") == Color(255, 136, 0)
    assert Color.from_hex("FF8800") == Color(255, 136, 0)
    assert Color.from_hex("#102030").bgr == (0x30, 0x20, 0x10)
    assert Color(255, 136, 0).to_hex() == "#ff8800"


def test_color_contrast_text_is_black_on_light_and_white_on_dark() -> None:
    assert Color.YELLOW.contrast_bgr == (0, 0, 0)
    assert Color.WHITE.contrast_bgr == (0, 0, 0)
    assert Color.BLUE.contrast_bgr == (255, 255, 255)
    assert Color.BLACK.contrast_bgr == (255, 255, 255)


def test_color_accepts_numpy_integers_and_compares_by_channels() -> None:
    color = Color(np.uint8(10), np.int64(20), 30)
    assert color == Color(10, 20, 30)
    assert type(color.r) is int
    assert color.bgr == (30, 20, 10)


def test_annotations_keep_their_fields() -> None:
    label = LabelAnnotation(point=Point(0.5, 0.5), text="Hello World!", color=Color.RED)
    assert (label.point, label.text, label.color) == (Point(0.5, 0.5), "Hello World!", Color.RED)
    rect = RectAnnotation(point1=Point(0.9, 0.9), point2=Point(0.1, 0.1))
    assert (rect.point1, rect.point2, rect.color) == (Point(0.9, 0.9), Point(0.1, 0.1), None)
    line = LineAnnotation(point1=Point(0, 0), point2=Point(1, 1), thickness=4)
    assert line.thickness == 4 and line.color is None
    marker = MarkerAnnotation(point=Point(0.3, 0.3))
    assert marker.style is MarkerStyle.CROSS


def test_timestamp_defaults_to_now_near_the_top_left_corner() -> None:
    stamp = TimestampAnnotation()
    assert stamp.timestamp is None
    assert stamp.point == Point(0.02, 0.04)


def test_timestamp_text_formats_given_or_current_time() -> None:
    fixed = datetime.datetime(2024, 5, 1, 8, 30, 5, 999_000)
    assert TimestampAnnotation(timestamp=fixed).text_for(None) == "2024-05-01 08:30:05"
    assert TimestampAnnotation(timestamp=fixed).text_for(datetime.datetime(2000, 1, 1)) == (
        "2024-05-01 08:30:05"
    )
    assert TimestampAnnotation().text_for(fixed) == "2024-05-01 08:30:05"


def test_timestamp_aware_time_is_shown_in_local_time() -> None:
    aware = datetime.datetime(2024, 5, 1, 8, 30, tzinfo=datetime.timezone.utc)
    expected = aware.astimezone().strftime("%Y-%m-%d %H:%M:%S")
    assert TimestampAnnotation(timestamp=aware).text_for(None) == expected


def test_polyline_stores_any_iterable_of_points_as_tuple() -> None:
    points = [Point(0.1, 0.1), Point(0.2, 0.3), Point(0.4, 0.1)]
    polyline = PolyLineAnnotation(points=iter(points), closed=True)
    assert polyline.points == tuple(points)
    assert polyline.closed is True
    hash(polyline)


def test_bounding_box_from_points_builds_its_rect() -> None:
    box = BoundingBoxAnnotation(
        point1=Point(0.1, 0.2), point2=Point(0.4, 0.8), top_label="person 0.91", color=Color.BLUE
    )
    assert box.rect == RectAnnotation(Point(0.1, 0.2), Point(0.4, 0.8), Color.BLUE)
    assert box.top_label == "person 0.91" and box.bottom_label is None


def test_bounding_box_from_rect_takes_corners_and_color() -> None:
    rect = RectAnnotation(point1=Point(0.1, 0.2), point2=Point(0.4, 0.8), color=Color.RED)
    box = BoundingBoxAnnotation(rect=rect, bottom_label="id 7")
    assert (box.point1, box.point2, box.color) == (rect.point1, rect.point2, Color.RED)
    assert box.rect == rect
    assert box == BoundingBoxAnnotation(
        point1=Point(0.1, 0.2), point2=Point(0.4, 0.8), bottom_label="id 7", color=Color.RED
    )
    recolored = BoundingBoxAnnotation(rect=rect, color=Color.GREEN)
    assert recolored.color == Color.GREEN and recolored.rect is not None
    assert recolored.rect.color == Color.GREEN


def test_bounding_box_replace_changes_labels_and_color_and_moves_with_rect_none() -> None:
    box = BoundingBoxAnnotation(point1=Point(0.1, 0.2), point2=Point(0.4, 0.8), top_label="a")
    relabeled = dataclasses.replace(box, top_label="b", color=Color.RED)
    assert (relabeled.top_label, relabeled.color) == ("b", Color.RED)
    assert relabeled.rect == RectAnnotation(Point(0.1, 0.2), Point(0.4, 0.8), Color.RED)
    moved = dataclasses.replace(box, point2=Point(0.5, 0.9), rect=None)
    assert moved.rect == RectAnnotation(Point(0.1, 0.2), Point(0.5, 0.9))
    with pytest.raises(ValueError, match="not both"):
        dataclasses.replace(box, point2=Point(0.5, 0.9))
