"""The streaming engine of a SpyGlass: one start..stop span, its thread and its pipeline.

``cv2.VideoWriter.write`` blocks on a slow sink and hides pipeline errors, so every write
happens in the streaming thread, fed through a latest-frame-wins mailbox, and errors come from
a :class:`~backpack.spyglass.pipelinetap.PipelineTap`. The OpenCV writer facts behind this and
which thread owns what: ``docs/design.md`` (backpack.spyglass).
"""

from __future__ import annotations

import collections
import logging
import threading
import time
from collections.abc import Callable, Iterable, MutableMapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

import cv2

from backpack.spyglass.backoff import Backoff
from backpack.spyglass.frame import Frame
from backpack.spyglass.mailbox import FrameMailbox
from backpack.spyglass.pipelinetap import PipelineTap
from backpack.spyglass.state import SpyGlassState
from backpack.spyglass.warmup import StreamFormat

_IDLE_WAIT = 0.5  # s, longest the streaming thread sleeps without checking its sink
_ERROR_RELEASE_GRACE = 1.0  # s release() may wait for EOS after a failure before rescue
_HEALTHY = 5.0  # s a pipeline must work (and the backoff maximum) before backoff starts over

OUTPACED_PAUSE = 50e-6
"""Seconds the frame loop sleeps after a ``put`` that replaced a frame not written yet."""

if TYPE_CHECKING:
    Log = logging.LoggerAdapter[logging.Logger]
else:
    Log = logging.LoggerAdapter


class InstanceLog(Log):
    """The module logger, with the instance (its class name) at the start of each message."""

    def __init__(self, logger: logging.Logger, name: str) -> None:
        super().__init__(logger, None)
        self._name = name

    def process(self, msg: Any, kwargs: MutableMapping[str, Any]) -> tuple[Any, Any]:
        return f"{self._name}: {msg}", kwargs


class PipelineOwner(Protocol):
    """The hooks of :class:`~backpack.spyglass.SpyGlass` that the engine calls."""

    def _get_pipeline(self, fps: float, width: int, height: int) -> str: ...

    def _on_start(self) -> None: ...

    def _on_stop(self) -> None: ...

    def _redact(self, pipeline: str) -> str: ...

    def _check_sink(self) -> str | None: ...

    def _explain_open_failure(self) -> str | None: ...


@dataclass(frozen=True)
class StreamSettings:
    """Retry and timing settings of the engine (see :class:`~backpack.spyglass.SpyGlass`)."""

    backoff: Backoff
    stall_timeout: float
    stop_timeout: float


