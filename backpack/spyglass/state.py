"""The life-cycle states of a SpyGlass."""

from __future__ import annotations

import enum


class SpyGlassState(enum.Enum):
    """Where a :class:`~backpack.spyglass.SpyGlass` is in its life cycle.

    ``STOPPED``: not streaming (initial state, and after ``stop_streaming()``).
    ``START_WARMUP``: streaming was requested; waiting for the first frame (frame rate or size
    unknown) or for the pipeline to open. ``WARMUP``: measuring frame rate and size from the
    incoming frames (and, once measured, until the pipeline is open).
    ``STREAMING``: the pipeline is open and frames are being written.
    ``ERROR``: the pipeline could not be opened or failed; it is re-opened with backoff.
    """

    STOPPED = "stopped"
    START_WARMUP = "start_warmup"
    WARMUP = "warmup"
    STREAMING = "streaming"
    ERROR = "error"
