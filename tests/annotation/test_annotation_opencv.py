"""OpenCVImageAnnotationDriver: the pixels it draws on real numpy images.

Images are 100 rows x 200 columns (non-square) unless said otherwise, black, BGR uint8.
Expected label regions are computed with ``cv2.getTextSize`` for the driver's font settings.
"""

from __future__ import annotations

import datetime

import cv2
import numpy as np
import numpy.typing as npt
import pytest

from backpack.annotation import (
    BoundingBoxAnnotation,
    Color,
    LabelAnnotation,
    LineAnnotation,
    MarkerAnnotation,
    MarkerStyle,
    OpenCVImageAnnotationDriver,
    Point,
    PolyLineAnnotation,
    RectAnnotation,
    TimestampAnnotation,
)

Image = npt.NDArray[np.uint8]
H, W = 100, 200
RED_BGR = (0, 0, 255)
FONT = cv2.FONT_HERSHEY_SIMPLEX
SCALE = 0.6
PAD = 3


def black(height: int = H, width: int = W) -> Image:
    return np.zeros((height, width, 3), np.uint8)


def painted(image: Image) -> npt.NDArray[np.bool_]:
    """Mask of pixels that are not black."""
    return np.asarray(image.any(axis=2))


RGB = tuple[int, int, int]


def blends(pixels: Image, a: RGB, b: RGB) -> npt.NDArray[np.bool_]:
    """Mask of pixels that lie between colors ``a`` and ``b`` (within rounding).

    OpenCV 4.x draws Hershey text with hard edges; OpenCV 5 (the base image's) anti-aliases
    glyph edges, so a glyph pixel may be any blend of the text and the background color.
    """
    p = pixels.astype(np.float64)
    start, end = np.array(a, np.float64), np.array(b, np.float64)
    span = end - start
    t = np.clip(((p - start) @ span) / float(span @ span), 0.0, 1.0)
    nearest = start + t[..., None] * span
    return np.asarray(np.abs(p - nearest).max(axis=-1) <= 2.0)


def label_box(text: str, x: int, y: int) -> tuple[int, int, int, int]:
    """(left, top, right, bottom) of the driver's label box for baseline-left (x, y)."""
    (width, height), depth = cv2.getTextSize(text, FONT, SCALE, 1)
    return x, y - height - PAD, x + width + 2 * PAD, y + depth


def thin_driver(**kwargs: object) -> OpenCVImageAnnotationDriver:
    return OpenCVImageAnnotationDriver(thickness=1, **kwargs)  # type: ignore[arg-type]


def test_red_rect_border_is_red_inside_and_outside_stay_black() -> None:
    image = black()
    rect = RectAnnotation(point1=Point(0.1, 0.2), point2=Point(0.6, 0.8), color=Color.RED)
    result = thin_driver().render([rect], image)
    assert result is image
    # x: 0.1*200=20, 0.6*200=120; y: 0.2*100=20, 0.8*100=80
    expected = black()
    expected[20, 20:121] = RED_BGR
    expected[80, 20:121] = RED_BGR
    expected[20:81, 20] = RED_BGR
    expected[20:81, 120] = RED_BGR
    np.testing.assert_array_equal(image, expected)


def test_rect_corners_in_any_order_draw_the_same_rect() -> None:
    driver = thin_driver()
    a = driver.render([RectAnnotation(Point(0.1, 0.2), Point(0.6, 0.8), Color.RED)], black())
    b = driver.render([RectAnnotation(Point(0.6, 0.2), Point(0.1, 0.8), Color.RED)], black())
    np.testing.assert_array_equal(a, b)


def test_default_thickness_is_two_and_straddles_the_edge() -> None:
    image = OpenCVImageAnnotationDriver(default_color=Color.RED).render(
        [RectAnnotation(Point(0.1, 0.2), Point(0.6, 0.8))], black()
    )
    column = image[:, 70]
    assert (column[19:22] == RED_BGR).all() and (column[79:82] == RED_BGR).all()
    assert not column[:18].any() and not column[23:78].any() and not column[83:].any()


