"""Annotation rendering: OpenCVImageAnnotationDriver against raw cv2 and supervision.

The scene is 100 rectangles, 100 labels (one at each rectangle's top-left corner) and a
timestamp on a 1920x1080 BGR frame. The cost of non-ASCII labels (TrueType glyphs instead of
OpenCV's Hershey font) is the same scene with accented, CJK and emoji labels against the
driver's own ASCII scene. The raw-cv2 baseline issues exactly the drawing calls the
driver makes (same pixel coordinates, colors, thickness, font and label background boxes, all
precomputed), and its output is checked to be pixel-identical to the driver's before timing.
Both draw in place on their own preallocated frame; nothing is copied inside the timed loop.
"""

from __future__ import annotations

import datetime
import time
from collections.abc import Callable
from typing import Any

import cv2
import numpy as np
from numpy.typing import NDArray

from bench.config import Config
from bench.measure import interleaved
from bench.result import Result, Status, Target

GROUP = "annotation"
WIDTH, HEIGHT = 1920, 1080
GRID_COLUMNS, GRID_ROWS = 10, 10
TIMESTAMP_FORMAT = "%Y-%m-%d %H:%M:%S"

# The driver's defaults (backpack/annotation/opencv_driver.py), repeated by the raw baseline.
GREEN_BGR = (0, 255, 0)
TEXT_BGR = (0, 0, 0)  # Color.GREEN.contrast_bgr: black on a light box
THICKNESS = 2
FONT = cv2.FONT_HERSHEY_SIMPLEX
FONT_SCALE = 0.6
TEXT_THICKNESS = 1
PADDING = 3
LINE_TYPE = cv2.LINE_8
TIMESTAMP_POINT = (0.02, 0.04)

Image = NDArray[np.uint8]
"""A BGR uint8 frame of shape (H, W, 3)."""

Box = tuple[float, float, float, float]
"""Normalized x1, y1, x2, y2."""


def scene_boxes() -> list[Box]:
    """100 boxes on a 10x10 grid, each inside its cell with room for a label above it."""
    boxes = []
    for row in range(GRID_ROWS):
        for column in range(GRID_COLUMNS):
            x1 = (column + 0.1) / GRID_COLUMNS
            y1 = (row + 0.3) / GRID_ROWS
            x2 = (column + 0.85) / GRID_COLUMNS
            y2 = (row + 0.9) / GRID_ROWS
            boxes.append((x1, y1, x2, y2))
    return boxes


def scene_labels() -> list[str]:
    """One label per box."""
    return [f"person {index:02d} 0.{97 - index % 50:02d}" for index in range(len(scene_boxes()))]


def scene_labels_unicode() -> list[str]:
    """One non-ASCII label per box: accented Latin, CJK and emoji in turn."""
    kinds = ("personne été {:02d} 0.{:02d}", "行人 {:02d} 0.{:02d}", "🚗 voiture {:02d} 0.{:02d}")
    return [kinds[index % 3].format(index, 97 - index % 50) for index in range(len(scene_boxes()))]


def _pixel(value: float, size: int) -> int:
    return min(int(value * size), size - 1)


def raw_cv2_renderer(now: Callable[[], datetime.datetime]) -> Callable[[Image], None]:
    """The scene as raw cv2 calls with precomputed pixel coordinates (the driver's output)."""
    rects = []
    labels = []
    for (x1, y1, x2, y2), text in zip(scene_boxes(), scene_labels()):
        px1, py1 = _pixel(x1, WIDTH), _pixel(y1, HEIGHT)
        rects.append(((px1, py1), (_pixel(x2, WIDTH), _pixel(y2, HEIGHT))))
        labels.append((text, *_label_box(text, px1, py1)))
    stamp_x = _pixel(TIMESTAMP_POINT[0], WIDTH)
    stamp_y = _pixel(TIMESTAMP_POINT[1], HEIGHT)
    stamp_box = _label_box(now().strftime(TIMESTAMP_FORMAT), stamp_x, stamp_y)
    rectangle = cv2.rectangle
    put_text = cv2.putText

    def render(frame: Image) -> None:
        for p1, p2 in rects:
            rectangle(frame, p1, p2, GREEN_BGR, THICKNESS, LINE_TYPE)
        for text, top_left, bottom_right, origin in labels:
            rectangle(frame, top_left, bottom_right, GREEN_BGR, -1)
            put_text(frame, text, origin, FONT, FONT_SCALE, TEXT_BGR, TEXT_THICKNESS, LINE_TYPE)
        text = now().strftime(TIMESTAMP_FORMAT)
        rectangle(frame, stamp_box[0], stamp_box[1], GREEN_BGR, -1)
        put_text(frame, text, stamp_box[2], FONT, FONT_SCALE, TEXT_BGR, TEXT_THICKNESS, LINE_TYPE)

    return render


def _label_box(
    text: str, x: int, y: int
) -> tuple[tuple[int, int], tuple[int, int], tuple[int, int]]:
    """Background box corners and text origin of a label whose baseline starts at (x, y).

    The scene keeps every label inside the frame, so the driver's edge shifting never applies.
    """
    (text_width, text_height), depth = cv2.getTextSize(text, FONT, FONT_SCALE, TEXT_THICKNESS)
    top = y - text_height - PADDING
    right = x + text_width + 2 * PADDING
    bottom = y + depth
    if top < 0 or right >= WIDTH or bottom >= HEIGHT:
        raise AssertionError(f"label {text!r} at ({x}, {y}) would need shifting")
    return (x, top), (right, bottom), (x + PADDING, y)


