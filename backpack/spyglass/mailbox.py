"""A single-slot, latest-frame-wins handover of frames between two threads."""

from __future__ import annotations

import threading

import cv2
import numpy as np

from backpack.spyglass.frame import Frame


class FrameMailbox:
    """Hands the newest frame from the producer (``put``) to the consumer (``take``).

    Three preallocated ``height x width x 3`` uint8 buffers rotate (triple buffering): ``put``
    copies the caller's frame (resizing it when its size differs) into the producer's buffer
    *outside* the lock, then swaps it with the pending one; ``take`` swaps the pending buffer
    with the consumer's. The lock is only held for those swaps, so a producer calling ``put``
    flat out never keeps the consumer waiting for a copy, and nothing is allocated per frame.
    The caller's array is never modified nor retained. A frame not taken before the next
    ``put`` is replaced and counted in :attr:`dropped`.

    One thread puts, one thread takes.

    Example:
        >>> box = FrameMailbox(width=4, height=2)
        >>> box.put(np.zeros((2, 4, 3), np.uint8))
        >>> box.take(timeout=0).shape
        (2, 4, 3)
    """

    def __init__(self, width: int, height: int) -> None:
        self._size = (width, height)
        self._filling: Frame = np.zeros((height, width, 3), np.uint8)  # producer's
        self._pending: Frame = np.zeros((height, width, 3), np.uint8)  # under the lock
        self._taken: Frame = np.zeros((height, width, 3), np.uint8)  # consumer's
        self._full = False
        self._closed = False
        self._cond = threading.Condition(threading.Lock())
        self.dropped = 0

    def put(self, frame: Frame) -> None:
        """Copy ``frame`` (validated uint8 HxWx3) into the mailbox, replacing an untaken one."""
        filling = self._filling
        if frame.shape[1] == self._size[0] and frame.shape[0] == self._size[1]:
            np.copyto(filling, frame)
        else:
            cv2.resize(frame, self._size, dst=filling, interpolation=cv2.INTER_AREA)
        with self._cond:
            self._filling, self._pending = self._pending, filling
            if self._full:
                self.dropped += 1
            self._full = True
            self._cond.notify()

    def take(self, timeout: float | None) -> Frame | None:
        """Wait up to ``timeout`` s for a frame; return it, or ``None`` when there is none.

        After :meth:`close` it returns the frame still pending without waiting, then
        ``None``. The returned buffer stays valid until the next ``take``.
        """
        with self._cond:
            if not self._full and not self._closed:
                self._cond.wait(timeout)
            if not self._full:
                return None
            self._pending, self._taken = self._taken, self._pending
            self._full = False
            return self._taken

    def close(self) -> None:
        """Wake a waiting ``take``; later ones return the pending frame, then ``None``."""
        with self._cond:
            self._closed = True
            self._cond.notify_all()
