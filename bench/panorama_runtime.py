"""Panorama runtime (``backpack run``) against a hand-written OpenCV loop, same RTSP camera.

A synthetic 1280x720 RTSP camera runs in a child process (gst-rtsp-server fed by appsrc); each
frame carries its send time (wall clock, ms) as 40 black/white 32x32 blocks in its top rows.

* CPU per output frame: the runtime running a pass-through Panorama app (``get`` -> ``put``)
  writing a ``FileSpyGlass`` vs an OpenCV loop (``VideoCapture`` on the same pipeline ->
  ``FileSpyGlass``); ratio ours / baseline, target <= 1.10.
* Camera-to-output latency: send time -> ``video_out.put`` returning, median and p95 (ms).
* Frames dropped per minute: frames the camera sent that the app never saw (newest wins).
"""

from __future__ import annotations

import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import cv2
import numpy as np

from bench.config import Config
from bench.measure import interleaved
from bench.result import Result, Status, Target

GROUP = "panorama"
WIDTH, HEIGHT, FPS = 1280, 720, 25
BITS, BLOCK = 40, 32
TARGET = Target("<=", 1.10)

CAMERA = r"""
import sys, time, threading
import numpy as np
import gi
gi.require_version("Gst", "1.0"); gi.require_version("GstRtspServer", "1.0")
from gi.repository import GLib, Gst, GstRtspServer
W, H, FPS, BITS, BLOCK = 1280, 720, 25, 40, 32
Gst.init(None)
server = GstRtspServer.RTSPServer.new(); server.set_service(sys.argv[1])
factory = GstRtspServer.RTSPMediaFactory.new()
factory.set_launch(
    f"( appsrc name=src is-live=true do-timestamp=true format=time "
    f"caps=video/x-raw,format=BGR,width={W},height={H},framerate={FPS}/1 ! videoconvert ! "
    "video/x-raw,format=I420 ! "
    "x264enc tune=zerolatency speed-preset=ultrafast key-int-max=25 ! "
    "rtph264pay name=pay0 pt=96 config-interval=1 )")
factory.set_shared(True)
frame = np.full((H, W, 3), 90, np.uint8)
state = {"next": 0.0}
def need_data(src, _length):
    now = time.monotonic()
    state["next"] = max(state["next"] + 1 / FPS, now)
    time.sleep(max(0.0, state["next"] - now))
    stamp = int(time.time() * 1000) % (1 << BITS)
    for bit in range(BITS):
        value = 255 if (stamp >> bit) & 1 else 0
        frame[:BLOCK, bit * BLOCK:(bit + 1) * BLOCK] = value
    src.emit("push-buffer", Gst.Buffer.new_wrapped(frame.tobytes()))
def configure(_factory, media):
    media.get_element().get_child_by_name("src").connect("need-data", need_data)
factory.connect("media-configure", configure)
server.get_mount_points().add_factory("/cam", factory)
server.attach(None)
print("ready", flush=True)
GLib.MainLoop().run()
"""

APP = """
import panoramasdk
class App(panoramasdk.node):
    pass
app = App()
while True:
    streams = app.inputs.video_in.get()
    app.outputs.video_out.put(streams)
    HOOK(streams)
"""


