"""The Annotation example of the original Backpack README, as written.

The example runs inside ``class Application(panoramasdk.node)``; the Panorama SDK only exists on
the appliance and cannot be installed here, so ``Stream`` stands in for the SDK's
``panoramasdk.media`` stream: it has the ``image`` attribute (a BGR frame) and the two overlay
calls ``add_rect``/``add_label``, recorded in order. The statements of the example body are
kept verbatim.
"""

from __future__ import annotations

import datetime
from typing import Any

import numpy as np

from backpack.annotation import (
    LabelAnnotation,
    OpenCVImageAnnotationDriver,
    PanoramaMediaAnnotationDriver,
    Point,
    RectAnnotation,
    TimestampAnnotation,
)


class Stream:
    """The parts of ``panoramasdk.media`` the example uses."""

    def __init__(self, height: int, width: int) -> None:
        self.image = np.zeros((height, width, 3), np.uint8)
        self.calls: list[tuple[Any, ...]] = []

    def add_rect(self, x1: float, y1: float, x2: float, y2: float) -> None:
        self.calls.append(("add_rect", x1, y1, x2, y2))

    def add_label(self, text: str, x: float, y: float) -> None:
        self.calls.append(("add_label", text, x, y))


def test_readme_annotation_example() -> None:
    # class Application(panoramasdk.node).__init__:
    panorama_driver = PanoramaMediaAnnotationDriver()
    cv2_driver = OpenCVImageAnnotationDriver()

    # process_streams, for idx, stream in enumerate(streams):
    stream = Stream(1080, 1920)
    idx = 0
    before = datetime.datetime.now().replace(microsecond=0)

    annotations = [
        TimestampAnnotation(),
        RectAnnotation(point1=Point(0.1, 0.1), point2=Point(0.9, 0.9)),
        LabelAnnotation(point=Point(0.5, 0.5), text="Hello World!"),
    ]
    panorama_driver.render(annotations, stream)
    # TODO: eventually multiplex streams to a single frame
    if idx == 0:
        rendered = cv2_driver.render(annotations, stream.image.copy())
        # self.spyglass.put(rendered)

    after = datetime.datetime.now()
    (stamp_call, rect_call, label_call) = stream.calls
    assert stamp_call[0] == "add_label" and stamp_call[2:] == (0.02, 0.04)
    shown = datetime.datetime.strptime(stamp_call[1], "%Y-%m-%d %H:%M:%S")
    assert before <= shown <= after
    assert rect_call == ("add_rect", 0.1, 0.1, 0.9, 0.9)
    assert label_call == ("add_label", "Hello World!", 0.5, 0.5)

    assert not stream.image.any()  # the stream's own frame is untouched (a copy was drawn)
    assert rendered.shape == (1080, 1920, 3) and rendered.dtype == np.uint8
    painted = rendered.any(axis=2)
    # rect: x 0.1*1920=192 .. 0.9*1920=1728, y 0.1*1080=108 .. 0.9*1080=972
    assert painted[108, 192:1729].all() and painted[972, 192:1729].all()
    assert painted[108:973, 192].all() and painted[108:973, 1728].all()
    assert not painted[150:500, 250:900].any()  # inside the rect, away from the label
    assert painted[530:545, 960:1060].any()  # "Hello World!" right of (960, 540)
    assert painted[20:50, 38:200].any()  # the timestamp at (38, 43)
    assert not painted[:100, 300:].any()
