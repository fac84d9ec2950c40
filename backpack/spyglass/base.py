"""SpyGlass: restream processed frames through a GStreamer pipeline opened by OpenCV.

This module holds the public API, the warmup and the life-cycle state; the streaming engine
(thread, open/close/rescue, retry, stall detection) is :mod:`backpack.spyglass.stream`. Which
thread owns what: ``docs/design.md`` (backpack.spyglass).
"""

from __future__ import annotations

import abc
import atexit
import logging
import os
import threading
import time
import weakref
from collections.abc import Callable

from backpack._checks import optional_dimension, optional_fps
from backpack._types import PathLike
from backpack.spyglass.backlog import FrameBacklog
from backpack.spyglass.backoff import Backoff
from backpack.spyglass.environment import load_environment
from backpack.spyglass.frame import Frame, check_frame
from backpack.spyglass.state import SpyGlassState
from backpack.spyglass.stream import InstanceLog, StreamSession, StreamSettings
from backpack.spyglass.warmup import StreamFormat, Warmup

_EXIT_STOP_TIMEOUTS = 3  # at exit, open SpyGlasses get this many stop_timeouts to finish

_logger = logging.getLogger(__name__)


class SpyGlass(abc.ABC):
    """Streams frames to a GStreamer pipeline (``appsrc ! ...``) through ``cv2.VideoWriter``.

    Subclasses implement :meth:`_get_pipeline` (encoder and sink) and may override the hooks
    :meth:`_on_start`, :meth:`_on_stop`, :meth:`_redact`, :meth:`_check_sink` and
    :meth:`_explain_open_failure`.

    The frame loop never waits for the pipeline: :meth:`put` validates the frame, copies it
    (resizing when needed) into a single-slot mailbox and returns; a streaming thread writes
    the newest frame (older untaken ones are dropped and counted in :attr:`dropped_frames`).
    When the pipeline fails to open or fails later (an ERROR message on its bus, a sink
    check failing, or a write blocked longer than ``stall_timeout``), the state becomes
    ``ERROR``, the error is logged, and the pipeline is re-opened with exponential
    ``backoff`` until it works again.

    When fps, width or height are not given (neither here nor to :meth:`start_streaming`),
    the first ``warmup_frames`` frames are used to measure them and are not streamed. A
    measured rate outside :data:`~backpack.spyglass.warmup.MEASURABLE_FPS` (frames fed in a
    burst, from a list or a file) is replaced by
    :data:`~backpack.spyglass.warmup.FALLBACK_FPS`, with a warning. When streaming stops
    before the warmup ends, the frames put so far are written (at the rate measured so far)
    rather than lost; copies of them are kept meanwhile (up to
    :data:`~backpack.spyglass.backlog.BACKLOG_BYTES`).

    Frames the user put are written before the pipeline ends: :meth:`stop_streaming` writes
    the frame still waiting in the mailbox, and at interpreter exit every SpyGlass still
    streaming is stopped (files finalized), within ``3 x stop_timeout`` s. (Not when the
    process is killed by a signal without a Python handler, e.g. SIGKILL or SIGTERM.)

    Logs go to the ``backpack.spyglass.base`` logger (configure ``logging.getLogger("backpack")``),
    each message starting with the class name, e.g. ``"FileSpyGlass: Streaming ..."``.

    Args:
        fps: output frame rate (may be fractional, e.g. 29.97); measured when ``None``.
        width: output frame width; measured when ``None``. Frames of other sizes are resized.
        height: output frame height; measured when ``None``.
        warmup_frames: frames used to measure the missing parameters (>= 2).
        dotenv_path: .env file loaded into ``os.environ`` now (e.g. ``GST_PLUGIN_PATH``);
            see :mod:`backpack.spyglass.environment` for the caveats.
        clock: time source (seconds) for the frame-rate measurement.
        backoff: delays between attempts to re-open a failed pipeline.
        stall_timeout: a write blocked this long (s) is a failure: the pipeline is stopped.
        stop_timeout: how long (s) :meth:`stop_streaming` waits for the pipeline to finish
            (EOS) before stopping it forcibly.
        open_timeout: how long (s) :meth:`start_streaming` waits for the first open attempt
            when the format is known.

    Example::

        spyglass = FileSpyGlass("/tmp/out.mp4", fps=25, width=640, height=480)
        spyglass.start_streaming()
        spyglass.put(frame)
        spyglass.stop_streaming()
    """

    def __init__(
        self,
        fps: float | None = None,
        width: int | None = None,
        height: int | None = None,
        *,
        warmup_frames: int = 100,
        dotenv_path: PathLike | None = None,
        clock: Callable[[], float] = time.monotonic,
        backoff: Backoff = Backoff(),  # noqa: B008 (immutable value)
        stall_timeout: float = 5.0,
        stop_timeout: float = 10.0,
        open_timeout: float = 10.0,
    ) -> None:
        self._logger = _logger  # the plain module logger, for subclasses that need a Logger
        self._log = InstanceLog(_logger, type(self).__name__)
        self._fps = optional_fps(fps)
        self._width = optional_dimension("width", width)
        self._height = optional_dimension("height", height)
        self._warmup = Warmup(warmup_frames, clock)
        if not isinstance(backoff, Backoff):
            raise TypeError(f"backoff must be a Backoff, got {type(backoff).__name__}")
        for name, value in (
            ("stall_timeout", stall_timeout),
            ("stop_timeout", stop_timeout),
            ("open_timeout", open_timeout),
        ):
            if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
                raise ValueError(f"{name} must be a positive number of seconds, got {value!r}")
        self._settings = StreamSettings(backoff, float(stall_timeout), float(stop_timeout))
        self._stop_timeout = float(stop_timeout)
        self._open_timeout = float(open_timeout)
        self._lock = threading.Lock()
        self._state = SpyGlassState.STOPPED
        self._session: StreamSession | None = None
        self._requested: tuple[float | None, int | None, int | None] = (None, None, None)
        self._backlog = FrameBacklog()
        self._dropped_before = 0
        self._written_before = 0
        if dotenv_path is not None:
            load_environment(dotenv_path)

    # -- public API ---------------------------------------------------------------------------

    @property
    def state(self) -> SpyGlassState:
        """The current :class:`SpyGlassState`."""
        return self._state

    @property
    def stream_format(self) -> StreamFormat | None:
        """Frame rate and size of the current stream (``None`` until known)."""
        session = self._session
        return session.format if session is not None else None

    @property
    def dropped_frames(self) -> int:
        """Frames accepted by :meth:`put` but never written (replaced by a newer frame)."""
        session = self._session
        return self._dropped_before + (session.mailbox.dropped if session is not None else 0)

    @property
    def written_frames(self) -> int:
        """Frames written to a pipeline since this object was created."""
        session = self._session
        return self._written_before + (session.written if session is not None else 0)

    def start_streaming(
        self,
        fps: float | None = None,
        width: int | None = None,
        height: int | None = None,
    ) -> None:
        """Start streaming; parameters given here override those given to ``__init__``.

        If fps, width and height are all known the pipeline is opened right away (this call
        waits up to ``open_timeout`` for the first attempt; the state is then ``STREAMING``
        or ``ERROR``), otherwise the state becomes ``START_WARMUP``. Calling it while
        streaming restarts the stream.
        """
        requested = (
            optional_fps(fps) if fps is not None else self._fps,
            optional_dimension("width", width) if width is not None else self._width,
            optional_dimension("height", height) if height is not None else self._height,
        )
        if self._state is not SpyGlassState.STOPPED:
            self._log.warning("start_streaming() while %s: restarting", self._state.name)
            self.stop_streaming()
        self._requested = requested
        self._warmup.reset()
        self._backlog.clear()
        _open_spyglasses.add(self)
        req_fps, req_width, req_height = requested
        if req_fps is not None and req_width is not None and req_height is not None:
            self._state = SpyGlassState.START_WARMUP  # until the streaming thread opens it
            session = self._launch(StreamFormat(req_fps, req_width, req_height))
            session.first_attempt.wait(self._open_timeout)
        else:
            self._state = SpyGlassState.START_WARMUP
            self._log.info(
                "Warming up: measuring %s from %d frames",
                ", ".join(
                    name for name, value in zip(("fps", "size"), (req_fps, req_width)) if not value
                )
                or "size",
                self._warmup_needed(),
            )

    def put(self, frame: Frame) -> bool:
        """Hand over a frame (uint8 HxWx3 BGR); never blocks on the pipeline.

        The frame is copied: the caller may reuse or modify it right after this returns.
        Call it from one thread (the frame loop). A loop that outpaces the pipeline (this
        frame replaced one not written yet) pauses about 0.1 ms, a fixed sleep that waits for
        nothing, so that the encoder threads get the CPU.

        Returns:
            True if the frame was queued to a running pipeline, False if it was not streamed
            (stopped, warming up, or the pipeline is in error).

        Raises:
            TypeError: ``frame`` is not a uint8 numpy array.
            ValueError: ``frame`` is not a non-empty HxWx3 image.
        """
        check_frame(frame)
        session = self._session
        if session is not None:
            session.put(frame)
            return self._state is SpyGlassState.STREAMING
        state = self._state
        if state is SpyGlassState.START_WARMUP:
            self._state = SpyGlassState.WARMUP
        elif state is not SpyGlassState.WARMUP:
            return False
        self._warm_up(frame)
        return False

    def stop_streaming(self) -> None:
        """Stop streaming: the last frame put is written, the pipeline gets EOS and is closed.

        Stopped during the warmup, the frames put so far are written first, at the requested
        rate, the rate measured so far, or :data:`~backpack.spyglass.warmup.FALLBACK_FPS`.
        Waits up to ``stop_timeout`` for the pipeline to finish (longer while the warmup's
        frames are being written, as long as each ``stop_timeout`` sees one written), then
        stops it forcibly.
        """
        with self._lock:
            session, self._session = self._session, None
            self._state = SpyGlassState.STOPPED
        _open_spyglasses.discard(self)
        if session is None and len(self._backlog):
            session = self._launch_backlog()
        self._warmup.reset()
        self._backlog.clear()
        if session is None:
            return
        session.stop()
        self._dropped_before += session.mailbox.dropped
        self._written_before += session.written

    # -- subclass contract --------------------------------------------------------------------

    @abc.abstractmethod
    def _get_pipeline(self, fps: float, width: int, height: int) -> str:
        """Return the GStreamer pipeline description, starting with ``appsrc``.

        Called in the streaming thread for each attempt to open the pipeline (also when
        re-opening after an error), right after :meth:`_on_start`. ``appsrc`` receives BGR
        frames of ``width`` x ``height`` at ``fps``; the subclass chooses encoder and sink.
        An exception counts as a failed attempt (logged, retried with backoff).
        """

    def _on_start(self) -> None:  # noqa: B027 (optional hook)
        """Hook called in the streaming thread before each attempt to open the pipeline.

        Always paired with one later :meth:`_on_stop` call (also when the attempt fails, and
        when this hook raises: the attempt then fails).
        """

    def _on_stop(self) -> None:  # noqa: B027 (optional hook)
        """Hook called in the streaming thread after each pipeline close or failed open."""

    def _redact(self, pipeline: str) -> str:
        """Return ``pipeline`` safe to log (override to hide secrets).

        Applied to every pipeline description and GStreamer error text this class logs.
        """
        return pipeline

    def _check_sink(self) -> str | None:
        """Return a description of a sink failure, or None.

        Called in the streaming thread about every 0.5 s while the pipeline is open.
        """
        return None

    def _explain_open_failure(self) -> str | None:
        """Why the pipeline failed to open when GStreamer posted no reason, or None."""
        return None

    # -- internals ----------------------------------------------------------------------------

    def _warmup_needed(self) -> int:
        return self._warmup.frames if self._requested[0] is None else 1

    def _warm_up(self, frame: Frame) -> None:
        height, width = frame.shape[:2]
        req_fps, req_width, req_height = self._requested
        if req_fps is None:
            self._backlog.add(frame)
            measured = self._warmup.measure(width, height)
            if measured is None:
                return
            self._backlog.clear()
            fps = measured.fps
        else:
            fps = req_fps
        stream_format = StreamFormat(
            fps=fps,
            width=req_width if req_width is not None else width,
            height=req_height if req_height is not None else height,
        )
        self._log.info(
            "Warmup done: %.3f fps, %dx%d",
            stream_format.fps,
            stream_format.width,
            stream_format.height,
        )
        session = self._launch(stream_format)
        session.put(frame)

    def _launch_backlog(self) -> StreamSession:
        """Start a session (not the current one) writing the warmup's frames, then ending."""
        frames = self._backlog.take()
        req_fps, req_width, req_height = self._requested
        height, width = frames[-1].shape[:2]
        stream_format = StreamFormat(
            fps=req_fps if req_fps is not None else self._warmup.rate_so_far(),
            width=req_width if req_width is not None else width,
            height=req_height if req_height is not None else height,
        )
        self._log.info(
            "Stopped during the warmup: writing its %d frames at %.3f fps, %dx%d",
            len(frames),
            stream_format.fps,
            stream_format.width,
            stream_format.height,
        )
        return self._launch(stream_format, frames)

    def _launch(
        self, stream_format: StreamFormat, backlog: list[Frame] | None = None
    ) -> StreamSession:
        session = StreamSession(
            self, stream_format, self._settings, self._log, self._set_state, backlog or ()
        )
        if not backlog:
            with self._lock:
                self._session = session
        # else: a last session writing the warmup's frames while stopping (not current)
        session.start()
        return session

    def _set_state(self, session: StreamSession, state: SpyGlassState) -> None:
        with self._lock:
            if self._session is session:
                self._state = state


