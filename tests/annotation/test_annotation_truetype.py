"""Non-ASCII label text is drawn with real glyphs (TrueType), ASCII stays on OpenCV's path.

Pixel checks on real renders: accents lean the right way, a CJK character is one glyph with
its own strokes, an emoji is a round face (not a missing-glyph box), control characters are
refused at construction, and without fonts the driver draws one ``?`` per character.
"""

from __future__ import annotations

import logging

import cv2
import numpy as np
import numpy.typing as npt
import pytest

from backpack.annotation import Color, LabelAnnotation, OpenCVImageAnnotationDriver, Point
from backpack.annotation.truetype import DEFAULT_FONTS, TrueTypeText

Image = npt.NDArray[np.uint8]
Mask = npt.NDArray[np.bool_]


def render(text: str, driver: OpenCVImageAnnotationDriver | None = None) -> Mask:
    """White text without a box on black, anchored at (20, 60): the inked pixels."""
    if driver is None:
        driver = OpenCVImageAnnotationDriver(
            default_color=Color.WHITE, label_background=False, font_scale=1.0
        )
    image = np.zeros((90, 320, 3), np.uint8)
    driver.render([LabelAnnotation(Point(20 / 320, 60 / 90), text)], image)
    assert (image[:, :, 0] == image[:, :, 1]).all() and (image[:, :, 1] == image[:, :, 2]).all()
    return image[:, :, 0] >= 128


def bbox(mask: Mask) -> tuple[int, int, int, int]:
    """top, bottom, left, right (inclusive) of the inked pixels."""
    rows = np.flatnonzero(mask.any(axis=1))
    columns = np.flatnonzero(mask.any(axis=0))
    assert rows.size and columns.size, "nothing was drawn"
    return int(rows[0]), int(rows[-1]), int(columns[0]), int(columns[-1])


def test_fonts_for_the_default_chain_are_installed() -> None:
    # The TrueType path is only as good as its fonts: the test host (and the image) has them.
    for path in DEFAULT_FONTS:
        with open(path, "rb") as stream:
            assert stream.read(4) in (b"\x00\x01\x00\x00", b"ttcf", b"OTTO")


def test_accents_are_real_glyphs_leaning_the_right_way() -> None:
    acute, grave, plain = render("é"), render("è"), render("e")
    a_top, a_bottom, _, _ = bbox(acute)
    _, e_bottom, _, _ = bbox(plain)
    e_top = bbox(plain)[0]
    assert a_top < e_top - 3  # an accent above the letter's body
    assert abs(a_bottom - e_bottom) <= 2  # on the same baseline as OpenCV's "e"

    def accent_lean(mask: Mask) -> float:
        """Column of the accent's top ink minus column of its bottom ink."""
        top, _, _, _ = bbox(mask)
        accent = mask[top : top + 4]
        low = mask[top + 4 : e_top - 1]
        return float(np.flatnonzero(accent.any(axis=0)).mean()) - float(
            np.flatnonzero(low.any(axis=0)).mean()
        )

    assert accent_lean(acute) > 0.5  # rises to the right
    assert accent_lean(grave) < -0.5  # rises to the left


def test_cjk_characters_are_one_glyph_each_with_their_strokes() -> None:
    question = bbox(render("?"))
    one = bbox(render("一"))  # a single horizontal stroke
    middle = render("中")  # a box crossed by a full-height vertical stroke
    top, bottom, left, right = bbox(middle)
    height, width = bottom - top + 1, right - left + 1
    assert 0.7 <= height / width <= 1.4
    assert width < 3 * (question[3] - question[2] + 1)  # not "???" (one "?" per UTF-8 byte)
    assert (one[1] - one[0] + 1) * 4 <= one[3] - one[2] + 1
    columns = middle[top : bottom + 1, left : right + 1].mean(axis=0)
    assert columns.max() > 0.95  # the vertical stroke spans the glyph
    two = render("中一")
    assert bbox(two)[3] - bbox(two)[2] > 1.8 * width  # two glyphs side by side