def test_colors_are_written_in_bgr_order() -> None:
    driver = thin_driver()
    for color in (Color.RED, Color.GREEN, Color.BLUE, Color.from_hex("#102030")):
        image = driver.render([RectAnnotation(Point(0.1, 0.2), Point(0.6, 0.8), color)], black())
        assert tuple(image[20, 50]) == (color.b, color.g, color.r)


def test_default_color_applies_when_annotation_has_none() -> None:
    image = OpenCVImageAnnotationDriver(default_color=Color.YELLOW, thickness=1).render(
        [RectAnnotation(Point(0.1, 0.2), Point(0.6, 0.8))], black()
    )
    assert tuple(image[20, 50]) == Color.YELLOW.bgr


def test_half_maps_to_middle_pixel_on_non_square_image() -> None:
    driver = thin_driver()
    vertical = driver.render([LineAnnotation(Point(0.5, 0.0), Point(0.5, 1.0), Color.RED)], black())
    expected = black()
    expected[:, 100] = RED_BGR  # 0.5 * 200 columns
    np.testing.assert_array_equal(vertical, expected)
    horizontal = driver.render([LineAnnotation(Point(0, 0.5), Point(1, 0.5), Color.RED)], black())
    expected = black()
    expected[50, :] = RED_BGR  # 0.5 * 100 rows
    np.testing.assert_array_equal(horizontal, expected)


def test_one_maps_to_the_last_pixel() -> None:
    image = thin_driver().render([RectAnnotation(Point(0, 0), Point(1, 1), Color.RED)], black())
    expected = black()
    expected[[0, H - 1], :] = RED_BGR
    expected[:, [0, W - 1]] = RED_BGR
    np.testing.assert_array_equal(image, expected)


def test_mapping_scales_with_each_image_size() -> None:
    driver = thin_driver()
    marker = MarkerAnnotation(Point(0.25, 0.75), MarkerStyle.CROSS, Color.RED)
    for height, width in ((100, 200), (480, 640), (1080, 1920), (7, 3)):
        image = driver.render([marker], black(height, width))
        assert tuple(image[int(0.75 * height), int(0.25 * width)]) == RED_BGR


def test_label_draws_text_on_filled_box_at_baseline_point() -> None:
    image = black()
    label = LabelAnnotation(point=Point(0.25, 0.5), text="Hi 42", color=Color.GREEN)
    thin_driver().render([label], image)
    left, top, right, bottom = label_box("Hi 42", 50, 50)
    mask = painted(image)
    assert not mask[:top].any() and not mask[bottom + 1 :].any()
    assert not mask[:, :left].any() and not mask[:, right + 1 :].any()
    region = image[top : bottom + 1, left : right + 1]
    # black text on green: every pixel is green, black, or an anti-aliased blend of the two
    assert blends(region, Color.GREEN.bgr, Color.GREEN.contrast_bgr).all()  # box is filled
    text = (region == Color.GREEN.contrast_bgr).all(axis=2)
    glyph_rows = text[PAD : bottom - top + 1 - PAD]
    assert glyph_rows.sum() > 20  # the glyphs are there, inside the padding


def test_label_without_background_draws_text_in_its_color_only() -> None:
    image = black()
    label = LabelAnnotation(point=Point(0.25, 0.5), text="Hi 42", color=Color.RED)
    thin_driver(label_background=False).render([label], image)
    left, top, right, bottom = label_box("Hi 42", 50, 50)
    mask = painted(image)
    assert mask.sum() > 20
    assert mask[top : bottom + 1, left : right + 1].sum() == mask.sum()
    assert blends(image[mask], RED_BGR, (0, 0, 0)).all()  # red glyphs (edges may blend)
    assert (image[mask] == RED_BGR).all(axis=-1).sum() > 20  # full-strength glyph cores


def test_different_texts_draw_different_pixels() -> None:
    driver = thin_driver()
    a = driver.render([LabelAnnotation(Point(0.1, 0.5), "ABC")], black())
    b = driver.render([LabelAnnotation(Point(0.1, 0.5), "XYZ")], black())
    assert (a != b).any()


