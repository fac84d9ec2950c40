"""Annotation: one set of annotations, drawn by interchangeable backends.

Collect the annotations of a frame in a list, then hand the same list to any number of
drivers: :class:`OpenCVImageAnnotationDriver` draws on a numpy BGR image,
:class:`PanoramaMediaAnnotationDriver` on a ``panoramasdk.media`` stream. All coordinates are
normalized to ``[0, 1]``.

Example:
    >>> annotations = [
    ...     TimestampAnnotation(),
    ...     RectAnnotation(point1=Point(0.1, 0.1), point2=Point(0.9, 0.9)),
    ...     LabelAnnotation(point=Point(0.5, 0.5), text='Hello World!'),
    ... ]
    >>> # panorama_driver.render(annotations, stream)
    >>> # rendered = cv2_driver.render(annotations, stream.image.copy())
"""

from __future__ import annotations

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
from backpack.annotation.opencv_driver import OpenCVImageAnnotationDriver
from backpack.annotation.panorama_driver import PanoramaMediaAnnotationDriver

__all__ = [
    "Annotation",
    "AnnotationDriver",
    "BoundingBoxAnnotation",
    "Clock",
    "Color",
    "LabelAnnotation",
    "LineAnnotation",
    "MarkerAnnotation",
    "MarkerStyle",
    "OpenCVImageAnnotationDriver",
    "PanoramaMediaAnnotationDriver",
    "Point",
    "PolyLineAnnotation",
    "RectAnnotation",
    "TimestampAnnotation",
]
