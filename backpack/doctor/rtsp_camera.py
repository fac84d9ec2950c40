"""Check of an RTSP camera: open it through OpenCV's GStreamer backend and read frames.

The capture runs in a daemon thread that the check waits for at most ``timeout`` seconds, so a
camera that never answers cannot stall the doctor.
"""

from __future__ import annotations

import threading
import time
import urllib.parse
from dataclasses import dataclass

from backpack.doctor.check import Check

_FIX = "check the URL, credentials in it, the network path and that the camera serves H.264"


@dataclass(frozen=True)
class CameraSample:
    """What reading the camera gave: frame count, size, measured fps, or the error."""

    frames: int = 0
    width: int = 0
    height: int = 0
    fps: float = 0.0
    error: str | None = None


def _pipeline(url: str) -> str:
    quoted = url.replace('"', "%22")
    return (
        f'rtspsrc location="{quoted}" protocols=tcp latency=200 ! decodebin ! videoconvert ! '
        "video/x-raw,format=BGR ! appsink max-buffers=2 drop=true sync=false"
    )


def _read(url: str, count: int, result: list[CameraSample]) -> None:
    import cv2

    capture = cv2.VideoCapture(_pipeline(url), cv2.CAP_GSTREAMER)
    try:
        if not capture.isOpened():
            result.append(CameraSample(error="cannot open the stream"))
            return
        stamps: list[float] = []
        shape: tuple[int, ...] = ()
        while len(stamps) < count:
            ok, frame = capture.read()
            if not ok:
                break
            stamps.append(time.monotonic())
            shape = frame.shape
        if not stamps:
            result.append(CameraSample(error="opened, but no frame could be read"))
            return
        span = stamps[-1] - stamps[0]
        fps = (len(stamps) - 1) / span if span > 0 else 0.0
        result.append(CameraSample(len(stamps), int(shape[1]), int(shape[0]), fps))
    finally:
        capture.release()


def sample_camera(url: str, count: int = 30, timeout: float = 20.0) -> CameraSample:
    """Read up to ``count`` frames from ``url`` within ``timeout`` seconds."""
    result: list[CameraSample] = []
    thread = threading.Thread(
        target=_read, args=(url, count, result), name="doctor-camera", daemon=True
    )
    thread.start()
    thread.join(timeout)
    if not result:
        return CameraSample(error=f"no answer within {timeout:.0f} s")
    return result[0]


def redact(url: str) -> str:
    """``url`` with the password (if any) replaced by ``***``.

    Example:
        >>> redact("rtsp://admin:secret@10.0.0.7:554/stream1")
        'rtsp://admin:***@10.0.0.7:554/stream1'
    """
    parts = urllib.parse.urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return urllib.parse.urlunsplit(parts._replace(netloc=netloc))


def check_camera(url: str, count: int = 30, timeout: float = 20.0) -> Check:
    """Open an ``rtsp://`` camera, read frames, report resolution and measured fps."""
    shown = redact(url)
    if not url.startswith(("rtsp://", "rtsps://")):
        return Check.failed(
            "camera", f"{shown!r} is not an RTSP URL", "pass --camera rtsp://HOST:PORT/PATH"
        )
    sample = sample_camera(url, count, timeout)
    if sample.error is not None:
        return Check.failed("camera", f"{shown}: {sample.error}", _FIX)
    finding = (
        f"{shown}: {sample.width}x{sample.height}, {sample.fps:.1f} fps measured over "
        f"{sample.frames} frames"
    )
    if sample.frames < count:
        return Check.warning("camera", finding + f" (stream ended before {count})", _FIX)
    return Check.ok("camera", finding)
