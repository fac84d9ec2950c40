"""A tiny frame loop on the backpack base image: Timepiece, Annotation, SpyGlass.

Synthesizes frames, times the loop with a Ticker and a StopWatch, draws annotations
with the OpenCV driver and restreams the result to a local file through FileSpyGlass
(appsrc ! x264enc ! mp4mux), paced at the stream's frame rate like a camera loop.
At the end the file is decoded with OpenCV's GStreamer backend and a JSON summary
is printed; the exit status is 0 only if every frame the SpyGlass wrote came back
out of the file at the right size. (SpyGlass never blocks the loop: a frame put
while the previous one is still being encoded may be replaced by the newer one.)

Environment: FRAMES (default 30), OUTPUT (default /tmp/example-app.mp4).
"""

from __future__ import annotations

import json
import os
import sys
import time

import cv2
import numpy as np

from backpack.annotation import (
    Color,
    LabelAnnotation,
    OpenCVImageAnnotationDriver,
    Point,
    RectAnnotation,
    TimestampAnnotation,
)
from backpack.spyglass import FileSpyGlass
from backpack.timepiece import StopWatch, Ticker

WIDTH, HEIGHT, FPS = 320, 240, 15.0


def main() -> int:
    frames = int(os.environ.get("FRAMES", "30"))
    output = os.environ.get("OUTPUT", "/tmp/example-app.mp4")
    ticker = Ticker(max_intervals=frames)
    driver = OpenCVImageAnnotationDriver()
    spyglass = FileSpyGlass(output, fps=FPS, width=WIDTH, height=HEIGHT)
    canvas = np.zeros((HEIGHT, WIDTH, 3), dtype=np.uint8)
    accepted = 0
    spyglass.start_streaming()
    next_frame = time.monotonic()
    with StopWatch("loop") as loop:
        for index in range(frames):
            next_frame += 1 / FPS
            ticker.tick()
            with loop.child("render"):
                canvas[:] = (index * 8) % 256, 64, 128
                annotations = [
                    TimestampAnnotation(),
                    RectAnnotation(point1=Point(0.1, 0.1), point2=Point(0.9, 0.9), color=Color.RED),
                    LabelAnnotation(point=Point(0.3, 0.5), text=f"frame {index}"),
                ]
                rendered = driver.render(annotations, canvas)
            with loop.child("put"):
                accepted += bool(spyglass.put(rendered))
            time.sleep(max(0.0, next_frame - time.monotonic()))
    spyglass.stop_streaming()
    written = spyglass.written_frames

    capture = cv2.VideoCapture(output, cv2.CAP_GSTREAMER)
    decoded = 0
    size = None
    while True:
        ok, frame = capture.read()
        if not ok:
            break
        decoded += 1
        size = frame.shape[1], frame.shape[0]
    capture.release()
    summary = {
        "frames": frames,
        "accepted": accepted,
        "written": written,
        "decoded": decoded,
        "size": size,
        "mean_interval_s": ticker.mean(),
        "loop": str(loop),
        "machine": os.uname().machine,
    }
    print(json.dumps(summary))
    return 0 if 0 < written == decoded <= accepted and size == (WIDTH, HEIGHT) else 1


if __name__ == "__main__":
    sys.exit(main())
