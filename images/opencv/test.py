"""Component test (runs inside the image): OpenCV with the GStreamer backend.

Writes a clip through cv2.VideoWriter into the GStreamer pipeline
``appsrc ! videoconvert ! video/x-raw,format=I420 ! x264enc ! mp4mux ! filesink``, then decodes it back
with cv2.VideoCapture (GStreamer backend) and checks frame count, size and the
colour of every frame; gst-launch (qtdemux) confirms H.264 at the right size.
Prints one JSON object; exit status 0 when all checks pass.

Usage: python3 test.py [output.mp4]
"""

from __future__ import annotations

import json
import re
import subprocess
import sys

import cv2
import numpy as np

WIDTH, HEIGHT, FPS, FRAMES = 320, 240, 10.0, 20
# BGR colours, one per frame in turn; far apart so x264 artefacts cannot blur them.
PALETTE = [(255, 0, 0), (0, 255, 0), (0, 0, 255), (255, 255, 255)]


def main() -> int:
    path = sys.argv[1] if len(sys.argv) > 1 else "/tmp/opencv-gst-test.mp4"
    info = cv2.getBuildInformation()
    gstreamer = bool(re.search(r"GStreamer:\s+YES", info))
    pipeline = (
        # I420: 4:2:0 as every player (and openh264dec) decodes; BGR would give High 4:4:4.
        "appsrc ! videoconvert ! video/x-raw,format=I420 "
        "! x264enc tune=zerolatency speed-preset=ultrafast key-int-max=1 "
        f"! mp4mux ! filesink location={path}"
    )
    writer = cv2.VideoWriter(pipeline, cv2.CAP_GSTREAMER, 0, FPS, (WIDTH, HEIGHT))
    opened = writer.isOpened()
    frame = np.zeros((HEIGHT, WIDTH, 3), dtype=np.uint8)
    for index in range(FRAMES):
        frame[:] = PALETTE[index % len(PALETTE)]
        writer.write(frame)
    writer.release()

    capture = cv2.VideoCapture(path, cv2.CAP_GSTREAMER)
    decoded, sizes, colours_ok = 0, set(), True
    while True:
        ok, image = capture.read()
        if not ok:
            break
        expected = np.array(PALETTE[decoded % len(PALETTE)], dtype=float)
        mean = image.reshape(-1, 3).mean(axis=0)
        colours_ok &= bool(np.abs(mean - expected).max() < 40)
        sizes.add((image.shape[1], image.shape[0]))
        decoded += 1
    capture.release()
    # Independent of OpenCV: demux with GStreamer's own tools and read the stream caps.
    caps = subprocess.run(
        [
            "gst-launch-1.0",
            "-v",
            "filesrc",
            f"location={path}",
            "!",
            "qtdemux",
            "!",
            "h264parse",
            "!",
            "fakesink",
        ],
        capture_output=True,
        text=True,
        check=False,
    ).stdout
    result = {
        "cv2": cv2.__version__,
        "gstreamer_backend": gstreamer,
        "writer_opened": opened,
        "written": FRAMES,
        "decoded": decoded,
        "sizes": sorted(sizes),
        "colours_ok": colours_ok,
        "demuxed_h264": "video/x-h264" in caps,
        "demuxed_size": f"width=(int){WIDTH}" in caps and f"height=(int){HEIGHT}" in caps,
    }
    print(json.dumps(result))
    passed = gstreamer and opened and decoded == FRAMES and sizes == {(WIDTH, HEIGHT)}
    return 0 if passed and colours_ok and result["demuxed_h264"] and result["demuxed_size"] else 1


if __name__ == "__main__":
    sys.exit(main())
