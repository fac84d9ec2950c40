"""The preview's frame hub: the app's newest frame, encoded once to JPEG, shared by all viewers.

Frames are copied only while a viewer is connected (into the two preallocated buffers of a
:class:`~backpack.spyglass.mailbox.FrameMailbox`); one encoder thread turns the newest of them
into a JPEG, at most once per new frame, whatever the number of viewers. Viewers wait for a
sequence number newer than the one they sent last, so a slow viewer skips frames instead of
queueing them: memory is one frame pair and one JPEG.
"""

from __future__ import annotations

import logging
import threading

import cv2

from backpack.spyglass.frame import Frame
from backpack.spyglass.mailbox import FrameMailbox

_logger = logging.getLogger(__name__)
_IDLE_WAIT = 0.5  # s, longest the encoder sleeps without checking for stop


class MjpegHub:
    """Newest frame in (``put``), newest JPEG out (``wait_jpeg``), viewers counted.

    Args:
        width: frame width served (other sizes are resized).
        height: frame height served.
        quality: JPEG quality, 1..100.
    """

    def __init__(self, width: int, height: int, quality: int) -> None:
        self._mailbox = FrameMailbox(width, height)
        self._params = [int(cv2.IMWRITE_JPEG_QUALITY), quality]
        self._cond = threading.Condition(threading.Lock())
        self._jpeg = b""
        self._sequence = 0
        self._viewers = 0
        self._closed = False
        self.encoded = 0
        self._thread = threading.Thread(target=self._encode_loop, name="preview-encoder")
        self._thread.daemon = True
        self._thread.start()

    @property
    def viewers(self) -> int:
        """Viewers connected right now."""
        return self._viewers

    def put(self, frame: Frame) -> None:
        """Offer a validated frame: copied only when someone watches; never blocks long."""
        if self._viewers:
            self._mailbox.put(frame)

    def add_viewer(self) -> None:
        """A viewer connected."""
        with self._cond:
            self._viewers += 1

    def remove_viewer(self) -> None:
        """A viewer left (or vanished)."""
        with self._cond:
            self._viewers -= 1
            if not self._viewers:
                self._jpeg = b""  # stale for the next viewer
                self._mailbox.discard()

    def wait_jpeg(self, after: int, timeout: float) -> tuple[int, bytes] | None:
        """The newest JPEG once its sequence number exceeds ``after``; ``None`` on timeout/close."""
        with self._cond:
            self._cond.wait_for(
                lambda: self._closed or (self._sequence > after and bool(self._jpeg)), timeout
            )
            if self._closed or self._sequence <= after or not self._jpeg:
                return None
            return self._sequence, self._jpeg

    def close(self) -> None:
        """Stop the encoder and wake every waiting viewer."""
        with self._cond:
            self._closed = True
            self._cond.notify_all()
        self._mailbox.close()
        self._thread.join(5)

    def _encode_loop(self) -> None:
        while not self._closed:
            frame = self._mailbox.take(_IDLE_WAIT)
            if frame is None:
                continue
            ok, buffer = cv2.imencode(".jpg", frame, self._params)
            if not ok:
                _logger.warning("JPEG encoding failed; frame skipped")
                continue
            jpeg = buffer.tobytes()
            with self._cond:
                if not self._viewers:
                    continue
                self._jpeg = jpeg
                self._sequence += 1
                self.encoded += 1
                self._cond.notify_all()
