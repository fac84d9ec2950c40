"""A single-slot, latest-frame-wins handover of frames between two threads."""

from __future__ import annotations

import threading

import cv2
import numpy as np

from backpack.spyglass.frame import Frame


class FrameMailbox:
    """Hands the newest frame from the producer (``put``) to the consumer (``take``).

    Two preallocated ``height x width x 3`` uint8 buffers are swapped; nothing is allocated per
    frame. ``put`` copies the caller's frame (resizing it when its size differs), so the caller's
    array is never modified nor retained. A frame not taken before the next ``put`` is replaced
    and counted in :attr:`dropped`.

    Example:
        >>> box = FrameMailbox(width=4, height=2)
        >>> box.put(np.zeros((2, 4, 3), np.uint8))
        >>> box.take(timeout=0).shape
        (2, 4, 3)
    """

    def __init__(self, width: int, height: int) -> None:
        self._size = (width, height)
        self._pending: Frame = np.zeros((height, width, 3), np.uint8)
        self._taken: Frame = np.zeros((height, width, 3), np.uint8)
        self._full = False
        self._closed = False
        self._cond = threading.Condition(threading.Lock())
        self.dropped = 0

    def put(self, frame: Frame) -> None:
        """Copy ``frame`` (validated uint8 HxWx3) into the mailbox, replacing an untaken one."""
        with self._cond:
            if frame.shape[1] == self._size[0] and frame.shape[0] == self._size[1]:
                np.copyto(self._pending, frame)
            else:
                cv2.resize(frame, self._size, dst=self._pending, interpolation=cv2.INTER_AREA)
            if self._full:
                self.dropped += 1
            self._full = True
            self._cond.notify()

    def take(self, timeout: float | None) -> Frame | None:
        """Wait up to ``timeout`` s for a frame; return it, or ``None`` on timeout or close.

        The returned buffer stays valid until the next ``take``.
        """
        with self._cond:
            if not self._full and not self._closed:
                self._cond.wait(timeout)
            if not self._full or self._closed:
                return None
            self._pending, self._taken = self._taken, self._pending
            self._full = False
            return self._taken

    def discard(self) -> None:
        """Drop a frame waiting in the mailbox, if any."""
        with self._cond:
            self._full = False

    def close(self) -> None:
        """Wake a waiting ``take`` and make it (and later ones) return ``None``."""
        with self._cond:
            self._closed = True
            self._cond.notify_all()

    def wake(self) -> None:
        """Wake a waiting ``take`` without a frame (it returns ``None``)."""
        with self._cond:
            self._cond.notify_all()