def test_label_at_the_corner_is_shifted_inside_the_image() -> None:
    image = thin_driver().render([LabelAnnotation(Point(0, 0), "corner", Color.BLUE)], black())
    (width, height), depth = cv2.getTextSize("corner", FONT, SCALE, 1)
    box = image[: height + PAD + depth + 1, : width + 2 * PAD + 1]
    assert painted(box).all()  # the whole filled box is visible, starting at row 0
    assert not painted(image)[height + PAD + depth + 1 :].any()


def test_label_at_the_right_edge_is_shifted_inside_the_image() -> None:
    image = thin_driver().render([LabelAnnotation(Point(1, 0.5), "edge", Color.WHITE)], black())
    (width, _), _ = cv2.getTextSize("edge", FONT, SCALE, 1)
    columns = np.nonzero(painted(image).any(axis=0))[0]
    assert columns[-1] == W - 1 and columns[0] == W - 1 - (width + 2 * PAD)


def test_timestamp_draws_the_clock_time_like_a_label() -> None:
    now = datetime.datetime(2024, 5, 1, 8, 30, 5)
    driver = thin_driver(clock=lambda: now)
    stamp = driver.render([TimestampAnnotation(point=Point(0.05, 0.5))], black(H, 400))
    same = driver.render([LabelAnnotation(Point(0.05, 0.5), "2024-05-01 08:30:05")], black(H, 400))
    assert painted(stamp).sum() > 100
    np.testing.assert_array_equal(stamp, same)


def test_timestamp_default_position_is_top_left_region() -> None:
    height, width = 1080, 1920
    image = OpenCVImageAnnotationDriver().render([TimestampAnnotation()], black(height, width))
    rows, cols = np.nonzero(painted(image))
    assert rows.size > 100
    assert rows.max() <= int(0.04 * height) + 10 and cols.min() == int(0.02 * width)
    assert cols.max() < width // 4


def test_timestamp_reads_the_clock_at_each_render() -> None:
    times = iter([datetime.datetime(2024, 5, 1, 8, 30, 5), datetime.datetime(2024, 5, 1, 9, 41, 7)])
    driver = thin_driver(clock=lambda: next(times))
    first = driver.render([TimestampAnnotation(point=Point(0.05, 0.5))], black(H, 400))
    second = driver.render([TimestampAnnotation(point=Point(0.05, 0.5))], black(H, 400))
    expected = thin_driver().render(
        [LabelAnnotation(Point(0.05, 0.5), "2024-05-01 09:41:07")], black(H, 400)
    )
    assert (first != second).any()
    np.testing.assert_array_equal(second, expected)


def test_timestamp_with_explicit_time_ignores_the_clock() -> None:
    def broken_clock() -> datetime.datetime:
        raise AssertionError("clock must not be read")

    stamp = TimestampAnnotation(
        timestamp=datetime.datetime(2020, 1, 2, 3, 4, 5), point=Point(0, 0.5)
    )
    image = thin_driver(clock=broken_clock).render([stamp], black(H, 400))
    expected = thin_driver().render(
        [LabelAnnotation(Point(0, 0.5), "2020-01-02 03:04:05")], black(H, 400)
    )
    np.testing.assert_array_equal(image, expected)


def test_diagonal_line_pixels() -> None:
    # (0, 0) -> (0.495 * 200, 0.99 * 100) = (99, 99): a 45 degree line, one pixel per row
    line = LineAnnotation(Point(0, 0), Point(0.495, 0.99), Color.BLUE)
    image = thin_driver().render([line], black())
    expected = black()
    expected[np.arange(100), np.arange(100)] = Color.BLUE.bgr
    np.testing.assert_array_equal(image, expected)


def test_line_thickness_overrides_driver_thickness() -> None:
    line = LineAnnotation(Point(0, 0.5), Point(1, 0.5), Color.RED, thickness=5)
    image = thin_driver().render([line], black())
    column = painted(image)[:, 70]
    assert column[48:53].all()
    assert not column[:46].any() and not column[55:].any()


