"""Preview cost: CPU per frame of a frame loop with PreviewSpyGlass, and glass-to-glass latency.

The loop is an app's: copy the camera frame (1280x720) into a work buffer, draw a box and a
label on it, hand it to the preview. The baseline is the very same loop without the ``put``.
With no viewer the preview must cost nothing (target <= 1.02); with one viewer (a child
process reading the MJPEG stream, its CPU not counted) the JPEG encoding is paid, reported
for information. CPU time is ``resource.getrusage(RUSAGE_SELF)`` (the preview's encoder and
HTTP threads run in this process, so they are included).

Glass-to-glass latency: a headless Chromium shows the page; a script in it draws the ``<img>``
into a canvas on every animation frame and notes the wall-clock time at which its center turns
to a new colour; Python notes the time just before putting the first frame of that colour
(same machine, same clock). Median over the switches, ms. Needs selenium (skipped without).
"""

from __future__ import annotations

import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from typing import Any

import cv2
import numpy as np
from numpy.typing import NDArray

from bench.config import Config
from bench.measure import interleaved
from bench.result import Result, Status, Target

GROUP = "preview"
WIDTH, HEIGHT, FPS = 1280, 720, 30
CHROMIUM, CHROMEDRIVER = "/usr/bin/chromium", "/usr/bin/chromedriver"

_READER = """
import socket, sys
sock = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
sock.sendall(b"GET /stream.mjpg HTTP/1.1\\r\\nHost: bench\\r\\n\\r\\n")
while sock.recv(1 << 16):
    pass
"""

_WATCH = """
const [r, g, b, done] = arguments;
const video = document.getElementById("video");
const canvas = document.createElement("canvas");
canvas.width = canvas.height = 1;
const context = canvas.getContext("2d", { willReadFrequently: true });
window.__seen = null;
function look() {
  if (video.naturalWidth) {
    context.drawImage(video, video.naturalWidth / 2, video.naturalHeight / 2, 1, 1, 0, 0, 1, 1);
    const p = context.getImageData(0, 0, 1, 1).data;
    if (Math.abs(p[0] - r) < 40 && Math.abs(p[1] - g) < 40 && Math.abs(p[2] - b) < 40) {
      window.__seen = performance.timeOrigin + performance.now();
      return;
    }
  }
  requestAnimationFrame(look);
}
requestAnimationFrame(look);
done();
"""

Frame = NDArray[np.uint8]


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _frames(count: int) -> list[Frame]:
    rng = np.random.default_rng(7)
    base = cv2.resize(rng.integers(0, 255, (90, 160, 3), np.uint8), (WIDTH, HEIGHT))
    return [np.roll(base, 8 * index, axis=1) for index in range(min(count, 60))]


class AppLoop:
    """The frame loop: copy, annotate, optionally ``put``; CPU seconds per frame."""

    def __init__(self, frames: list[Frame], count: int, preview: Any, paced: bool) -> None:
        self.frames = frames
        self.count = count
        self.preview = preview
        self.paced = paced
        self.work = np.empty_like(frames[0])

    def sample(self, with_preview: bool) -> float:
        put = self.preview.put if with_preview else None
        frames, work, period = self.frames, self.work, 1.0 / FPS
        start_cpu, deadline = _cpu(), time.monotonic()
        for index in range(self.count):
            np.copyto(work, frames[index % len(frames)])
            cv2.rectangle(work, (100, 100), (500, 400), (0, 255, 0), 3)
            cv2.putText(
                work, f"person {index}", (100, 90), cv2.FONT_HERSHEY_SIMPLEX, 1, (0, 255, 0), 2
            )
            if put is not None:
                put(work)
            if self.paced:
                deadline += period
                delay = deadline - time.monotonic()
                if delay > 0:
                    time.sleep(delay)
        return (_cpu() - start_cpu) / self.count


