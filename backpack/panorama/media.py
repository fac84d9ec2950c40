"""``panoramasdk.media``: one camera frame with the overlays the application adds to it."""

from __future__ import annotations

from typing import Any

import cv2
import numpy as np
from numpy.typing import NDArray

RECT_COLOR = (0, 255, 0)
"""BGR colour of ``add_rect`` boxes in the output video."""
LABEL_COLOR = (255, 255, 255)
"""BGR colour of ``add_label`` text in the output video."""


def _unit(name: str, value: float) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, np.floating, np.integer)):
        raise TypeError(f"{name} must be a number in [0, 1], got {type(value).__name__}")
    if not 0.0 <= value <= 1.0:
        raise ValueError(f"{name} must be in [0, 1] (normalized coordinates), got {value!r}")
    return float(value)


class media:  # noqa: N801 (the SDK's class name)
    """A video frame from one camera, as ``video_in.get()`` returns it.

    Attributes follow the Panorama Application SDK: ``image`` (BGR ``numpy`` array, may be
    replaced), ``stream_id`` (``camera_0``, ``camera_1`` ... in ``--camera`` order),
    ``stream_uri`` (the camera's URI), ``time_stamp`` (``(seconds, microseconds)`` of capture),
    ``is_cached`` (``True`` when the camera had no new frame and this is its previous one).
    ``add_rect`` and ``add_label`` record overlays in normalized coordinates; they are drawn
    when the frame is put to an output (:meth:`render`).

    Example:
        >>> frame = media(np.zeros((240, 320, 3), np.uint8), "camera_0", "cam.mp4", (0, 0))
        >>> frame.add_rect(0.1, 0.1, 0.5, 0.5)
        >>> frame.add_label("person", 0.1, 0.1)
        >>> frame.render()[24, 100].tolist()
        [0, 255, 0]
    """

    __slots__ = ("_labels", "_rects", "image", "is_cached", "stream_id", "stream_uri", "time_stamp")

    def __init__(
        self,
        image: NDArray[Any],
        stream_id: str,
        stream_uri: str,
        time_stamp: tuple[int, int],
        is_cached: bool = False,
    ) -> None:
        self.image = image
        self.stream_id = stream_id
        self.stream_uri = stream_uri
        self.time_stamp = time_stamp
        self.is_cached = is_cached
        self._rects: list[tuple[float, float, float, float]] = []
        self._labels: list[tuple[str, float, float]] = []

    def add_rect(self, x1: float, y1: float, x2: float, y2: float) -> None:
        """Draw a box from the top-left ``(x1, y1)`` to the bottom-right ``(x2, y2)`` corner."""
        self._rects.append((_unit("x1", x1), _unit("y1", y1), _unit("x2", x2), _unit("y2", y2)))

    def add_label(self, text: str, x: float, y: float) -> None:
        """Write ``text`` with its baseline starting at ``(x, y)``."""
        if not isinstance(text, str):
            raise TypeError(f"text must be a str, got {type(text).__name__}")
        self._labels.append((text, _unit("x", x), _unit("y", y)))

    def render(self) -> NDArray[Any]:
        """Draw the recorded overlays onto :attr:`image` (in place, once) and return it."""
        image = self.image
        if not isinstance(image, np.ndarray) or image.ndim != 3 or image.shape[2] != 3:
            raise TypeError("media.image must be an HxWx3 BGR numpy array")
        height, width = image.shape[:2]
        thickness = max(2, round(min(width, height) / 240))
        for x1, y1, x2, y2 in self._rects:
            top_left = (round(x1 * (width - 1)), round(y1 * (height - 1)))
            bottom_right = (round(x2 * (width - 1)), round(y2 * (height - 1)))
            cv2.rectangle(image, top_left, bottom_right, RECT_COLOR, thickness)
        scale = height / 720
        for text, x, y in self._labels:
            origin = (round(x * width), round(y * height))
            cv2.putText(
                image, text, origin, cv2.FONT_HERSHEY_SIMPLEX, scale, LABEL_COLOR, thickness
            )
        self._rects.clear()
        self._labels.clear()
        return image
