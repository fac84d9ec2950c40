"""Helpers for the SpyGlass tests: known frame content, decoding, ports, bounded waits.

Frames are solid colors from :data:`PALETTE` (robust to H.264 compression), so a decoded
frame's mean color tells which frame it was.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import av
import numpy as np

PALETTE: tuple[tuple[int, int, int], ...] = (
    (0, 0, 255),
    (0, 255, 0),
    (255, 0, 0),
    (0, 255, 255),
    (255, 0, 255),
    (255, 255, 0),
    (255, 255, 255),
    (0, 0, 0),
)
"""BGR colors, far apart from each other."""

COLOR_TOLERANCE = 20.0
"""Max per-channel difference between a decoded frame's mean color and the color put."""


def color_frame(index: int, width: int, height: int) -> np.ndarray:
    """A ``height x width`` BGR frame filled with ``PALETTE[index % len(PALETTE)]``."""
    frame = np.empty((height, width, 3), np.uint8)
    frame[:] = PALETTE[index % len(PALETTE)]
    return frame


def mean_color(frame: np.ndarray) -> tuple[float, float, float]:
    """Mean BGR color of a frame (center region, away from chroma-subsampling edges)."""
    height, width = frame.shape[:2]
    center = frame[height // 4 : 3 * height // 4, width // 4 : 3 * width // 4]
    b, g, r = center.reshape(-1, 3).mean(axis=0)
    return float(b), float(g), float(r)


def palette_index(frame: np.ndarray) -> int | None:
    """Index of the palette color the frame shows, or None if it matches none."""
    color = np.array(mean_color(frame))
    for index, expected in enumerate(PALETTE):
        if np.abs(color - np.array(expected)).max() <= COLOR_TOLERANCE:
            return index
    return None


@dataclass(frozen=True)
class DecodedVideo:
    """Frames (BGR) and stream properties of a decoded video file."""

    frames: list[np.ndarray]
    width: int
    height: int
    rate: float


def assert_file_rate(rate: float, expected: float) -> None:
    """A written file's frame rate is ``expected`` (1 %). OpenCV 5.0 hands GStreamer the
    writer's fps truncated to an integer (cap_gstreamer.cpp, gst_util_uint64_scale_int), so
    under cv2 >= 5 the file may run up to one frame per second slower than asked."""
    import cv2

    if int(cv2.__version__.split(".")[0]) >= 5:
        assert expected - 1 - 0.01 * expected <= rate <= expected * 1.01, (rate, expected)
    else:
        assert abs(rate - expected) <= 0.01 * expected, (rate, expected)


def decode_file(path: str) -> DecodedVideo:
    """Decode every video frame of ``path`` with PyAV (FFmpeg)."""
    with av.open(path) as container:
        stream = container.streams.video[0]
        frames = [frame.to_ndarray(format="bgr24") for frame in container.decode(stream)]
        rate = float(stream.average_rate or stream.guessed_rate or 0)
        return DecodedVideo(frames, stream.codec_context.width, stream.codec_context.height, rate)


def decode_rtsp(url: str, count: int, timeout: float = 20.0) -> list[np.ndarray]:
    """Pull and decode ``count`` frames from an RTSP ``url`` (TCP transport) with PyAV."""
    options = {"rtsp_transport": "tcp", "stimeout": str(int(timeout * 1e6))}
    frames: list[np.ndarray] = []
    with av.open(url, options=options, timeout=timeout) as container:
        deadline = time.monotonic() + timeout
        for frame in container.decode(video=0):
            frames.append(frame.to_ndarray(format="bgr24"))
            if len(frames) >= count or time.monotonic() > deadline:
                break
    return frames


def free_port(kind: int = socket.SOCK_STREAM) -> int:
    """A port on 127.0.0.1 that is free right now (TCP by default)."""
    with socket.socket(socket.AF_INET, kind) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for(predicate: Callable[[], Any], timeout: float, interval: float = 0.01) -> bool:
    """Poll ``predicate`` until it is truthy or ``timeout`` s passed; return the last result."""
    deadline = time.monotonic() + timeout
    while True:
        if predicate():
            return True
        if time.monotonic() > deadline:
            return False
        time.sleep(interval)


def put_all(spyglass: Any, frames: Iterable[np.ndarray], timeout: float = 10.0) -> None:
    """Put frames one by one, each after the previous one was written (so none is dropped)."""
    for frame in frames:
        target = spyglass.written_frames + 1
        assert spyglass.put(frame)
        assert wait_for(lambda t=target: spyglass.written_frames >= t, timeout), "not written"


class FakeClock:
    """A clock advancing by ``step`` seconds each time it is read."""

    def __init__(self, step: float) -> None:
        self.step = step
        self.now = 1000.0

    def __call__(self) -> float:
        self.now += self.step
        return self.now


class Feeder:
    """Puts frames into a SpyGlass from a thread at ``fps``, like a frame loop would.

    ``color`` (a palette index) can be changed while running; :attr:`max_put_seconds` is the
    longest ``put()`` call seen. Use as a context manager.
    """

    def __init__(
        self, spyglass: Any, width: int, height: int, fps: float = 25.0, color: int = 0
    ) -> None:
        self.spyglass = spyglass
        self.color = color
        self.puts = 0
        self.max_put_seconds = 0.0
        self._frames = [color_frame(i, width, height) for i in range(len(PALETTE))]
        self._interval = 1 / fps
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="feeder", daemon=True)

    def __enter__(self) -> Feeder:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(10)

    def _run(self) -> None:
        while not self._stop.is_set():
            started = time.monotonic()
            self.spyglass.put(self._frames[self.color % len(PALETTE)])
            self.max_put_seconds = max(self.max_put_seconds, time.monotonic() - started)
            self.puts += 1
            self._stop.wait(self._interval)
