"""panoramasdk.media of the runtime: overlays drawn into the image, and the annotation driver."""

from __future__ import annotations

import numpy as np
import pytest

from backpack.annotation import (
    LabelAnnotation,
    PanoramaMediaAnnotationDriver,
    Point,
    RectAnnotation,
)
from backpack.panorama import media
from backpack.panorama.media import LABEL_COLOR, RECT_COLOR


def _media() -> media:
    return media(np.zeros((240, 320, 3), np.uint8), "camera_0", "cam.mp4", (1, 2))


def test_attributes() -> None:
    frame = _media()
    assert (frame.stream_id, frame.stream_uri, frame.time_stamp, frame.is_cached) == (
        "camera_0",
        "cam.mp4",
        (1, 2),
        False,
    )
    assert frame.image.shape == (240, 320, 3)


def test_rect_is_drawn_at_its_normalized_corners() -> None:
    frame = _media()
    frame.add_rect(0.25, 0.5, 0.75, 1.0)
    image = frame.render()
    x1, y1, x2, y2 = round(0.25 * 319), round(0.5 * 239), round(0.75 * 319), 239
    assert image[y1, (x1 + x2) // 2].tolist() == list(RECT_COLOR)
    assert image[(y1 + y2) // 2, x1].tolist() == list(RECT_COLOR)
    assert image[(y1 + y2) // 2, x2].tolist() == list(RECT_COLOR)
    assert image[y1 - 10, (x1 + x2) // 2].tolist() == [0, 0, 0]
    assert image[(y1 + y2) // 2, (x1 + x2) // 2].tolist() == [0, 0, 0]  # not filled


def test_overlays_are_drawn_once() -> None:
    frame = _media()
    frame.add_label("hello", 0.1, 0.5)
    first = frame.render().copy()
    assert (first == LABEL_COLOR).all(axis=2).any()
    frame.image[:] = 0
    assert not frame.render().any()


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda m: m.add_rect(0.1, 0.1, 1.2, 0.5), ValueError, r"x2 must be in \[0, 1\]"),
        (lambda m: m.add_rect(-0.1, 0.1, 0.2, 0.5), ValueError, "x1"),
        (lambda m: m.add_rect("0", 0.1, 0.2, 0.5), TypeError, "x1 must be a number"),
        (lambda m: m.add_label(5, 0.1, 0.1), TypeError, "text must be a str"),
        (lambda m: m.add_label("a", 0.1, 2), ValueError, "y must be in"),
    ],
)
def test_bad_overlay_arguments(call, error, match) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(error, match=match):
        call(_media())


def test_annotation_driver_draws_on_runtime_media() -> None:
    frame = _media()
    PanoramaMediaAnnotationDriver().render(
        [
            RectAnnotation(point1=Point(0.5, 0.5), point2=Point(0.1, 0.1)),
            LabelAnnotation(point=Point(0.6, 0.8), text="door"),
        ],
        frame,
    )
    image = frame.render()
    assert image[round(0.1 * 239), 100].tolist() == list(RECT_COLOR)
    assert (image[150:200, 180:300] == LABEL_COLOR).all(axis=2).any()
