"""Cameras: one reader thread per source (RTSP URL, video file, V4L2 device), newest frame wins.

Each :class:`Camera` opens its source with OpenCV's GStreamer backend, keeps only the newest
frame, and re-opens a failed RTSP or V4L2 source with exponential backoff; a video file plays
once at its own frame rate and then the camera is ``ENDED``. A dead camera only affects itself.
"""

from __future__ import annotations

import enum
import logging
import os
import threading
import time
import urllib.parse
from dataclasses import dataclass
from typing import Any

import cv2
from numpy.typing import NDArray

from backpack._gst_launch import quote
from backpack.spyglass.backoff import Backoff

_SINK = "videoconvert ! video/x-raw,format=BGR ! appsink"


class CameraKind(enum.Enum):
    """What a camera source is."""

    RTSP = "rtsp"
    FILE = "file"
    V4L2 = "v4l2"


class CameraStatus(enum.Enum):
    """Where a camera's reader is."""

    CONNECTING = "connecting"
    STREAMING = "streaming"
    DOWN = "down"
    ENDED = "ended"


@dataclass(frozen=True)
class CameraSource:
    """A camera given to ``--camera``: ``rtsp://...``, a video file, or ``/dev/videoN``.

    Example:
        >>> CameraSource.parse("rtsp://10.0.0.5:554/live").kind
        <CameraKind.RTSP: 'rtsp'>
    """

    uri: str
    kind: CameraKind

    @classmethod
    def parse(cls, text: str) -> CameraSource:
        """Classify ``text``.

        Raises:
            ValueError: ``text`` is not an RTSP URL, an existing file or a V4L2 device.
        """
        if text.startswith(("rtsp://", "rtsps://")):
            return cls(text, CameraKind.RTSP)
        if text.startswith("/dev/video"):
            return cls(text, CameraKind.V4L2)
        if os.path.isfile(text):
            return cls(os.path.abspath(text), CameraKind.FILE)
        raise ValueError(
            f"camera {text!r} is not an rtsp:// URL, an existing video file or a /dev/video* "
            "V4L2 device"
        )

    @property
    def display(self) -> str:
        """The URI without credentials, for logs."""
        if self.kind is not CameraKind.RTSP:
            return self.uri
        parts = urllib.parse.urlsplit(self.uri)
        netloc = parts.netloc.rpartition("@")[2]
        return urllib.parse.urlunsplit(parts._replace(netloc=netloc))

    def pipeline(self) -> str:
        """The GStreamer pipeline OpenCV opens for this source."""
        if self.kind is CameraKind.RTSP:
            return (
                f"rtspsrc location={quote(self.uri)} latency=0 protocols=tcp "
                f"tcp-timeout=5000000 ! decodebin ! {_SINK} drop=true max-buffers=1 sync=false"
            )
        if self.kind is CameraKind.V4L2:
            return f"v4l2src device={quote(self.uri)} ! {_SINK} drop=true max-buffers=1 sync=false"
        # sync=true plays the file at its own rate, like a camera.
        return f"filesrc location={quote(self.uri)} ! decodebin ! {_SINK} sync=true"


@dataclass(frozen=True)
class CameraFrame:
    """The newest frame of a camera: image, sequence number (1, 2 ...) and capture time."""

    image: NDArray[Any]
    sequence: int
    time_stamp: tuple[int, int]
    monotonic: float


class Camera:
    """Reads one source in a daemon thread; :meth:`latest` returns the newest frame.

    Args:
        source: the camera.
        stream_id: the id frames carry (``camera_0`` ...).
        backoff: delays between attempts to (re-)open a failed RTSP/V4L2 source.
        changed: notified whenever a frame arrives or the status changes.
    """

    def __init__(
        self,
        source: CameraSource,
        stream_id: str,
        changed: threading.Condition,
        backoff: Backoff = Backoff(initial=0.5, maximum=10.0),  # noqa: B008 (immutable value)
    ) -> None:
        self.source = source
        self.stream_id = stream_id
        self._backoff = backoff
        self._changed = changed
        self._logger = logging.getLogger(__name__)
        self._stopping = threading.Event()
        self._latest: CameraFrame | None = None
        self._status = CameraStatus.CONNECTING
        self.frames_read = 0
        self.reconnects = 0
        self.fps = 0.0
        self.interval = 1 / 30
        self._thread = threading.Thread(target=self._run, name=f"camera-{stream_id}", daemon=True)

    @property
    def status(self) -> CameraStatus:
        """Where the reader is."""
        return self._status

    def latest(self) -> CameraFrame | None:
        """The newest frame read so far (``None`` before the first)."""
        return self._latest

    def start(self) -> None:
        """Start reading."""
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        """Ask the reader to stop and wait up to ``timeout`` s (a blocked read may outlive it)."""
        self._stopping.set()
        if self._thread.is_alive():
            self._thread.join(timeout)

    def _set_status(self, status: CameraStatus, reason: str = "") -> None:
        if status is not self._status:
            log = self._logger.warning if status is CameraStatus.DOWN else self._logger.info
            log("%s %s: %s%s", self.stream_id, self.source.display, status.value, reason)
        with self._changed:
            self._status = status
            self._changed.notify_all()

    def _run(self) -> None:
        attempt = 0
        while not self._stopping.is_set():
            capture = cv2.VideoCapture(self.source.pipeline(), cv2.CAP_GSTREAMER)
            if capture.isOpened():
                source_fps = capture.get(cv2.CAP_PROP_FPS)
                self.fps = source_fps if 0 < source_fps <= 240 else 0.0
                if self._read(capture):
                    attempt = 0
            capture.release()
            if self._stopping.is_set():
                break
            if self.source.kind is CameraKind.FILE and self.frames_read:
                self._set_status(CameraStatus.ENDED, " end of file")
                return
            delay = self._backoff.delay(attempt)
            attempt += 1
            self._set_status(CameraStatus.DOWN, f" (retrying in {delay:.1f} s)")
            if self._stopping.wait(delay):
                break
            self.reconnects += 1
        self._set_status(CameraStatus.ENDED, " stopped")

    def _read(self, capture: cv2.VideoCapture) -> bool:
        """Read until the source fails; whether any frame came."""
        got_any = False
        while not self._stopping.is_set():
            ok, image = capture.read()
            if not ok:
                return got_any
            now = time.time()
            seconds = int(now)
            self.frames_read += 1
            latest = self._latest
            if latest is not None and got_any:
                gap = time.monotonic() - latest.monotonic
                self.interval = 0.9 * self.interval + 0.1 * gap
            frame = CameraFrame(
                image,
                self.frames_read,
                (seconds, int((now - seconds) * 1_000_000)),
                time.monotonic(),
            )
            with self._changed:
                self._latest = frame
                self._status = CameraStatus.STREAMING
                self._changed.notify_all()
            if not got_any:
                got_any = True
                self._logger.info(
                    "%s %s: streaming %dx%d",
                    self.stream_id,
                    self.source.display,
                    image.shape[1],
                    image.shape[0],
                )
        return got_any