class StreamSession:
    """One start..stop span of streaming: its format, mailbox, streaming thread and pipeline.

    The thread opens the pipeline, writes the newest frame of the mailbox (after the
    ``backlog`` frames, if any), and re-opens the pipeline with backoff when it fails. State
    changes are reported through ``on_state``. :meth:`stop` writes what is pending, sends EOS
    and waits (bounded) for the thread.
    """

    def __init__(
        self,
        owner: PipelineOwner,
        stream_format: StreamFormat,
        settings: StreamSettings,
        log: Log,
        on_state: Callable[[StreamSession, SpyGlassState], None],
        backlog: Iterable[Frame] = (),
    ) -> None:
        self.format = stream_format
        self.mailbox = FrameMailbox(stream_format.width, stream_format.height)
        self.written = 0
        self.first_attempt = threading.Event()
        self._owner = owner
        self._settings = settings
        self._log = log
        self._on_state = on_state
        self._backlog: collections.deque[Frame] = collections.deque(backlog)
        self._stopping = threading.Event()
        self._error: str | None = None
        self._write_started = 0.0
        self._stall_reported = False
        self._start_failure: str | None = None  # the _on_start() failure kind, while it lasts
        self._tap: PipelineTap | None = None
        self._name = type(owner).__name__
        self._thread = threading.Thread(target=self._run, name=f"{self._name}-stream", daemon=True)

    def start(self) -> None:
        """Start the streaming thread."""
        self._thread.start()

    def put(self, frame: Frame) -> None:
        """Hand a frame to the streaming thread (frame loop); report a stalled write.

        A frame loop faster than the pipeline (this frame replaced one not written yet)
        yields the CPU between slices of the copy (see
        :class:`~backpack.spyglass.mailbox.FrameMailbox`), then sleeps
        :data:`OUTPACED_PAUSE` (about 0.1 ms with Linux's default 50 us timer slack): a fixed
        pause, shorter than the copy itself, that waits for nothing (a slow or stuck sink does
        not lengthen it) but lets this CPU go idle so the scheduler can run the encoder
        threads on it; a loop that only yields keeps them queued behind it. A loop that does
        not outpace the pipeline never pauses.
        """
        if self.mailbox.put(frame):
            time.sleep(OUTPACED_PAUSE)
        started = self._write_started
        if started and not self._stall_reported:
            self._check_stall(started)

    def stop(self) -> None:
        """Write what is pending, end the pipeline (EOS) and wait for the thread (bounded)."""
        self._stopping.set()
        self.mailbox.close()
        thread, timeout = self._thread, self._settings.stop_timeout
        left = len(self._backlog)
        thread.join(timeout)
        while thread.is_alive() and len(self._backlog) < left:  # the warmup's frames flow
            left = len(self._backlog)
            thread.join(timeout)
        if thread.is_alive():
            self._log.error(
                "Pipeline did not finish within %.1f s after EOS: stopping it forcibly", timeout
            )
            self._force_stop()
            thread.join(timeout)
            if thread.is_alive():
                self._log.error("Streaming thread is stuck in the sink; abandoning it")

    # -- streaming thread ---------------------------------------------------------------------

    def _run(self) -> None:
        """Open, write the newest frames, re-open with backoff on failure."""
        attempt = 0
        healthy_since = next_check = 0.0
        writer: Any | None = None
        stopping, mailbox, backlog = self._stopping, self.mailbox, self._backlog
        try:
            while True:
                if writer is None:
                    # Once stopping, a backlog gets one attempt; anything else is over.
                    if stopping.is_set() and (attempt > 0 or not backlog):
                        break
                    writer = self._open()
                    self.first_attempt.set()
                    if writer is None:
                        self._wait_before_retry(attempt)
                        attempt += 1
                        continue
                    healthy_since = time.monotonic()
                if backlog:
                    mailbox.put(backlog.popleft())
                frame = mailbox.take(_IDLE_WAIT)
                if frame is None and stopping.is_set():
                    break  # everything put was taken (stop closed the mailbox)
                if frame is not None and self._error is None:
                    self._write_started = time.monotonic()
                    try:
                        writer.write(frame)
                    except Exception as exc:  # cv2.error: report it like a pipeline error
                        self._report_error(f"cv2.VideoWriter.write failed: {exc}")
                    self._write_started = 0.0
                    self.written += 1
                now = time.monotonic()
                if self._error is None and now >= next_check:
                    next_check = now + _IDLE_WAIT
                    sink_error = self._check_sink_safely()
                    if sink_error is not None:
                        self._report_error(sink_error)
                if self._error is not None:
                    self._on_state(self, SpyGlassState.ERROR)
                    self._close(writer, _ERROR_RELEASE_GRACE)
                    writer = None
                    healthy = max(_HEALTHY, self._settings.backoff.maximum)
                    if time.monotonic() - healthy_since > healthy:
                        attempt = 0
                    self._wait_before_retry(attempt)
                    attempt += 1
        finally:
            self.first_attempt.set()
            if writer is not None:
                self._close(writer, self._settings.stop_timeout)

    def _open(self) -> Any | None:
        """Try once to open the pipeline; return the writer or None (state set accordingly)."""
        fmt, owner = self.format, self._owner
        self._error = None
        self._stall_reported = False
        try:
            owner._on_start()
        except Exception as exc:
            # Once per incident (a kind of failure): retries are logged at DEBUG.
            if type(exc).__name__ != self._start_failure:
                self._log.error("Cannot start, will retry: %s: %s", type(exc).__name__, exc,
                                exc_info=True)  # fmt: skip
            else:
                self._log.debug("Still cannot start: %s: %s", type(exc).__name__, exc)
            self._start_failure = type(exc).__name__
            self._on_state(self, SpyGlassState.ERROR)
            self._call_on_stop()
            return None
        if self._start_failure is not None:
            self._log.info("Starts again after: %s", self._start_failure)
            self._start_failure = None
        pipeline = ""
        try:
            pipeline = owner._get_pipeline(fmt.fps, fmt.width, fmt.height)
            tap = PipelineTap(self._report_error)
            self._tap = tap
            with tap.opening():
                writer = cv2.VideoWriter(
                    pipeline + tap.description,
                    cv2.CAP_GSTREAMER,
                    0,
                    fmt.fps,
                    (fmt.width, fmt.height),
                )
            opened = writer.isOpened()
        except Exception:
            self._log.exception("Could not open pipeline: %s", owner._redact(pipeline))
            self._close(None, _ERROR_RELEASE_GRACE)
            self._on_state(self, SpyGlassState.ERROR)
            return None
        if opened and self._error is None:
            self._log.info(
                "Streaming %.3f fps %dx%d to pipeline: %s",
                fmt.fps,
                fmt.width,
                fmt.height,
                owner._redact(pipeline),
            )
            self._on_state(self, SpyGlassState.STREAMING)
            return writer
        if self._error is None:  # GStreamer 1.26 may fail the open without saying why
            reason = owner._explain_open_failure()
            if reason is not None:
                self._report_error(reason)
        self._log.error("Could not open pipeline: %s", owner._redact(pipeline))
        self._close(writer, _ERROR_RELEASE_GRACE)
        self._on_state(self, SpyGlassState.ERROR)
        return None

    def _close(self, writer: Any | None, grace: float) -> None:
        """Release the writer (EOS, wait, NULL); rescue a release stuck for ``grace`` s."""
        tap = self._tap
        if writer is not None:
            released = threading.Event()
            if tap is not None:
                threading.Thread(
                    target=self._rescue_release,
                    args=(tap, released, grace),
                    name=f"{self._name}-release-watchdog",
                    daemon=True,
                ).start()
            try:
                writer.release()
            except Exception:
                self._log.exception("Error while closing the pipeline")
            finally:
                released.set()
        self._tap = None
        if tap is not None:
            tap.close()
        self._call_on_stop()

    def _rescue_release(self, tap: PipelineTap, released: threading.Event, grace: float) -> None:
        if released.wait(grace):
            return
        self._log.warning("EOS did not get through within %.1f s: ending the pipeline", grace)
        while True:
            tap.post_eos()
            if released.wait(0.1):
                return

    def _call_on_stop(self) -> None:
        try:
            self._owner._on_stop()
        except Exception:
            self._log.exception("_on_stop() failed")

    def _wait_before_retry(self, attempt: int) -> None:
        if self._stopping.is_set():
            return
        delay = self._settings.backoff.delay(attempt)
        self._log.info("Re-opening the pipeline in %.2f s", delay)
        self._stopping.wait(delay)

    def _check_sink_safely(self) -> str | None:
        try:
            return self._owner._check_sink()
        except Exception as exc:
            self._log.exception("_check_sink() failed")
            return f"sink check failed: {exc}"

    # -- any thread ---------------------------------------------------------------------------

    def _report_error(self, text: str) -> None:
        # A failing pipeline often posts several errors: the first one is the cause.
        text = self._owner._redact(text)
        if self._error is None:
            self._error = text
            self._log.error("GStreamer pipeline error: %s", text)
        else:
            self._log.debug("GStreamer pipeline error (follow-up): %s", text)

    def _check_stall(self, started: float) -> None:
        blocked = time.monotonic() - started
        if blocked > self._settings.stall_timeout:
            self._stall_reported = True
            self._report_error(f"sink stalled: a write blocked for {blocked:.1f} s")
            self._on_state(self, SpyGlassState.ERROR)
            self._force_stop()

    def _force_stop(self) -> None:
        # Setting a pipeline to NULL waits for its streaming threads, which may be stuck in the
        # sink: never do that in the caller's thread.
        tap = self._tap
        if tap is not None:
            threading.Thread(target=tap.force_stop, name="spyglass-force-stop", daemon=True).start()