def test_emoji_is_a_face_not_a_missing_glyph_box() -> None:
    face = render("😀")
    top, bottom, left, right = bbox(face)
    height, width = bottom - top + 1, right - left + 1
    assert width > 10 and 0.8 <= height / width <= 1.25
    corners = [face[top, left], face[top, right], face[bottom, left], face[bottom, right]]
    assert not any(corners)  # round: a missing-glyph box would ink its corners
    assert face[top, left + width // 2] and face[bottom, left + width // 2]


def test_mixed_text_is_measured_as_drawn_and_box_follows() -> None:
    driver = OpenCVImageAnnotationDriver(default_color=Color.RED, font_scale=1.0)
    image = np.zeros((90, 320, 3), np.uint8)
    driver.render([LabelAnnotation(Point(20 / 320, 60 / 90), "Zoë 中文 😀")], image)
    box = np.all(image == (0, 0, 255), axis=2)
    text = image.any(axis=2) & ~box
    b_top, b_bottom, b_left, b_right = bbox(box | text)
    t_top, t_bottom, t_left, t_right = bbox(text)
    assert b_left <= t_left and t_right <= b_right  # the label box holds all the text
    assert b_top <= t_top and t_bottom <= b_bottom
    assert t_right - t_left > 100


def test_ascii_text_stays_on_the_opencv_path() -> None:
    driver = OpenCVImageAnnotationDriver(
        default_color=Color.WHITE, label_background=False, font_scale=1.0
    )
    ours = render("Hello 42", driver)
    reference = np.zeros((90, 320, 3), np.uint8)
    cv2.putText(reference, "Hello 42", (20 + 3, 60), cv2.FONT_HERSHEY_SIMPLEX, 1.0, (255,) * 3)
    assert (ours == (reference[:, :, 0] >= 128)).all()


def test_line_type_aa_blends_glyph_edges() -> None:
    aliased = np.zeros((90, 320, 3), np.uint8)
    smooth = np.zeros((90, 320, 3), np.uint8)
    label = LabelAnnotation(Point(20 / 320, 60 / 90), "中é", Color.WHITE)
    OpenCVImageAnnotationDriver(label_background=False).render([label], aliased)
    OpenCVImageAnnotationDriver(label_background=False, line_type=cv2.LINE_AA).render(
        [label], smooth
    )
    assert set(np.unique(aliased)) == {0, 255}
    levels = np.unique(smooth)
    assert len(levels) > 10 and levels[0] == 0 and levels[-1] == 255
    assert ((smooth >= 128) == (aliased == 255)).mean() > 0.99  # same glyphs, softer edges


def test_control_characters_are_refused_with_their_position() -> None:
    with pytest.raises(ValueError, match=r"control characters, got '\\x00' at index 2"):
        LabelAnnotation(Point(0.1, 0.1), "ab\x00cd")
    with pytest.raises(ValueError, match=r"got '\\t' at index 1"):
        LabelAnnotation(Point(0.1, 0.1), "a\tb")


def test_without_fonts_each_non_ascii_character_is_one_question_mark(
    caplog: pytest.LogCaptureFixture,
) -> None:
    driver = OpenCVImageAnnotationDriver(
        default_color=Color.WHITE, label_background=False, fonts=["/nonexistent/font.ttf"]
    )
    with caplog.at_level(logging.WARNING):
        fallback = render("中é", driver)
        render("ü", driver)
    assert (fallback == render("??", driver)).all()
    warnings = [r for r in caplog.records if r.name == "backpack.annotation.opencv_driver"]
    assert len(warnings) == 1 and "none of the font files exists" in warnings[0].getMessage()


def test_truetype_text_clips_at_every_edge() -> None:
    text = TrueTypeText(24)
    width, ascent, descent = text.measure("中é")
    for x, y in ((-width // 2, 20), (300, 20), (10, ascent // 2), (10, 90 + descent), (-999, -9)):
        image = np.zeros((90, 320, 3), np.uint8)
        text.draw(image, "中é", x, y, (255, 255, 255))
    image = np.zeros((90, 320, 3), np.uint8)
    text.draw(image, "中é", 310, 40, (255, 255, 255))  # only the first columns are visible
    assert image[:, 310:].any() and not image[:, :310].any()


def test_bad_fonts_argument() -> None:
    with pytest.raises(TypeError, match="fonts must be a sequence of font file paths"):
        OpenCVImageAnnotationDriver(fonts="/usr/share/fonts/x.ttf")
    with pytest.raises(ValueError, match="pixel_size"):
        TrueTypeText(0)
    with pytest.raises(FileNotFoundError, match="none of the font files exists"):
        TrueTypeText(12, ["/nonexistent.ttf"])
