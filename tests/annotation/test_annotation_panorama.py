"""PanoramaMediaAnnotationDriver: the exact calls it makes on a panoramasdk.media object.

The Panorama SDK (``panoramasdk``) only exists on the appliance and cannot be installed here,
so ``RecordingMedia`` stands in for ``panoramasdk.media``: it implements the two overlay calls
of that API, ``add_rect(x1, y1, x2, y2)`` and ``add_label(text, x, y)``, and records them in
order. The driver under test is the real one.
"""

from __future__ import annotations

import datetime
import logging
from typing import Any

import pytest

from backpack.annotation import (
    BoundingBoxAnnotation,
    Color,
    LabelAnnotation,
    LineAnnotation,
    MarkerAnnotation,
    MarkerStyle,
    PanoramaMediaAnnotationDriver,
    Point,
    PolyLineAnnotation,
    RectAnnotation,
    TimestampAnnotation,
)


class RecordingMedia:
    """The overlay part of ``panoramasdk.media``, recording every call."""

    def __init__(self) -> None:
        self.calls: list[tuple[Any, ...]] = []

    def add_rect(self, x1: float, y1: float, x2: float, y2: float) -> None:
        self.calls.append(("add_rect", x1, y1, x2, y2))

    def add_label(self, text: str, x: float, y: float) -> None:
        self.calls.append(("add_label", text, x, y))


def fixed_clock() -> datetime.datetime:
    return datetime.datetime(2024, 5, 1, 8, 30, 5)


def test_rect_and_label_calls_with_normalized_coordinates() -> None:
    media = RecordingMedia()
    annotations = [
        RectAnnotation(point1=Point(0.1, 0.2), point2=Point(0.6, 0.8), color=Color.RED),
        LabelAnnotation(point=Point(0.5, 0.25), text="Hello World!", color=Color.BLUE),
    ]
    result = PanoramaMediaAnnotationDriver().render(annotations, media)
    assert result is media
    assert media.calls == [
        ("add_rect", 0.1, 0.2, 0.6, 0.8),
        ("add_label", "Hello World!", 0.5, 0.25),
    ]


def test_rect_corners_are_sent_top_left_then_bottom_right() -> None:
    media = RecordingMedia()
    rect = RectAnnotation(point1=Point(0.6, 0.8), point2=Point(0.1, 0.2))
    PanoramaMediaAnnotationDriver().render([rect], media)
    assert media.calls == [("add_rect", 0.1, 0.2, 0.6, 0.8)]


def test_timestamp_is_a_label_with_the_clock_time() -> None:
    media = RecordingMedia()
    driver = PanoramaMediaAnnotationDriver(clock=fixed_clock)
    driver.render([TimestampAnnotation(), TimestampAnnotation(point=Point(0.5, 0.9))], media)
    assert media.calls == [
        ("add_label", "2024-05-01 08:30:05", 0.02, 0.04),
        ("add_label", "2024-05-01 08:30:05", 0.5, 0.9),
    ]


def test_timestamp_with_explicit_time() -> None:
    media = RecordingMedia()
    stamp = TimestampAnnotation(timestamp=datetime.datetime(2021, 12, 31, 23, 59, 59))
    PanoramaMediaAnnotationDriver(clock=fixed_clock).render([stamp], media)
    assert media.calls == [("add_label", "2021-12-31 23:59:59", 0.02, 0.04)]


def test_timestamp_without_clock_uses_local_now() -> None:
    media = RecordingMedia()
    before = datetime.datetime.now().replace(microsecond=0)
    PanoramaMediaAnnotationDriver().render([TimestampAnnotation()], media)
    after = datetime.datetime.now()
    ((call, text, x, y),) = media.calls
    shown = datetime.datetime.strptime(text, "%Y-%m-%d %H:%M:%S")
    assert (call, x, y) == ("add_label", 0.02, 0.04)
    assert before <= shown <= after


def test_bounding_box_is_a_rect_and_its_labels() -> None:
    media = RecordingMedia()
    boxes = [
        BoundingBoxAnnotation(
            point1=Point(0.4, 0.7), point2=Point(0.2, 0.3), top_label="car", bottom_label="id 7"
        ),
        BoundingBoxAnnotation(
            rect=RectAnnotation(Point(0.5, 0.5), Point(0.6, 0.6)), bottom_label="only below"
        ),
        BoundingBoxAnnotation(point1=Point(0.0, 0.0), point2=Point(1.0, 1.0)),
    ]
    PanoramaMediaAnnotationDriver().render(boxes, media)
    assert media.calls == [
        ("add_rect", 0.2, 0.3, 0.4, 0.7),
        ("add_label", "car", 0.2, 0.3),
        ("add_label", "id 7", 0.2, 0.7),
        ("add_rect", 0.5, 0.5, 0.6, 0.6),
        ("add_label", "only below", 0.5, 0.6),
        ("add_rect", 0.0, 0.0, 1.0, 1.0),
    ]


def test_lines_polylines_and_markers_are_skipped_and_logged_once_per_type(
    caplog: pytest.LogCaptureFixture,
) -> None:
    media = RecordingMedia()
    driver = PanoramaMediaAnnotationDriver()
    annotations = [
        LineAnnotation(Point(0, 0), Point(1, 1)),
        LabelAnnotation(Point(0.5, 0.5), "kept"),
        PolyLineAnnotation([Point(0, 0), Point(1, 1)]),
        MarkerAnnotation(Point(0.5, 0.5), MarkerStyle.STAR),
        LineAnnotation(Point(1, 0), Point(0, 1)),
    ]
    with caplog.at_level(logging.DEBUG, logger="backpack.annotation.panorama_driver"):
        driver.render(annotations, media)
        driver.render(annotations, media)
    assert media.calls == [("add_label", "kept", 0.5, 0.5)] * 2
    skips = [
        record.getMessage()
        for record in caplog.records
        if record.name == "backpack.annotation.panorama_driver"
    ]
    assert len(skips) == 3
    for name in ("LineAnnotation", "PolyLineAnnotation", "MarkerAnnotation"):
        assert sum(f" {name};" in message for message in skips) == 1


def test_calls_follow_the_annotation_order_and_generators_work() -> None:
    media = RecordingMedia()
    annotations = (
        LabelAnnotation(Point(0.1 * i, 0.1), f"label {i}")
        if i % 2
        else RectAnnotation(Point(0.1 * i, 0), Point(0.1 * i, 0.5))
        for i in range(6)
    )
    PanoramaMediaAnnotationDriver().render(annotations, media)
    assert [call[0] for call in media.calls] == ["add_rect", "add_label"] * 3
    assert media.calls[3] == ("add_label", "label 3", 0.30000000000000004, 0.1)


def test_same_annotations_render_again_on_another_stream() -> None:
    driver = PanoramaMediaAnnotationDriver(clock=fixed_clock)
    annotations = [TimestampAnnotation(), RectAnnotation(Point(0.1, 0.1), Point(0.9, 0.9))]
    first, second = RecordingMedia(), RecordingMedia()
    driver.render(annotations, first)
    driver.render(annotations, second)
    assert first.calls == second.calls
    assert len(first.calls) == 2
