"""Runtime: runs a Panorama application with cameras, ONNX models and SpyGlass outputs.

Example::

    project = load_project("people_counter_app")
    config = RuntimeConfig(cameras=(CameraSource.parse("rtsp://cam/live"),),
                           outputs=(OutputSpec.parse("file:/out/x.mkv"),),
                           models={"model_node": "model.onnx"}, max_frames=300)
    status = Runtime(project, config).run()
"""

from __future__ import annotations

import json
import logging
import os
import runpy
import signal
import sys
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import FrameType
from typing import Any

from backpack.panorama import sdk
from backpack.panorama.camera import Camera, CameraSource, CameraStatus
from backpack.panorama.errors import ApplicationStopped, ProjectError
from backpack.panorama.media import media
from backpack.panorama.models import ModelRunner, load_model
from backpack.panorama.node import MediaInputPort, MediaOutputPort, ParameterPort, Ports, activate
from backpack.panorama.outputs import OutputSpec
from backpack.panorama.parameters import convert_parameter
from backpack.panorama.project import Project
from backpack.spyglass.base import SpyGlass

_BATCH_WINDOW = 0.1  # s longest wait for the other live cameras once one has a new frame
_EXIT_AFTER_SWALLOWED_STOPS = 3


@dataclass(frozen=True)
class RuntimeConfig:
    """How ``backpack run`` wires an application (see :class:`Runtime`)."""

    cameras: tuple[CameraSource, ...]
    outputs: tuple[OutputSpec, ...] = ()
    parameters: Mapping[str, str] = field(default_factory=dict)
    models: Mapping[str, str] = field(default_factory=dict)
    max_frames: int | None = None
    status_interval: float = 5.0
    summary_path: str | None = None
    default_fps: float = 30.0