@pytest.mark.parametrize("style", list(MarkerStyle))
def test_marker_is_centered_and_within_its_size(style: MarkerStyle) -> None:
    marker = MarkerAnnotation(Point(0.5, 0.5), style, Color.RED)
    image = thin_driver(marker_size=10).render([marker], black())
    rows, cols = np.nonzero(painted(image))
    assert rows.size > 10
    assert rows.min() >= 45 and rows.max() <= 55 and cols.min() >= 95 and cols.max() <= 105
    assert (
        rows.min() + rows.max() == 100 and cols.min() + cols.max() == 200
    )  # centered on (100, 50)
    assert (image[rows, cols] == RED_BGR).all()


def test_marker_cross_pixels() -> None:
    marker = MarkerAnnotation(Point(0.5, 0.5), MarkerStyle.CROSS, Color.RED)
    image = thin_driver(marker_size=10).render([marker], black())
    expected = black()
    expected[50, 95:106] = RED_BGR
    expected[45:56, 100] = RED_BGR
    np.testing.assert_array_equal(image, expected)


def test_marker_styles_draw_different_shapes() -> None:
    driver = thin_driver(marker_size=10)
    images = [
        driver.render([MarkerAnnotation(Point(0.5, 0.5), style)], black()).tobytes()
        for style in MarkerStyle
    ]
    assert len(set(images)) == len(MarkerStyle)


def test_polyline_open_and_closed() -> None:
    points = [Point(0.1, 0.1), Point(0.5, 0.1), Point(0.5, 0.9)]
    driver = thin_driver()
    opened = painted(driver.render([PolyLineAnnotation(points, color=Color.RED)], black()))
    closed = painted(driver.render([PolyLineAnnotation(points, True, Color.RED)], black()))
    for mask in (opened, closed):
        assert mask[10, 20:101].all()  # (20,10) -> (100,10)
        assert mask[10:91, 100].all()  # (100,10) -> (100,90)
    # the closing segment (100,90) -> (20,10) is a 45 degree diagonal
    diagonal = [closed[10 + i, 20 + i] for i in range(81)]
    assert all(diagonal)
    assert not opened[50, 60] and closed[50, 60]
    assert opened.sum() < closed.sum()


def test_polyline_is_remapped_for_each_image_size() -> None:
    polyline = PolyLineAnnotation([Point(0.1, 0.1), Point(0.5, 0.5)], color=Color.RED)
    driver = thin_driver()
    small = painted(driver.render([polyline], black(50, 80)))
    large = painted(driver.render([polyline], black()))
    again = painted(driver.render([polyline], black(50, 80)))
    assert small[5, 8] and small[25, 40] and not small[49, 79]
    assert large[10, 20] and large[50, 100]
    np.testing.assert_array_equal(small, again)


def test_bounding_box_draws_rect_and_labels_outside_it() -> None:
    box = BoundingBoxAnnotation(
        point1=Point(0.2, 0.3),
        point2=Point(0.6, 0.7),
        top_label="car",
        bottom_label="id 7",
        color=Color.BLUE,
    )
    image = thin_driver().render([box], black())
    x1, y1, x2, y2 = 40, 30, 120, 70
    rect_only = thin_driver().render(
        [RectAnnotation(Point(0.2, 0.3), Point(0.6, 0.7), Color.BLUE)], black()
    )
    on_rect = painted(rect_only)
    assert (image[on_rect] == Color.BLUE.bgr).all()
    assert not painted(image)[y1 + 1 : y2, x1 + 1 : x2].any()  # inside stays black
    (top_w, top_h), top_d = cv2.getTextSize("car", FONT, SCALE, 1)
    top_region = painted(image)[y1 - top_h - PAD - top_d : y1, x1 : x1 + top_w + 2 * PAD + 1]
    assert top_region.all()  # the filled label box sits right on the top edge
    (bottom_w, bottom_h), bottom_d = cv2.getTextSize("id 7", FONT, SCALE, 1)
    bottom_region = painted(image)[
        y2 + 1 : y2 + bottom_h + PAD + bottom_d + 1, x1 : x1 + bottom_w + 2 * PAD + 1
    ]
    assert bottom_region.all()  # and the bottom label right under the bottom edge
    outside = painted(image).copy()
    outside[y1 - top_h - PAD - top_d : y2 + bottom_h + PAD + bottom_d + 1, x1 : x2 + 1] = False
    assert not outside.any()


