"""TrueType text for labels that OpenCV's Hershey fonts cannot draw (anything beyond ASCII).

Each character comes from the first font of the chain with a glyph for it, so one label can mix
scripts and (monochrome) emoji. Needs the optional extra ``backpack[truetype]`` (Pillow and
fontTools) and font files; the default chain is Debian's (``apt-get install fonts-dejavu-core
fonts-wqy-microhei fonts-symbola``), missing files are skipped. Text is laid out left to right
without shaping (no Arabic joining, no emoji sequences). How: ``docs/design.md``
(backpack.annotation).

Example:
    >>> import numpy as np
    >>> text = TrueTypeText(16)  # doctest: +SKIP
    >>> frame = np.zeros((40, 120, 3), np.uint8)
    >>> text.draw(frame, "café 中", 2, 30, (255, 255, 255))  # doctest: +SKIP
"""

from __future__ import annotations

import logging
import math
import os
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import cv2
import numpy as np
import numpy.typing as npt

__all__ = ["DEFAULT_FONTS", "TrueTypeText"]

_logger = logging.getLogger(__name__)

DEFAULT_FONTS: tuple[str, ...] = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/ancient-scripts/Symbola_hint.ttf",
)
"""Font files tried in order for each character (Debian's paths)."""

_CACHE_LIMIT = 256

Image = npt.NDArray[np.uint8]


@dataclass(frozen=True)
class _Font:
    face: Any  # PIL.ImageFont.FreeTypeFont
    codepoints: frozenset[int]


@dataclass(frozen=True)
class _Rendered:
    """One text in one color, ready to draw.

    Aliased: ``block`` where ``solid``; anti-aliased: ``(image * inverse + premultiplied) / 255``.
    """

    ascent: int
    solid: npt.NDArray[np.uint8]  # (H, W): 1 where coverage >= 50 %
    block: npt.NDArray[np.uint8]  # (H, W, 3): the color
    inverse: npt.NDArray[np.uint16]  # (H, W, 1): 255 - coverage
    premultiplied: npt.NDArray[np.uint16]  # (H, W, 3): coverage * color
    scratch: npt.NDArray[np.uint16]  # (H, W, 3)


class TrueTypeText:
    """Measures and draws text with a chain of TrueType fonts at one pixel size.

    Args:
        pixel_size: font size in pixels (the em square).
        fonts: font files, tried in order for each character; missing files are skipped.

    Raises:
        ImportError: Pillow or fontTools is not installed (``pip install backpack[truetype]``).
        FileNotFoundError: none of ``fonts`` exists.
        ValueError: ``pixel_size`` is not an int >= 1.
    """

    def __init__(self, pixel_size: int, fonts: Sequence[str] = DEFAULT_FONTS) -> None:
        if type(pixel_size) is not int or pixel_size < 1:
            raise ValueError(f"pixel_size must be an int >= 1, got {pixel_size!r}")
        try:
            from fontTools.ttLib import TTFont
            from PIL import ImageFont
        except ImportError as exc:
            raise ImportError(
                "drawing non-ASCII text needs Pillow and fontTools: "
                "pip install 'backpack[truetype]'"
            ) from exc
        self._fonts: list[_Font] = []
        for path in fonts:
            if not os.path.isfile(path):
                _logger.debug("Font file %s not found; skipped", path)
                continue
            face = ImageFont.truetype(path, pixel_size, layout_engine=ImageFont.Layout.BASIC)
            with TTFont(path, fontNumber=0, lazy=True) as ttf:
                codepoints = frozenset(ttf.getBestCmap() or ())
            self._fonts.append(_Font(face, codepoints))
        if not self._fonts:
            raise FileNotFoundError(f"none of the font files exists: {', '.join(fonts)}")
        self._sizes: dict[str, tuple[int, int, int]] = {}
        self._rendered: dict[tuple[str, tuple[int, int, int]], _Rendered] = {}

    def measure(self, text: str) -> tuple[int, int, int]:
        """``(width, ascent, descent)`` of ``text`` in pixels, like ``cv2.getTextSize``."""
        size = self._sizes.get(text)
        if size is None:
            width = 0.0
            ascent = descent = 0
            for font, run in self._runs(text):
                width += font.face.getlength(run)
                run_ascent, run_descent = font.face.getmetrics()
                ascent = max(ascent, run_ascent)
                descent = max(descent, run_descent)
            if len(self._sizes) >= _CACHE_LIMIT:
                self._sizes.clear()
            size = self._sizes[text] = (max(1, math.ceil(width)), ascent, descent)
        return size

    def draw(
        self,
        image: Image,
        text: str,
        x: int,
        y: int,
        bgr: tuple[int, int, int],
        antialiased: bool = False,
    ) -> None:
        """Draw ``text`` on ``image`` in place, baseline starting at pixel ``(x, y)``, clipped.

        Aliased (the default, like ``cv2.LINE_8``) sets every pixel at least half covered;
        ``antialiased`` blends the glyphs' coverage (like ``cv2.LINE_AA``, about 5x slower).
        """
        key = (text, bgr)
        rendered = self._rendered.get(key)
        if rendered is None:
            rendered = self._render(text, bgr)
        inverse = rendered.inverse
        height, width = inverse.shape[:2]
        top = y - rendered.ascent
        x0, y0 = max(x, 0), max(top, 0)
        x1, y1 = min(x + width, image.shape[1]), min(top + height, image.shape[0])
        if x0 >= x1 or y0 >= y1:
            return
        rows = slice(y0 - top, y1 - top)
        columns = slice(x0 - x, x1 - x)
        region = image[y0:y1, x0:x1]
        if not antialiased:
            cv2.copyTo(rendered.block[rows, columns], rendered.solid[rows, columns], region)
            return
        scratch = rendered.scratch[rows, columns]
        np.multiply(region, inverse[rows, columns], out=scratch)
        scratch += rendered.premultiplied[rows, columns]
        scratch //= 255
        np.copyto(region, scratch, casting="unsafe")

    def _runs(self, text: str) -> list[tuple[_Font, str]]:
        """Split ``text`` into runs drawn from one font each (the first that has the glyph)."""
        runs: list[tuple[_Font, str]] = []
        fonts = self._fonts
        for char in text:
            code = ord(char)
            font = next((f for f in fonts if code in f.codepoints), fonts[0])
            if runs and runs[-1][0] is font:
                runs[-1] = (font, runs[-1][1] + char)
            else:
                runs.append((font, char))
        return runs

    def _render(self, text: str, bgr: tuple[int, int, int]) -> _Rendered:
        from PIL import Image as PILImage
        from PIL import ImageDraw

        width, ascent, descent = self.measure(text)
        canvas = PILImage.new("L", (width, ascent + descent), 0)
        pen = ImageDraw.Draw(canvas)
        left = 0.0
        for font, run in self._runs(text):
            pen.text((left, ascent), run, fill=255, font=font.face, anchor="ls")
            left += font.face.getlength(run)
        coverage = np.asarray(canvas, np.uint16)[:, :, np.newaxis]
        color = np.array(bgr, np.uint16)
        rendered = _Rendered(
            ascent=ascent,
            solid=(coverage[:, :, 0] >= 128).astype(np.uint8),
            block=np.full((coverage.shape[0], coverage.shape[1], 3), bgr, np.uint8),
            inverse=(255 - coverage).astype(np.uint16),
            premultiplied=coverage * color,
            scratch=np.empty((coverage.shape[0], coverage.shape[1], 3), np.uint16),
        )
        if len(self._rendered) >= _CACHE_LIMIT:
            self._rendered.clear()
        self._rendered[(text, bgr)] = rendered
        return rendered