def decode_stamp(image: np.ndarray) -> int:
    """The send time (ms, modulo 2**40) written in the top blocks of ``image``."""
    centres = image[BLOCK // 2, BLOCK // 2 :: BLOCK, 1][:BITS]
    return int(sum(1 << bit for bit, value in enumerate(centres) if value > 128))


def _now_ms() -> int:
    return int(time.time() * 1000) % (1 << BITS)


class _Camera:
    def __init__(self, port: int) -> None:
        self.url = f"rtsp://127.0.0.1:{port}/cam"
        self._process = subprocess.Popen(
            [sys.executable, "-c", CAMERA, str(port)], stdout=subprocess.PIPE, text=True
        )
        assert self._process.stdout is not None
        if self._process.stdout.readline().strip() != "ready":
            raise RuntimeError("synthetic camera did not start")

    def stop(self) -> None:
        self._process.terminate()
        self._process.wait(10)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _pipeline(url: str) -> str:
    from backpack.panorama.camera import CameraSource

    return CameraSource.parse(url).pipeline()


def run_ours(url: str, frames: int, work: Path) -> dict[str, float]:
    """The runtime with the pass-through app; CPU s/frame, latencies, drops."""
    from backpack.panorama import CameraSource, OutputSpec, Runtime, RuntimeConfig, load_project

    app = work / "app.py"
    app.write_text(APP)
    stamps: list[float] = []
    seen: list[int] = []

    def hook(streams: list) -> None:  # type: ignore[type-arg]
        for stream in streams:
            if not stream.is_cached:
                stamp = decode_stamp(stream.image)
                seen.append(stamp)
                stamps.append(_now_ms() - stamp)

    import builtins

    builtins.HOOK = hook  # type: ignore[attr-defined]
    runtime = Runtime(
        load_project(app),
        RuntimeConfig(
            cameras=(CameraSource.parse(url),),
            outputs=(OutputSpec.parse(f"file:{work}/ours.mkv"),),
            max_frames=frames + 25,
            status_interval=3600,
        ),
    )
    cpu: list[float] = []
    original = runtime.next_streams

    def timed() -> list:  # type: ignore[type-arg]
        if runtime.frames == 25:  # after warm-up: the pipelines are open
            cpu.append(time.process_time())
        return original()

    runtime.next_streams = timed  # type: ignore[method-assign]
    runtime.run()
    end = time.process_time()
    del builtins.HOOK  # type: ignore[attr-defined]
    measured = stamps[25:]
    span = max(seen[-1] - seen[25], 1) if len(seen) > 26 else 1
    sent = span / (1000 / FPS) + 1
    return {
        "cpu_per_frame": (end - cpu[0]) / max(len(measured), 1),
        "latency_median": statistics.median(measured),
        "latency_p95": float(np.percentile(measured, 95)),
        "dropped_per_minute": max(sent - len(seen[25:]), 0) / (span / 60000),
    }


def run_baseline(url: str, frames: int, work: Path) -> float:
    """Hand-written loop: VideoCapture on the same pipeline -> FileSpyGlass; CPU s/frame."""
    from backpack.spyglass import FileSpyGlass

    capture = cv2.VideoCapture(_pipeline(url), cv2.CAP_GSTREAMER)
    spyglass = FileSpyGlass(work / "baseline.mkv", fps=FPS, width=WIDTH, height=HEIGHT)
    spyglass.start_streaming()
    start = 0.0
    for index in range(frames + 25):
        ok, image = capture.read()
        if not ok:
            raise RuntimeError("baseline lost the camera")
        if index == 25:
            start = time.process_time()
        spyglass.put(image)
    spyglass.stop_streaming()
    end = time.process_time()
    capture.release()
    return (end - start) / frames


def run(config: Config) -> list[Result]:
    """The three rows of this group."""
    frames = 60 if config.spyglass_frames < 100 else 300
    rounds = max(2, config.spyglass_rounds)
    camera = _Camera(_free_port())
    details: list[dict[str, float]] = []
    try:
        with tempfile.TemporaryDirectory() as tmp:
            work = Path(tmp)

            def ours() -> float:
                figures = run_ours(camera.url, frames, work)
                details.append(figures)
                return figures["cpu_per_frame"]

            comparison = interleaved(
                ours, lambda: run_baseline(camera.url, frames, work), rounds, warmup=False
            )
    finally:
        camera.stop()
    note = f"{frames} frames {WIDTH}x{HEIGHT} @ {FPS} fps per sample, {rounds} rounds"
    latency = [d["latency_median"] for d in details]
    p95 = [d["latency_p95"] for d in details]
    drops = [d["dropped_per_minute"] for d in details]
    return [
        Result.judged(
            GROUP,
            "Runtime CPU per frame vs hand-written OpenCV loop (same RTSP camera and sink)",
            "ms CPU/frame",
            ours=comparison.ours * 1e3,
            baseline=comparison.baseline * 1e3,
            ratio=comparison.ratio,
            target=TARGET,
            note=note,
            details=comparison.details(scale=1e3),
        ),
        Result(
            GROUP,
            f"Camera-to-output latency {WIDTH}x{HEIGHT} (median; p95 in note)",
            "ms",
            ours=statistics.median(latency),
            status=Status.INFO,
            note=f"p95 {statistics.median(p95):.0f} ms; send time -> video_out.put; {note}",
            details={"median_ms": latency, "p95_ms": p95},
        ),
        Result(
            GROUP,
            f"Frames dropped per minute at the camera's {FPS} fps",
            "frames/min",
            ours=statistics.median(drops),
            status=Status.INFO,
            note=note,
            details={"per_round": drops},
        ),
    ]


if __name__ == "__main__":
    for row in run(Config.quick()):
        print(row.to_json())