class Runtime:
    """Runs one application: its ``panoramasdk.node`` reads cameras, calls models, writes outputs.

    Configuration is checked here (unknown parameter or model node, missing ONNX file, an output
    bound to no camera ...); :meth:`run` executes the entry file as ``__main__`` and returns an
    exit status. The run stops after ``max_frames`` frames, when every camera has ended, or on
    SIGINT/SIGTERM: the next ``video_in.get()`` raises :class:`ApplicationStopped`.

    Raises:
        ProjectError: the configuration does not fit the project.
    """

    def __init__(self, project: Project, config: RuntimeConfig) -> None:
        self._logger = logging.getLogger(__name__)
        self.project = project
        self.config = config
        if not config.cameras:
            raise ProjectError("no camera: pass at least one --camera")
        if config.max_frames is not None and config.max_frames < 1:
            raise ProjectError(f"max_frames must be at least 1, got {config.max_frames}")
        self._parameters = self._check_parameters()
        self._models = self._load_models()
        ids = [f"camera_{i}" for i in range(len(config.cameras))]
        for output in config.outputs:
            if output.stream_id not in ids:
                raise ProjectError(f"output bound to {output.stream_id!r}; cameras are {ids}")
        self._changed = threading.Condition()
        self.cameras = [Camera(s, i, self._changed) for s, i in zip(config.cameras, ids)]
        self._seen = dict.fromkeys(ids, 0)
        self._sinks: dict[str, list[SpyGlass]] = {i: [] for i in ids}
        self._stop_reason: str | None = None
        self._stopped_gets = 0
        self.frames = 0
        self.latencies: list[float] = []
        self._captured: dict[str, float] = {}
        self._started = 0.0
        self._last_status = 0.0

    # -- configuration ---------------------------------------------------------------------------

    def _check_parameters(self) -> dict[str, Any]:
        declared = self.project.parameters
        values = {port: p.value for port, p in declared.items()}
        for name, text in self.config.parameters.items():
            if declared and name not in declared:
                raise ProjectError(
                    f"--param {name}: the code node has no such input; "
                    f"it declares {sorted(declared)}"
                )
            kind = declared[name].type if name in declared else None
            values[name] = convert_parameter(name, text, kind)
        unset = sorted(name for name, value in values.items() if value is None)
        if unset:
            raise ProjectError(
                f"parameters {unset} have no value in graph.json: pass --param NAME=VALUE"
            )
        return values

    def _load_models(self) -> dict[str, ModelRunner]:
        known = self.project.models
        for name in self.config.models:
            if not self.project.open_models and name not in known:
                raise ProjectError(
                    f"--model {name}: the graph has no model node {name!r}; it has {sorted(known)}"
                )
        missing = sorted(set(known) - set(self.config.models))
        if missing:
            raise ProjectError(
                f"model nodes {missing} have no ONNX file: pass --model NODE=PATH.onnx "
                "(Neo-compiled artifacts only run on the appliance)"
            )
        return {name: load_model(path) for name, path in self.config.models.items()}

    # -- what the SDK objects call ---------------------------------------------------------------

    def input_ports(self) -> Ports:
        """``node.inputs``: media inputs and parameters."""
        ports: dict[str, Any] = {n: MediaInputPort(self) for n in self.project.media_inputs}
        ports.update({n: ParameterPort(v) for n, v in self._parameters.items()})
        return Ports("input", ports)

    def output_ports(self) -> Ports:
        """``node.outputs``: media outputs."""
        return Ports("output", {n: MediaOutputPort(self) for n in self.project.media_outputs})

    def call_model(self, name: str, inputs: Any) -> tuple[Any, ...]:
        """Run model node ``name``."""
        runner = self._models.get(name)
        if runner is None:
            raise KeyError(
                f"no model node {name!r}: known {sorted(self._models)} (--model NODE=PATH.onnx)"
            )
        if not isinstance(inputs, Mapping):
            if len(runner.input_names) != 1:
                raise TypeError(f"call({name!r}): pass a dict of input name -> array")
            inputs = {runner.input_names[0]: inputs}
        return runner.run(inputs)

    def next_streams(self) -> list[media]:
        """The frames for ``video_in.get()``: wait for a new frame, batch the live cameras."""
        if self.config.max_frames is not None and self.frames >= self.config.max_frames:
            self.request_stop(f"{self.frames} frames processed")
        with self._changed:
            first_fresh: float | None = None
            while True:
                self._report()
                if self._stop_reason is not None:
                    self._stopped()
                now = time.monotonic()
                fresh, waiting = self._poll(now)
                if fresh:
                    first_fresh = first_fresh if first_fresh is not None else now
                    until = min(first_fresh + _BATCH_WINDOW, max(waiting, default=now))
                    if now >= until:
                        break
                    self._changed.wait(until - now)
                    continue
                if all(c.status is CameraStatus.ENDED for c in self.cameras):
                    self.request_stop("every camera ended")
                    continue
                self._changed.wait(0.5)
        self.frames += 1
        streams = []
        for camera in self.cameras:
            frame = camera.latest()
            if frame is None:
                continue
            cached = frame.sequence == self._seen[camera.stream_id]
            self._seen[camera.stream_id] = frame.sequence
            streams.append(
                media(frame.image, camera.stream_id, camera.source.uri, frame.time_stamp, cached)
            )
            if not cached:
                self._captured[camera.stream_id] = frame.monotonic
        return streams

    def _poll(self, now: float) -> tuple[list[Camera], list[float]]:
        """Cameras with a new frame; when the other live cameras' next frames are due."""
        fresh, waiting = [], []
        for camera in self.cameras:
            frame = camera.latest()
            if frame is None:
                continue
            if frame.sequence > self._seen[camera.stream_id]:
                fresh.append(camera)
            elif camera.status is CameraStatus.STREAMING:
                due = frame.monotonic + 1.5 * camera.interval
                if due > now:  # alive and about to deliver; a stalled camera is not waited for
                    waiting.append(due)
        return fresh, waiting

    def put_streams(self, streams: Any) -> None:
        """Draw and write each fresh stream to the outputs bound to its camera."""
        if not isinstance(streams, (list, tuple)) or not all(isinstance(s, media) for s in streams):
            raise TypeError("video_out.put() takes the list of media that video_in.get() returned")
        for stream in streams:
            if stream.is_cached:
                continue
            sinks = self._sinks_for(stream)
            image = stream.render()
            for sink in sinks:
                sink.put(image)
            captured = self._captured.pop(stream.stream_id, None)
            if captured is not None:
                self.latencies.append(time.monotonic() - captured)

    def _sinks_for(self, stream: media) -> list[SpyGlass]:
        sinks = self._sinks.get(stream.stream_id)
        if sinks is None:
            return []
        if not sinks:
            camera = next(c for c in self.cameras if c.stream_id == stream.stream_id)
            height, width = stream.image.shape[:2]
            fps = camera.fps or self.config.default_fps
            for spec in self.config.outputs:
                if spec.stream_id == stream.stream_id:
                    sink = spec.create(fps, width, height)
                    sink.start_streaming()
                    self._logger.info(
                        "%s -> %s:%s (%dx%d @ %.2f fps)",
                        stream.stream_id,
                        spec.kind,
                        spec.target,
                        width,
                        height,
                        fps,
                    )
                    sinks.append(sink)
        return sinks

    # -- lifecycle -------------------------------------------------------------------------------

    def request_stop(self, reason: str) -> None:
        """Stop at the next ``video_in.get()`` (thread-safe)."""
        with self._changed:
            if self._stop_reason is None:
                self._stop_reason = reason
                self._logger.info("Stopping: %s", reason)
            self._changed.notify_all()

    def _stopped(self) -> None:
        self._stopped_gets += 1
        if self._stopped_gets >= _EXIT_AFTER_SWALLOWED_STOPS:
            self._logger.error("The application keeps calling get() after the stop; exiting")
            self.close()
            os._exit(0)
        raise ApplicationStopped(self._stop_reason)

    def _report(self) -> None:
        now = time.monotonic()
        if now - self._last_status < self.config.status_interval:
            return
        self._last_status = now
        elapsed = max(now - self._started, 1e-9)
        cameras = " | ".join(
            f"{c.stream_id} {c.status.value} read={c.frames_read} reconnects={c.reconnects}"
            for c in self.cameras
        )
        self._logger.info("frames=%d (%.1f/s) | %s", self.frames, self.frames / elapsed, cameras)

    def summary(self) -> dict[str, Any]:
        """Counts of the run: frames, per camera and per output."""
        return {
            "application": self.project.name,
            "frames": self.frames,
            "stop_reason": self._stop_reason,
            "cameras": {
                c.stream_id: {
                    "uri": c.source.display,
                    "status": c.status.value,
                    "frames_read": c.frames_read,
                    "reconnects": c.reconnects,
                }
                for c in self.cameras
            },
            "outputs": [
                {"stream_id": sid, "written": s.written_frames, "dropped": s.dropped_frames}
                for sid, sinks in self._sinks.items()
                for s in sinks
            ],
        }

    def run(self) -> int:
        """Run the application's entry file; the exit status (0: stopped or ended normally)."""
        installed = sdk.install()
        if not installed:
            self._logger.warning(
                "The real panoramasdk is installed: it runs the application, not backpack run"
            )
        set_name = "BACKPACK_APPLICATION_NAME" not in os.environ
        if set_name:  # the identity fallback of AutoIdentity (see backpack.autoidentity)
            os.environ["BACKPACK_APPLICATION_NAME"] = self.project.name
        self._started = self._last_status = time.monotonic()
        for camera in self.cameras:
            camera.start()
        activate(self)
        restore = self._install_signals()
        saved_argv, saved_path = sys.argv, list(sys.path)
        sys.argv = [str(self.project.entry)]
        sys.path.insert(0, str(self.project.entry.parent))
        status = 0
        try:
            runpy.run_path(str(self.project.entry), run_name="__main__")
            if self._stop_reason is None:
                self._logger.info("The application returned after %d frames", self.frames)
        except ApplicationStopped:
            pass
        except SystemExit as exc:
            status = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        except Exception:
            self._logger.exception("The application failed after %d frames", self.frames)
            status = 1
        finally:
            sys.argv, sys.path[:] = saved_argv, saved_path
            restore()
            activate(None)
            if set_name:
                os.environ.pop("BACKPACK_APPLICATION_NAME", None)
            if installed:
                sdk.uninstall()
            self.close()
        return status

    def close(self) -> None:
        """Stop cameras and outputs (finalizing files) and write the summary."""
        for camera in self.cameras:
            camera.stop()
        for sinks in self._sinks.values():
            for sink in sinks:
                sink.stop_streaming()
        summary = self.summary()
        self._logger.info("Summary: %s", json.dumps(summary))
        if self.config.summary_path:
            with open(self.config.summary_path, "w", encoding="utf-8") as out:
                json.dump(summary, out, indent=2)

    def _install_signals(self) -> Any:
        if threading.current_thread() is not threading.main_thread():
            return lambda: None

        def handle(signum: int, _frame: FrameType | None) -> None:
            self.request_stop(signal.Signals(signum).name)

        previous = {s: signal.signal(s, handle) for s in (signal.SIGINT, signal.SIGTERM)}

        def restore() -> None:
            for sig, handler in previous.items():
                signal.signal(sig, handler)

        return restore