def backpack_renderer(
    now: Callable[[], datetime.datetime], labels: list[str] | None = None
) -> Callable[[Image], None]:
    """The scene through ``OpenCVImageAnnotationDriver.render`` (annotations built once)."""
    from backpack.annotation import (
        LabelAnnotation,
        OpenCVImageAnnotationDriver,
        Point,
        RectAnnotation,
        TimestampAnnotation,
    )

    annotations: list[Any] = []
    for x1, y1, x2, y2 in scene_boxes():
        annotations.append(RectAnnotation(point1=Point(x1, y1), point2=Point(x2, y2)))
    texts = scene_labels() if labels is None else labels
    for (x1, y1, _, _), text in zip(scene_boxes(), texts):
        annotations.append(LabelAnnotation(point=Point(x1, y1), text=text))
    annotations.append(TimestampAnnotation(point=Point(*TIMESTAMP_POINT)))
    driver = OpenCVImageAnnotationDriver(clock=now)

    def render(frame: Image) -> None:
        driver.render(annotations, frame)

    return render


def supervision_renderer() -> Callable[[Image], None]:
    """The same boxes and labels through supervision's BoxAnnotator + LabelAnnotator."""
    import supervision as sv

    xyxy = np.array(
        [(x1 * WIDTH, y1 * HEIGHT, x2 * WIDTH, y2 * HEIGHT) for x1, y1, x2, y2 in scene_boxes()],
        dtype=np.float32,
    )
    detections = sv.Detections(xyxy=xyxy, class_id=np.zeros(len(xyxy), dtype=int))
    labels = scene_labels()
    green = sv.Color(r=0, g=255, b=0)
    box_annotator = sv.BoxAnnotator(color=green, thickness=THICKNESS)
    label_annotator = sv.LabelAnnotator(
        color=green,
        text_color=sv.Color.BLACK,
        text_scale=FONT_SCALE,
        text_thickness=TEXT_THICKNESS,
        text_padding=PADDING,
    )

    def render(frame: Image) -> None:
        box_annotator.annotate(frame, detections)
        label_annotator.annotate(frame, detections, labels=labels)

    return render


def supervision_version() -> str:
    """supervision's version, or why it cannot be imported."""
    try:
        import supervision as sv
    except Exception as exc:  # any import failure is reported, not raised
        return f"unavailable: {exc!r}"
    return str(sv.__version__)


def _timed(render: Callable[[Image], None], number: int) -> Callable[[], float]:
    frame = np.zeros((HEIGHT, WIDTH, 3), np.uint8)

    def sample() -> float:
        start = time.perf_counter()
        for _ in range(number):
            render(frame)
        return (time.perf_counter() - start) / number

    return sample


def check_identical() -> int:
    """Render the scene both ways with a fixed clock; return the number of differing pixels."""
    fixed = datetime.datetime(2024, 5, 1, 8, 30, 0)

    def clock() -> datetime.datetime:
        return fixed

    ours = np.zeros((HEIGHT, WIDTH, 3), np.uint8)
    raw = np.zeros((HEIGHT, WIDTH, 3), np.uint8)
    backpack_renderer(clock)(ours)
    raw_cv2_renderer(clock)(raw)
    return int(np.count_nonzero(np.any(ours != raw, axis=2)))


def run(config: Config) -> list[Result]:
    """Compare the driver with raw cv2 and with supervision; figures are ms per frame."""
    rows: list[Result] = []
    differing = check_identical()
    ours_sample = _timed(backpack_renderer(datetime.datetime.now), config.render_number)
    raw = interleaved(
        ours_sample,
        _timed(raw_cv2_renderer(datetime.datetime.now), config.render_number),
        config.rounds,
    )
    note = "same pixels as the driver" if differing == 0 else f"{differing} px differ!"
    rows.append(
        Result.judged(
            GROUP,
            "render 100 rect+100 label+ts vs raw cv2",
            "ms/frame",
            ours=raw.ours * 1e3,
            baseline=raw.baseline * 1e3,
            ratio=raw.ratio,
            target=Target("<=", 1.2),
            note=f"1920x1080; {note}",
            details={
                "differing_pixels": differing,
                "renders_per_sample": config.render_number,
                **raw.details(scale=1e3),
            },
        )
    )
    unicode = interleaved(
        _timed(
            backpack_renderer(datetime.datetime.now, scene_labels_unicode()), config.render_number
        ),
        ours_sample,
        config.rounds,
    )
    rows.append(
        Result.judged(
            GROUP,
            "render with 100 non-ASCII labels vs ASCII labels",
            "ms/frame",
            ours=unicode.ours * 1e3,
            baseline=unicode.baseline * 1e3,
            ratio=unicode.ratio,
            target=Target("<=", 1.5),
            note="TrueType glyphs (cached per text) vs OpenCV Hershey; accents, CJK, emoji",
            details={"renders_per_sample": config.render_number, **unicode.details(scale=1e3)},
        )
    )
    version = supervision_version()
    if version.startswith("unavailable"):
        rows.append(
            Result(
                GROUP,
                "render vs supervision Box+LabelAnnotator",
                "ms/frame",
                status=Status.SKIPPED,
                note=f"supervision {version} (run through build/bench.sh)",
            )
        )
        return rows
    versus = interleaved(
        ours_sample, _timed(supervision_renderer(), config.render_number), config.rounds
    )
    rows.append(
        Result.judged(
            GROUP,
            "render vs supervision Box+LabelAnnotator",
            "ms/frame",
            ours=versus.ours * 1e3,
            baseline=versus.baseline * 1e3,
            ratio=versus.ratio,
            target=Target("<", 1.0),
            note=f"supervision {version}; it draws no timestamp",
            details={
                "supervision_version": version,
                "renders_per_sample": config.render_number,
                **versus.details(scale=1e3),
            },
        )
    )
    return rows
