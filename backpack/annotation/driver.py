"""The abstract base of annotation drivers."""

from __future__ import annotations

import datetime
import logging
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Sequence
from typing import Any, Generic, TypeVar

from backpack._types import Clock
from backpack.annotation.annotations import Annotation, TimestampAnnotation

TargetT = TypeVar("TargetT")


class AnnotationDriver(ABC, Generic[TargetT]):
    """Draws annotations on one kind of backend target.

    Subclasses take their configuration in ``__init__`` and register one bound method per
    annotation type in ``self._renderers`` (type -> method); :meth:`render` dispatches through
    that dict. Subclasses of a registered annotation type are rendered like their base.

    A whole annotation collection is checked before anything is drawn: an object the driver
    cannot render raises ``TypeError`` naming its type, the target is left untouched and the
    driver stays usable.

    Args:
        clock: where :class:`TimestampAnnotation` with ``timestamp=None`` reads "now" at render
            time; defaults to :func:`datetime.datetime.now` (local time). Inject a fixed clock
            in tests.
    """

    def __init__(self, *, clock: Clock | None = None) -> None:
        if clock is not None and not callable(clock):
            raise TypeError(f"clock must be callable or None, got {type(clock).__name__}")
        self._clock: Clock = clock if clock is not None else datetime.datetime.now
        self._logger = logging.getLogger(type(self).__module__)
        self._renderers: dict[type, Callable[..., None]] = {}

    @abstractmethod
    def render(self, annotations: Iterable[Annotation], target: TargetT) -> TargetT:
        """Draw ``annotations`` on ``target`` and return ``target``."""

    @property
    def supported_types(self) -> tuple[type, ...]:
        """The annotation types this driver has a renderer for."""
        return tuple(self._renderers)

    def _checked(self, annotations: Iterable[Annotation]) -> Sequence[Annotation]:
        """Return ``annotations`` as a sequence after checking every item can be rendered.

        Lists and tuples are returned as they are (no copy); other iterables are read once into
        a list.

        Raises:
            TypeError: ``annotations`` is not iterable, or an item has no renderer.
        """
        items: Sequence[Any]
        if isinstance(annotations, (list, tuple)):
            items = annotations
        elif annotations is None or isinstance(annotations, (str, bytes)):
            raise TypeError(
                "annotations must be an iterable of annotation objects, "
                f"got {type(annotations).__name__} {annotations!r}"
            )
        else:
            try:
                items = list(annotations)
            except TypeError:
                raise TypeError(
                    "annotations must be an iterable of annotation objects, "
                    f"got {type(annotations).__name__} {annotations!r}"
                ) from None
        renderers = self._renderers
        for index, item in enumerate(items):
            if type(item) not in renderers:
                self._register_subclass(type(item), index, item)
        return items

    def _register_subclass(self, kind: type, index: int, item: Any) -> None:
        for base in kind.__mro__[1:]:
            renderer = self._renderers.get(base)
            if renderer is not None:
                self._renderers[kind] = renderer
                return
        names = ", ".join(sorted(known.__name__ for known in self._renderers))
        raise TypeError(
            f"{type(self).__name__} cannot render annotations[{index}] of type "
            f"{kind.__module__}.{kind.__qualname__}: {item!r} (supported: {names})"
        )

    def _timestamp_text(self, annotation: TimestampAnnotation) -> str:
        """The text of a timestamp annotation, reading the clock only when needed."""
        if annotation.timestamp is None:
            return annotation.text_for(self._clock())
        return annotation.text_for(None)
