"""A single-slot, latest-frame-wins handover of frames between two threads."""

from __future__ import annotations

import queue
import threading

import cv2
import numpy as np

from backpack.spyglass.frame import Frame


class FrameMailbox:
    """Hands the newest frame from the producer (``put``) to the consumer (``take``).

    Three preallocated ``height x width x 3`` uint8 buffers rotate (triple buffering): ``put``
    copies the caller's frame (resizing it when its size differs) into the producer's buffer
    *outside* the lock (the copy runs without the GIL), then swaps it with the pending one;
    ``take`` swaps the pending buffer with the consumer's. The lock guards only those swaps
    and the consumer is woken through a C-level queue (one token per empty-to-full change),
    so a producer calling ``put`` flat out never keeps the consumer waiting for a lock or for
    the GIL. Nothing is allocated per frame; the caller's array is never modified nor
    retained. A frame not taken before the next ``put`` is replaced and counted in
    :attr:`dropped`.

    One thread puts, one thread takes.

    Example:
        >>> box = FrameMailbox(width=4, height=2)
        >>> box.put(np.zeros((2, 4, 3), np.uint8))
        False
        >>> box.take(timeout=0).shape
        (2, 4, 3)
    """

    def __init__(self, width: int, height: int) -> None:
        self._size = (width, height)
        self._filling: Frame = np.zeros((height, width, 3), np.uint8)  # producer's
        self._pending: Frame = np.zeros((height, width, 3), np.uint8)  # under the lock
        self._taken: Frame = np.zeros((height, width, 3), np.uint8)  # consumer's
        self._full = False  # _pending holds a frame not taken yet
        self._closed = False
        self._lock = threading.Lock()
        self._wakeups: queue.SimpleQueue[bool] = queue.SimpleQueue()
        self.dropped = 0

    def put(self, frame: Frame) -> bool:
        """Copy ``frame`` (validated uint8 HxWx3) into the mailbox; True if it replaced one."""
        filling = self._filling
        if frame.shape[1] == self._size[0] and frame.shape[0] == self._size[1]:
            np.copyto(filling, frame)
        else:
            cv2.resize(frame, self._size, dst=filling, interpolation=cv2.INTER_AREA)
        with self._lock:
            self._filling, self._pending = self._pending, filling
            replaced, self._full = self._full, True
        if replaced:
            self.dropped += 1
        else:
            self._wakeups.put(True)
        return replaced

    def take(self, timeout: float | None) -> Frame | None:
        """Wait up to ``timeout`` s for a frame; return it, or ``None`` when there is none.

        After :meth:`close` it returns the frame still pending without waiting, then
        ``None``. The returned buffer stays valid until the next ``take``.
        """
        if not self._closed:
            try:
                self._wakeups.get(timeout=timeout)
            except queue.Empty:
                return None
        with self._lock:
            if not self._full:
                return None
            self._pending, self._taken = self._taken, self._pending
            self._full = False
        return self._taken

    def discard(self) -> None:
        """Forget the pending frame (the consumer no longer wants it; the preview's last
        viewer left). A ``take`` woken for it returns ``None``."""
        with self._lock:
            self._full = False

    def close(self) -> None:
        """Wake a waiting ``take``; later ones return the pending frame, then ``None``."""
        self._closed = True
        self._wakeups.put(False)
