"""Label text on BGR images: OpenCV's Hershey font for ASCII, TrueType fonts for the rest."""

from __future__ import annotations

import logging
from collections.abc import Sequence

import cv2

from backpack.annotation.color import Color
from backpack.annotation.truetype import Image, TrueTypeText

TextSize = tuple[int, int, int]  # width, height above baseline, depth below baseline

# DejaVu Sans' capitals are 0.73 em tall: TrueType text gets the capital height of OpenCV's.
_CAP_HEIGHT_EM = 0.73


class LabelText:
    """Measures and draws the text of labels for :class:`OpenCVImageAnnotationDriver`.

    ASCII text is drawn by OpenCV (the fast path). Other text is drawn with TrueType fonts
    (:mod:`backpack.annotation.truetype`, created on first use at about OpenCV's size), or,
    when they cannot be loaded, by OpenCV with one ``?`` per non-ASCII character (a warning on
    ``logger``, once). Sizes are cached per text.

    Args:
        font_face, font_scale, thickness: OpenCV's Hershey font, scale and stroke thickness.
        padding: pixels between the text and the edge of its background box.
        background: draw the filled box behind the text (else bare text in the color).
        line_type: OpenCV line type; ``cv2.LINE_AA`` also antialiases TrueType text.
        fonts: TrueType font files, tried in order for each character.
        logger: where the TrueType warning goes (the driver's).
    """

    _SIZE_CACHE_LIMIT = 4096

    def __init__(
        self,
        *,
        font_face: int,
        font_scale: float,
        thickness: int,
        padding: int,
        background: bool,
        line_type: int,
        fonts: Sequence[str],
        logger: logging.Logger,
    ) -> None:
        self._font_face = font_face
        self._font_scale = font_scale
        self._thickness = thickness
        self.padding = padding
        self._background = background
        self._line_type = line_type
        self._fonts = fonts
        self._logger = logger
        self._sizes: dict[str, TextSize] = {}
        self._truetype: TrueTypeText | None = None
        self._truetype_failed = False

    def measure(self, text: str) -> TextSize:
        """Width, height above the baseline and depth below it of ``text``, in pixels."""
        sizes = self._sizes
        size = sizes.get(text)
        if size is None:
            truetype = None if text.isascii() else self._truetype_for(text)
            if truetype is not None:
                width, height, depth = truetype.measure(text)
            else:
                (width, height), depth = cv2.getTextSize(
                    _ascii(text), self._font_face, self._font_scale, self._thickness
                )
            if len(sizes) >= self._SIZE_CACHE_LIMIT:
                sizes.clear()
            size = sizes[text] = (width, height, depth)
        return size

    def draw(
        self,
        image: Image,
        text: str,
        x: int,
        y: int,
        color: Color,
        width: int,
        height: int,
    ) -> None:
        """Draw ``text`` with (x, y) as the bottom-left of its box's text baseline.

        A box that would leave the ``width`` x ``height`` image is shifted back inside it.
        """
        size = self._sizes.get(text)
        text_width, text_height, depth = size if size is not None else self.measure(text)
        pad = self.padding
        right = x + text_width + 2 * pad
        top = y - text_height - pad
        bottom = y + depth
        if right >= width:
            shift = min(right - width + 1, x)
            x -= shift
            right -= shift
        if top < 0:
            y -= top
            bottom -= top
            top = 0
        elif bottom >= height:
            shift = min(bottom - height + 1, top)
            y -= shift
            top -= shift
        if self._background:
            cv2.rectangle(image, (x, top), (right, bottom), color.bgr, -1)
            text_bgr = color.contrast_bgr
        else:
            text_bgr = color.bgr
        if not text.isascii():
            truetype = self._truetype
            if truetype is not None:
                truetype.draw(image, text, x + pad, y, text_bgr, self._line_type == cv2.LINE_AA)
                return
            text = _ascii(text)
        cv2.putText(
            image,
            text,
            (x + pad, y),
            self._font_face,
            self._font_scale,
            text_bgr,
            self._thickness,
            self._line_type,
        )

    def _truetype_for(self, text: str) -> TrueTypeText | None:
        """The TrueType renderer, created on first use; ``None`` when it cannot be."""
        if self._truetype is None and not self._truetype_failed:
            cap_height = cv2.getTextSize("H", self._font_face, self._font_scale, self._thickness)[
                0
            ][1]
            try:
                self._truetype = TrueTypeText(
                    max(1, round(cap_height / _CAP_HEIGHT_EM)), self._fonts
                )
            except (ImportError, OSError) as exc:
                self._truetype_failed = True
                self._logger.warning(
                    "Cannot draw non-ASCII text such as %r with TrueType fonts (%s); drawing "
                    "'?' for each non-ASCII character instead",
                    text,
                    exc,
                )
        return self._truetype


def _ascii(text: str) -> str:
    """``text`` with one ``?`` per non-ASCII character (OpenCV would draw one per byte)."""
    return text if text.isascii() else text.encode("ascii", "replace").decode("ascii")