def test_bounding_box_from_rect_renders_like_from_points() -> None:
    driver = thin_driver()
    rect = RectAnnotation(Point(0.2, 0.3), Point(0.6, 0.7), Color.RED)
    a = driver.render([BoundingBoxAnnotation(rect=rect, top_label="x")], black())
    b = driver.render(
        [
            BoundingBoxAnnotation(
                point1=rect.point1, point2=rect.point2, top_label="x", color=Color.RED
            )
        ],
        black(),
    )
    np.testing.assert_array_equal(a, b)


def test_bounding_box_at_top_keeps_its_label_inside_the_image() -> None:
    box = BoundingBoxAnnotation(
        point1=Point(0.2, 0.0), point2=Point(0.6, 0.7), top_label="top", color=Color.RED
    )
    image = thin_driver().render([box], black())
    (width, height), depth = cv2.getTextSize("top", FONT, SCALE, 1)
    assert painted(image)[: height + PAD + depth + 1, 40 : 40 + width + 2 * PAD + 1].all()


def test_render_draws_in_place_in_list_order_and_accepts_iterables() -> None:
    image = black()
    first = RectAnnotation(Point(0.1, 0.2), Point(0.6, 0.8), Color.RED)
    second = RectAnnotation(Point(0.1, 0.2), Point(0.6, 0.8), Color.BLUE)
    result = thin_driver().render(iter([first, second]), image)
    assert result is image
    assert tuple(image[20, 50]) == Color.BLUE.bgr  # the later annotation wins


def test_subclass_of_an_annotation_renders_like_its_base() -> None:
    class TaggedRect(RectAnnotation):
        pass

    driver = thin_driver()
    a = driver.render([TaggedRect(Point(0.1, 0.2), Point(0.6, 0.8), Color.RED)], black())
    b = driver.render([RectAnnotation(Point(0.1, 0.2), Point(0.6, 0.8), Color.RED)], black())
    np.testing.assert_array_equal(a, b)


def test_cropped_view_is_drawn_through_to_the_parent_image() -> None:
    parent = black()
    view = parent[20:80, 50:150]
    thin_driver().render([RectAnnotation(Point(0, 0), Point(1, 1), Color.RED)], view)
    assert tuple(parent[20, 50]) == RED_BGR and tuple(parent[79, 149]) == RED_BGR
    assert not parent[:20].any() and not parent[:, :50].any()


def test_all_types_together_on_full_hd() -> None:
    image = black(1080, 1920)
    annotations = [
        TimestampAnnotation(),
        RectAnnotation(Point(0.1, 0.1), Point(0.9, 0.9)),
        LabelAnnotation(Point(0.5, 0.5), "Hello World!"),
        LineAnnotation(Point(0, 1), Point(1, 0), Color.RED),
        MarkerAnnotation(Point(0.7, 0.3), MarkerStyle.STAR, Color.BLUE),
        PolyLineAnnotation([Point(0.6, 0.6), Point(0.8, 0.7), Point(0.7, 0.85)], True, Color.CYAN),
        BoundingBoxAnnotation(point1=Point(0.2, 0.2), point2=Point(0.4, 0.6), top_label="p 0.9"),
    ]
    OpenCVImageAnnotationDriver().render(annotations, image)
    assert tuple(image[540, 960 + 10]) != (0, 0, 0)  # label box at the center
    assert tuple(image[int(0.3 * 1080), int(0.7 * 1920)]) == Color.BLUE.bgr
    assert tuple(image[108, 1000]) == Color.GREEN.bgr  # default-colored rect top edge
