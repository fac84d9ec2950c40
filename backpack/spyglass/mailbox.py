"""A single-slot, latest-frame-wins handover of frames between two threads."""

from __future__ import annotations

import os
import queue
import threading

import cv2
import numpy as np

from backpack.spyglass.frame import Frame

SLICE_BYTES = 128 * 1024
"""Bytes copied between two yields while the producer outpaces the consumer."""


class FrameMailbox:
    """Hands the newest frame from the producer (``put``) to the consumer (``take``).

    Three preallocated ``height x width x 3`` uint8 buffers rotate (triple buffering): ``put``
    copies the caller's frame (resizing it when its size differs) into the producer's buffer
    *outside* the lock (the copy runs without the GIL), then swaps it with the pending one;
    ``take`` swaps the pending buffer with the consumer's. The lock guards only those swaps
    and the consumer is woken through a C-level queue (one token per empty-to-full change),
    so a producer calling ``put`` flat out never keeps the consumer waiting for a lock or for
    the GIL. No image buffer is allocated per frame; the caller's array is never modified nor
    retained. A frame not taken before the next ``put`` is replaced and counted in
    :attr:`dropped`.

    A producer faster than the consumer (the pending frame is still untaken, so the consumer
    is busy and this frame will most likely be replaced too) copies in slices of about
    :data:`SLICE_BYTES` and yields the CPU (``sched_yield``, no sleep) after each: a thread
    woken meanwhile on this CPU (the consumer, or the encoder threads it feeds) runs at once
    instead of after a whole frame's copy. Once the consumer has taken the pending frame
    (it waits for this one), the rest is copied without yielding. The frame is complete in
    the mailbox before ``put`` returns either way.

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
        rows = max(1, SLICE_BYTES // (width * 3))
        self._rows = [(top, min(top + rows, height)) for top in range(0, height, rows)]
        # Each buffer's row slices, made once (views: they follow the buffers' rotation).
        self._slices = {
            id(buffer): [buffer[top:bottom] for top, bottom in self._rows]
            for buffer in (self._filling, self._pending, self._taken)
        }
        self._full = False  # _pending holds a frame not taken yet
        self._closed = False
        self._lock = threading.Lock()
        self._wakeups: queue.SimpleQueue[bool] = queue.SimpleQueue()
        self.dropped = 0

    def put(self, frame: Frame) -> bool:
        """Copy ``frame`` (validated uint8 HxWx3) into the mailbox; True if it replaced one."""
        filling = self._filling
        if frame.shape[1] == self._size[0] and frame.shape[0] == self._size[1]:
            if self._full and len(self._rows) > 1:  # unlocked read: only a hint
                self._copy_yielding(filling, frame)
            else:
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

    def _copy_yielding(self, filling: Frame, frame: Frame) -> None:
        """Copy ``frame`` into ``filling`` slice by slice, yielding while the consumer is busy."""
        for (top, bottom), part in zip(self._rows, self._slices[id(filling)]):
            np.copyto(part, frame[top:bottom])
            if self._full:
                os.sched_yield()

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
