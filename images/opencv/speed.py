"""Time the OpenCV calls of a frame loop inside an image, for comparing cv2 builds.

Prints one JSON line: the median microseconds per call of each operation at 1280x720,
and the CPU features cv2 was built with (baseline and dispatched). Compare two images
(e.g. before and after a change of CPU_BASELINE/CPU_DISPATCH) in alternating rounds:

    for i in 1 2 3; do for img in OLD NEW; do
      docker run --rm -v "$PWD/images:/images:ro" "$img" python3 /images/opencv/speed.py
    done; done
"""

from __future__ import annotations

import json
import re
import statistics
import time
from typing import Callable

import cv2
import numpy as np

REPEAT = 200


def _median_us(call: Callable[[], object]) -> float:
    for _ in range(10):
        call()
    samples = []
    for _ in range(REPEAT):
        start = time.perf_counter()
        call()
        samples.append(time.perf_counter() - start)
    return round(statistics.median(samples) * 1e6, 1)


def main() -> None:
    rng = np.random.default_rng(7)
    frame = rng.integers(0, 256, (720, 1280, 3), dtype=np.uint8)
    canvas = frame.copy()
    small = np.empty((360, 640, 3), np.uint8)
    gray = np.empty((720, 1280), np.uint8)

    def annotate() -> None:
        for i in range(10):
            cv2.rectangle(canvas, (50 + i * 100, 100), (120 + i * 100, 300), (0, 255, 0), 2)
            cv2.putText(canvas, f"person {i}", (50 + i * 100, 90), 0, 0.6, (255, 255, 255), 1)

    operations: dict[str, Callable[[], object]] = {
        "resize_720p_to_360p": lambda: cv2.resize(frame, (640, 360), dst=small),
        "cvtColor_bgr2gray": lambda: cv2.cvtColor(frame, cv2.COLOR_BGR2GRAY, dst=gray),
        "cvtColor_bgr2yuv_i420": lambda: cv2.cvtColor(frame, cv2.COLOR_BGR2YUV_I420),
        "gaussian_blur_5x5": lambda: cv2.GaussianBlur(frame, (5, 5), 0),
        "annotate_10_boxes": annotate,
        "imencode_jpeg": lambda: cv2.imencode(".jpg", frame),
        "convert_to_float": lambda: frame.astype(np.float32) / 255.0,
        "blob_normalize": lambda: cv2.normalize(frame, None, 0, 1, cv2.NORM_MINMAX, cv2.CV_32F),
    }
    info = cv2.getBuildInformation()
    features = {
        key: " ".join(re.findall(rf"^\s*{key}:\s*(.*)$", info, re.M)[:1])
        for key in ("Baseline", "Dispatched code generation")
    }
    print(json.dumps({"cv2": cv2.__version__, "cpu": features,
                      "us": {name: _median_us(op) for name, op in operations.items()}}))


if __name__ == "__main__":
    main()
