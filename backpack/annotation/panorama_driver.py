"""Annotation driver that draws through the ``panoramasdk.media`` overlay API."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from backpack._types import Clock
from backpack.annotation.annotations import (
    Annotation,
    BoundingBoxAnnotation,
    LabelAnnotation,
    LineAnnotation,
    MarkerAnnotation,
    PolyLineAnnotation,
    RectAnnotation,
    TimestampAnnotation,
)
from backpack.annotation.driver import AnnotationDriver

_AddRect = Callable[[float, float, float, float], Any]
_AddLabel = Callable[[str, float, float], Any]


class PanoramaMediaAnnotationDriver(AnnotationDriver[Any]):
    """Draws annotations on a ``panoramasdk.media`` object (a video stream of a Panorama app).

    The media API has two calls, both in normalized coordinates, and no colors:
    ``media.add_rect(x1, y1, x2, y2)`` and ``media.add_label(text, x, y)``. This driver maps:

    * :class:`RectAnnotation` -> ``add_rect(left, top, right, bottom)`` (corners sorted).
    * :class:`LabelAnnotation` -> ``add_label(text, x, y)``.
    * :class:`TimestampAnnotation` -> ``add_label(timestamp_text, x, y)``.
    * :class:`BoundingBoxAnnotation` -> ``add_rect(left, top, right, bottom)``, then
      ``add_label(top_label, left, top)`` and ``add_label(bottom_label, left, bottom)`` for the
      labels that are set.
    * :class:`LineAnnotation`, :class:`PolyLineAnnotation`, :class:`MarkerAnnotation`: the media
      API cannot draw them, so they are skipped; the first skip of each type is logged once at
      DEBUG level per driver. Imitating them with rectangles would draw something wrong.

    Colors are ignored (the SDK has no color argument). Panorama decides where the label text
    sits relative to its point.

    Args:
        clock: see :class:`AnnotationDriver`.

    Example:
        >>> driver = PanoramaMediaAnnotationDriver()
        >>> # in the frame loop, for each stream (a panoramasdk.media):
        >>> # driver.render(annotations, stream)
    """

    def __init__(self, *, clock: Clock | None = None) -> None:
        super().__init__(clock=clock)
        self._skips_logged: set[type] = set()
        self._renderers = {
            LabelAnnotation: self._render_label,
            RectAnnotation: self._render_rect,
            TimestampAnnotation: self._render_timestamp,
            BoundingBoxAnnotation: self._render_bounding_box,
            LineAnnotation: self._skip,
            PolyLineAnnotation: self._skip,
            MarkerAnnotation: self._skip,
        }

    def render(self, annotations: Iterable[Annotation], target: Any) -> Any:
        """Send ``annotations`` to the media object ``target`` and return it.

        Raises:
            TypeError: ``target`` has no ``add_rect``/``add_label`` methods, ``annotations`` is
                not iterable or holds something this driver cannot render. Nothing is sent to
                ``target`` in that case.
        """
        try:
            add_rect = target.add_rect
            add_label = target.add_label
        except AttributeError:
            raise TypeError(
                "target must be a panoramasdk.media object with add_rect and add_label, "
                f"got {type(target).__name__}"
            ) from None
        items = self._checked(annotations)
        renderers = self._renderers
        for annotation in items:
            renderers[type(annotation)](annotation, add_rect, add_label)
        return target

    @staticmethod
    def _render_label(label: LabelAnnotation, add_rect: _AddRect, add_label: _AddLabel) -> None:
        add_label(label.text, _clip(label.point.x), _clip(label.point.y))

    def _render_timestamp(
        self, stamp: TimestampAnnotation, add_rect: _AddRect, add_label: _AddLabel
    ) -> None:
        add_label(self._timestamp_text(stamp), _clip(stamp.point.x), _clip(stamp.point.y))

    @staticmethod
    def _render_rect(rect: RectAnnotation, add_rect: _AddRect, add_label: _AddLabel) -> None:
        p1 = rect.point1
        p2 = rect.point2
        add_rect(
            _clip(min(p1.x, p2.x)),
            _clip(min(p1.y, p2.y)),
            _clip(max(p1.x, p2.x)),
            _clip(max(p1.y, p2.y)),
        )

    @staticmethod
    def _render_bounding_box(
        box: BoundingBoxAnnotation, add_rect: _AddRect, add_label: _AddLabel
    ) -> None:
        p1: Any = box.point1
        p2: Any = box.point2
        left = _clip(min(p1.x, p2.x))
        top = _clip(min(p1.y, p2.y))
        bottom = _clip(max(p1.y, p2.y))
        add_rect(left, top, _clip(max(p1.x, p2.x)), bottom)
        if box.top_label is not None:
            add_label(box.top_label, left, top)
        if box.bottom_label is not None:
            add_label(box.bottom_label, left, bottom)

    def _skip(self, annotation: Annotation, add_rect: _AddRect, add_label: _AddLabel) -> None:
        kind = type(annotation)
        if kind not in self._skips_logged:
            self._skips_logged.add(kind)
            self._logger.debug(
                "panoramasdk.media cannot draw %s; skipping annotations of this type", kind.__name__
            )


def _clip(value: float) -> float:
    """A normalized coordinate clipped into the frame, ``[0, 1]``."""
    return 0.0 if value < 0.0 else (1.0 if value > 1.0 else value)