def cpu_rows(config: Config) -> list[Result]:
    """Preview CPU per frame with no viewer and with one, vs the loop without a preview."""
    from backpack.spyglass import PreviewSpyGlass

    count, rounds = config.spyglass_frames, config.spyglass_rounds
    frames = _frames(count)
    preview = PreviewSpyGlass(port=0)
    preview.start_streaming()
    rows: list[Result] = []
    try:
        idle = AppLoop(frames, count * 20, preview, paced=False)
        comparison = interleaved(
            lambda: idle.sample(True), lambda: idle.sample(False), config.rounds
        )
        rows.append(
            Result.judged(
                GROUP,
                "frame loop CPU with preview, no viewer, vs without preview",
                "ms CPU/frame",
                ours=comparison.ours * 1e3,
                baseline=comparison.baseline * 1e3,
                ratio=comparison.ratio,
                target=Target("<=", 1.02),
                note=f"{count * 20} frames {WIDTH}x{HEIGHT} a sample, unpaced, copy + box + label",
                details=comparison.details(scale=1e3),
            )
        )
        port = preview.url.split(":")[2].split("/")[0]
        reader = subprocess.Popen([sys.executable, "-c", _READER, port])
        try:
            deadline = time.monotonic() + 30
            while preview.viewers < 1 and time.monotonic() < deadline:
                time.sleep(0.05)
            watched = AppLoop(frames, count, preview, paced=True)
            encoded = preview.encoded_frames
            comparison = interleaved(
                lambda: watched.sample(True), lambda: watched.sample(False), rounds
            )
            encoded = preview.encoded_frames - encoded
        finally:
            reader.kill()
            reader.wait(10)
        rows.append(
            Result(
                GROUP,
                "frame loop CPU with preview, one viewer, vs without preview",
                "ms CPU/frame",
                ours=comparison.ours * 1e3,
                baseline=comparison.baseline * 1e3,
                ratio=comparison.ratio,
                status=Status.INFO,
                note=f"{count} frames a sample paced at {FPS} fps; {encoded} JPEGs encoded "
                f"(quality 80) for {count * (rounds + 1)} frames put with the viewer",
                details=comparison.details(scale=1e3),
            )
        )
    finally:
        preview.stop_streaming()
    return rows


class Feeder:
    """Puts ``frames[color]`` at FPS from a thread; notes when the first frame of a new colour
    was put (wall clock, as the browser's)."""

    def __init__(self, preview: Any, frames: list[Frame]) -> None:
        self.preview = preview
        self.frames = frames
        self.color = 0
        self.switched_at: float | None = None
        self._wanted = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def switch(self, color: int) -> None:
        """Put frames of ``color`` from the next frame on."""
        self.switched_at = None
        self._wanted = color

    def _run(self) -> None:
        while not self._stop.wait(1.0 / FPS):
            wanted = self._wanted
            if wanted != self.color:
                self.color = wanted
                self.switched_at = time.time()
            self.preview.put(self.frames[self.color])

    def __enter__(self) -> Feeder:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(10)


def latency_row(config: Config) -> Result:
    """Glass-to-glass latency: frame put -> its colour in the headless browser, median ms."""
    name = "glass-to-glass latency, put -> pixels in headless Chromium"
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        return Result(GROUP, name, "ms", status=Status.SKIPPED, note="selenium not installed")
    from backpack.spyglass import PreviewSpyGlass

    colors = ((0, 0, 255), (255, 0, 0))  # BGR red, blue
    switches = 6 if config.rounds <= 3 else 25
    preview = PreviewSpyGlass(port=0)
    preview.start_streaming()
    feeder = Feeder(preview, [np.full((HEIGHT, WIDTH, 3), c, np.uint8) for c in colors])
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    latencies: list[float] = []
    with tempfile.TemporaryDirectory(prefix="backpack-bench-chromium-") as profile, feeder:
        for flag in (
            "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic",
            "--no-first-run", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--disable-dev-shm-usage", f"--user-data-dir={profile}",
        ):  # fmt: skip
            options.add_argument(flag)
        driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
        try:
            driver.set_page_load_timeout(30)
            driver.set_script_timeout(30)
            driver.get(preview.url)
            for _ in range(switches):
                target = 1 - feeder.color
                b, g, r = colors[target]
                driver.execute_async_script(_WATCH, r, g, b)
                feeder.switch(target)
                seen = None
                for _ in range(200):  # bounded: 10 s
                    time.sleep(0.05)
                    seen = driver.execute_script("return window.__seen")
                    if seen is not None:
                        break
                if seen is not None and feeder.switched_at is not None:
                    latencies.append(float(seen) - feeder.switched_at * 1e3)
        finally:
            driver.quit()
            preview.stop_streaming()
    if not latencies:
        return Result(GROUP, name, "ms", status=Status.ERROR, note="colour never seen")
    return Result(
        GROUP,
        name,
        "ms",
        ours=statistics.median(latencies),
        status=Status.INFO,
        note=f"median of {len(latencies)} colour switches ({switches} tried), {WIDTH}x{HEIGHT} "
        f"at {FPS} fps, MJPEG <img> sampled on animation frames (+<= 1 display frame)",
        details={"latencies_ms": [round(value, 1) for value in latencies]},
    )


def run(config: Config) -> list[Result]:
    """All preview figures; one failing figure is reported and the others still run."""
    rows: list[Result] = []
    for name, figure in (("preview CPU", cpu_rows), ("preview latency", latency_row)):
        try:
            produced = figure(config)
            rows.extend(produced if isinstance(produced, list) else [produced])
        except Exception as exc:
            rows.append(Result(GROUP, name, "", status=Status.ERROR, note=repr(exc)[:300]))
    return rows