_open_spyglasses: weakref.WeakSet[SpyGlass] = weakref.WeakSet()
"""SpyGlasses between start_streaming() and stop_streaming(), stopped at interpreter exit."""


def _stop_open_spyglasses() -> None:
    """At exit: stop every SpyGlass still open, concurrently, within a bounded time."""
    spyglasses = list(_open_spyglasses)
    if not spyglasses:
        return
    limit = _EXIT_STOP_TIMEOUTS * max(spyglass._stop_timeout for spyglass in spyglasses)
    _logger.info("Interpreter exit: stopping %d open SpyGlass(es)", len(spyglasses))
    stoppers = [
        threading.Thread(target=spyglass.stop_streaming, name="spyglass-exit", daemon=True)
        for spyglass in spyglasses
    ]
    for stopper in stoppers:
        stopper.start()
    deadline = time.monotonic() + limit
    for spyglass, stopper in zip(spyglasses, stoppers):
        stopper.join(max(0.0, deadline - time.monotonic()))
        if stopper.is_alive():
            _logger.error(
                "%s: not stopped within %.1f s at exit: its output may be incomplete",
                type(spyglass).__name__,
                limit,
            )


atexit.register(_stop_open_spyglasses)
os.register_at_fork(after_in_child=_open_spyglasses.clear)  # the parent's pipelines, not ours
