"""SpyGlass cost: CPU per streamed frame, sustained frame rate and RSS over 10,000 frames.

Ours is :class:`backpack.spyglass.FileSpyGlass` writing H.264 to a Matroska file in a temporary
directory (fps and size given, so there is no warmup). The baseline is ``gst-launch-1.0``
running FileSpyGlass's own pipeline description (read from its ``_get_pipeline``) with the
``appsrc`` head replaced by ``videotestsrc`` producing the same caps. Our frames are captured
beforehand from the very same ``videotestsrc`` pattern, so both encoders see identical pictures.

CPU time is ``resource.getrusage``: ``RUSAGE_SELF`` for ours (GStreamer's threads run in this
process, so they are included) and ``RUSAGE_CHILDREN`` for the gst-launch child.
"""

from __future__ import annotations

import multiprocessing
import re
import resource
import shlex
import statistics
import subprocess
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from bench.config import Config
from bench.measure import interleaved
from bench.result import Result, Status, Target

GROUP = "spyglass"
WIDTH, HEIGHT, FPS = 1280, 720, 30
PATTERN = "pattern=smpte horizontal-speed=4"
"""videotestsrc pattern: colour bars scrolling 4 px a frame, so every frame differs."""
WAIT_LIMIT = 30.0  # s, longest wait for the writer thread before giving up on a run
RSS_SAMPLE_EVERY = 500
POLL = 0.001  # s, pacing poll; coarse enough that its own CPU cost stays well under 1 %

Frame = NDArray[np.uint8]
Frames = Sequence[Frame]


def _cpu_self() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _cpu_children() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _rss_kib() -> int:
    text = Path("/proc/self/status").read_text()
    match = re.search(r"^VmRSS:\s+(\d+) kB", text, re.MULTILINE)
    return int(match.group(1)) if match else 0


def _caps(width: int, height: int, fps: int) -> str:
    return f"video/x-raw,format=BGR,width={width},height={height},framerate={fps}/1"


def capture_frames(count: int, width: int, height: int, fps: int = FPS) -> list[Frame]:
    """The first ``count`` frames of the baseline's ``videotestsrc``, as BGR arrays."""
    import cv2

    description = (
        f"videotestsrc num-buffers={count} {PATTERN} ! {_caps(width, height, fps)} ! "
        "appsink sync=false"
    )
    capture = cv2.VideoCapture(description, cv2.CAP_GSTREAMER)
    frames: list[Frame] = []
    try:
        while len(frames) < count:
            ok, frame = capture.read()
            if not ok:
                break
            frames.append(frame)
    finally:
        capture.release()
    if len(frames) != count:
        raise RuntimeError(f"captured {len(frames)} of {count} frames from {description!r}")
    return frames


def _new_spyglass(path: Path, width: int, height: int, fps: int) -> Any:
    from backpack.spyglass.file import FileSpyGlass

    return FileSpyGlass(str(path), fps=fps, width=width, height=height)


def baseline_pipeline(count: int, width: int, height: int, fps: int, path: Path) -> str:
    """FileSpyGlass's pipeline for ``path`` with ``videotestsrc`` in place of ``appsrc``."""
    ours = _new_spyglass(path, width, height, fps)._get_pipeline(float(fps), width, height)
    head, rest = ours.split("!", 1)
    if not head.strip().startswith("appsrc"):
        raise RuntimeError(f"FileSpyGlass pipeline does not start with appsrc: {ours!r}")
    source = f"videotestsrc num-buffers={count} {PATTERN} ! {_caps(width, height, fps)}"
    return f"{source} !{rest}"


def count_frames(path: Path) -> int:
    """Decode ``path`` with PyAV and count the video frames."""
    import av

    with av.open(str(path)) as container:
        return sum(1 for _ in container.decode(video=0))


@dataclass(frozen=True)
class StreamRun:
    """One run of ours: CPU, wall time, frames put, frames the writer wrote."""

    cpu: float
    wall: float
    put: int
    written: int
    dropped: int
    rss_kib: tuple[int, ...] = ()


def _wait(condition: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + WAIT_LIMIT
    while not condition():
        if time.monotonic() > deadline:
            raise RuntimeError(f"gave up after {WAIT_LIMIT:.0f} s waiting for {what}")
        time.sleep(POLL)


def _written_at_least(spyglass: Any, frames: int) -> Callable[[], bool]:
    def done() -> bool:
        return bool(spyglass.written_frames >= frames)

    return done


def stream_ours(
    frames: Frames,
    path: Path,
    *,
    count: int = 0,
    seconds: float = 0.0,
    sample_rss: bool = False,
    fps: int = FPS,
) -> StreamRun:
    """Put frames (cycling ``frames``) through a FileSpyGlass writing ``path``.

    With ``count`` the run is lossless: before each ``put`` it waits until the previous frame
    was written, so no frame is replaced in SpyGlass's single-slot mailbox. With ``seconds``
    frames are put as fast as possible for that long instead. The figures span
    ``start_streaming()`` to ``stop_streaming()`` (file finalized).
    """
    height, width = frames[0].shape[:2]
    spyglass = _new_spyglass(path, width, height, fps)
    if count and not hasattr(spyglass, "written_frames"):
        raise RuntimeError("SpyGlass has no written_frames: cannot pace a lossless run")
    rss: list[int] = []
    pool = len(frames)
    put = spyglass.put
    cpu_start, wall_start = _cpu_self(), time.perf_counter()
    spyglass.start_streaming()
    try:
        if seconds > 0:
            deadline = wall_start + seconds
            while time.perf_counter() < deadline:
                put(frames[count % pool])
                count += 1
        else:
            for index in range(count):
                if index:
                    _wait(_written_at_least(spyglass, index), f"frame {index - 1}")
                put(frames[index % pool])
                if sample_rss and (index + 1) % RSS_SAMPLE_EVERY == 0:
                    rss.append(_rss_kib())
            _wait(_written_at_least(spyglass, count), "the last frame")
    finally:
        spyglass.stop_streaming()
    cpu, wall = _cpu_self() - cpu_start, time.perf_counter() - wall_start
    written = getattr(spyglass, "written_frames", -1)
    return StreamRun(cpu, wall, count, written, spyglass.dropped_frames, tuple(rss))


def stream_baseline(count: int, width: int, height: int, path: Path) -> tuple[float, float]:
    """Run the gst-launch baseline; return (child CPU seconds, wall seconds)."""
    description = baseline_pipeline(count, width, height, FPS, path)
    cpu_start, wall_start = _cpu_children(), time.perf_counter()
    subprocess.run(
        ["gst-launch-1.0", "-q", *shlex.split(description)],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return _cpu_children() - cpu_start, time.perf_counter() - wall_start


def cpu_per_frame(config: Config, work: Path) -> Result:
    """CPU seconds per frame, ours (lossless) vs gst-launch on the same frames and settings."""
    count = config.spyglass_frames
    frames = capture_frames(count, WIDTH, HEIGHT)
    ours_path, base_path = work / "ours.mkv", work / "baseline.mkv"
    runs: list[StreamRun] = []

    def ours() -> float:
        run = stream_ours(frames, ours_path, count=count)
        runs.append(run)
        return run.cpu / run.written

    def baseline() -> float:
        return stream_baseline(count, WIDTH, HEIGHT, base_path)[0] / count

    comparison = interleaved(ours, baseline, config.spyglass_rounds, warmup=False)
    decoded = count_frames(ours_path)
    baseline_decoded = count_frames(base_path)
    pipeline = baseline_pipeline(count, WIDTH, HEIGHT, FPS, base_path)
    lossless = all(run.dropped == 0 and run.written == count for run in runs)
    note = (
        f"{count} frames {WIDTH}x{HEIGHT}, lossless pacing; decoded {decoded} (ours) and "
        f"{baseline_decoded} (gst-launch) frames"
    )
    if not lossless or decoded != count:
        note += "; FRAMES LOST"
    return Result.judged(
        GROUP,
        f"CPU per streamed {WIDTH}x{HEIGHT} frame vs gst-launch",
        "ms CPU/frame",
        ours=comparison.ours * 1e3,
        baseline=comparison.baseline * 1e3,
        ratio=comparison.ratio,
        target=Target("<=", 1.15),
        note=note,
        details={
            "frames_per_sample": count,
            "baseline_pipeline": pipeline,
            "decoded_frames_ours": decoded,
            "decoded_frames_baseline": baseline_decoded,
            "dropped": [run.dropped for run in runs],
            "written": [run.written for run in runs],
            **comparison.details(scale=1e3),
        },
    )


def sustained_rate(config: Config, work: Path) -> Result:
    """Frames actually written per wall second while put() is called as fast as possible.

    put() only copies the frame into SpyGlass's single-slot mailbox, so it runs far faster than
    the encoder; each run therefore lasts ``throughput_seconds`` (not a fixed frame count) and
    its figure is the frames found by decoding the file over the run's wall time (start to
    finalized file). The baseline is gst-launch's encoding rate (frames / wall time) for the
    same pipeline; the two are interleaved like the other comparisons.
    """
    seconds = config.throughput_seconds
    base_count = config.throughput_baseline_frames
    pool = capture_frames(100, WIDTH, HEIGHT)
    runs: list[StreamRun] = []
    decoded: list[int] = []

    def ours() -> float:
        path = work / f"throughput-{len(runs)}.mkv"
        runs.append(stream_ours(pool, path, seconds=seconds))
        decoded.append(count_frames(path))
        return decoded[-1] / runs[-1].wall

    def baseline() -> float:
        path = work / "throughput-baseline.mkv"
        return base_count / stream_baseline(base_count, WIDTH, HEIGHT, path)[1]

    comparison = interleaved(ours, baseline, config.throughput_rounds, warmup=False)
    puts = sum(run.put for run in runs)
    wall = sum(run.wall for run in runs)
    return Result.judged(
        GROUP,
        f"sustained written fps, put() flat out, {WIDTH}x{HEIGHT}",
        "fps",
        ours=comparison.ours,
        baseline=comparison.baseline,
        ratio=comparison.ratio,
        target=Target(">=", 0.95),
        note=(
            f"{len(runs)} x {seconds:g} s flat out: {puts / wall:.0f} put()/s, "
            f"{sum(decoded)} of {puts:,} frames written, {sum(r.dropped for r in runs):,} "
            f"replaced in the mailbox; baseline: gst-launch encoding {base_count} frames"
        ),
        details={
            "put_calls": [run.put for run in runs],
            "wall_s": [run.wall for run in runs],
            "cpu_s": [run.cpu for run in runs],
            "decoded_frames": decoded,
            "dropped": [run.dropped for run in runs],
            "baseline_frames": base_count,
            **comparison.details(),
        },
    )


def _slope_kib_per_1000(samples: Sequence[int]) -> float:
    frames = [RSS_SAMPLE_EVERY * (index + 1) for index in range(len(samples))]
    if len(samples) < 2:
        return 0.0
    mean_x, mean_y = statistics.fmean(frames), statistics.fmean(samples)
    num = sum((x - mean_x) * (y - mean_y) for x, y in zip(frames, samples))
    den = sum((x - mean_x) ** 2 for x in frames)
    return 1000.0 * num / den


def _rss_run(count: int, width: int, height: int) -> StreamRun:
    """The RSS run, in a fresh process (see :func:`rss_flatness`)."""
    pool = capture_frames(30, width, height)
    with tempfile.TemporaryDirectory(prefix="backpack-bench-rss-") as tmp:
        return stream_ours(pool, Path(tmp) / "rss.mkv", count=count, sample_rss=True)


def rss_flatness(config: Config, work: Path) -> Result:
    """RSS sampled every 500 frames over a lossless run; first vs last quarter maxima.

    The run happens in a freshly spawned interpreter: this process's RSS still holds the
    earlier benchmarks' frames (glibc keeps freed heap), which would hide growth.
    """
    count = config.rss_frames
    width, height = config.rss_width, config.rss_height
    with multiprocessing.get_context("spawn").Pool(1) as workers:
        run: StreamRun = workers.apply(_rss_run, (count, width, height))
    samples = run.rss_kib
    quarter = max(1, len(samples) // 4)
    first, last = max(samples[:quarter]), max(samples[-quarter:])
    slope = _slope_kib_per_1000(samples)
    mib = 1024.0
    size_note = "" if (width, height) == (WIDTH, HEIGHT) else f"; {width}x{height} to save time"
    return Result.judged(
        GROUP,
        f"RSS over {count:,} frames {width}x{height} (last vs first quarter max)",
        "MiB",
        ours=last / mib,
        baseline=first / mib,
        ratio=last / first,
        target=Target("<=", 1.05),
        note=(
            f"slope {slope:+.1f} KiB/1000 frames, growth {(last - first) / mib:+.1f} MiB; "
            f"every frame written ({run.written}/{count}) in {run.wall:.0f} s, fresh process"
            + size_note
        ),
        details={
            "samples_kib": list(samples),
            "sample_every_frames": RSS_SAMPLE_EVERY,
            "slope_kib_per_1000_frames": slope,
            "written": run.written,
            "dropped": run.dropped,
            "wall_s": run.wall,
            "cpu_s": run.cpu,
        },
    )


def run(config: Config) -> list[Result]:
    """All SpyGlass figures; one failing figure is reported and the others still run."""
    rows: list[Result] = []
    with tempfile.TemporaryDirectory(prefix="backpack-bench-") as tmp:
        for name, figure in (
            ("CPU per streamed frame", cpu_per_frame),
            ("sustained written fps", sustained_rate),
            ("RSS flatness", rss_flatness),
        ):
            try:
                rows.append(figure(config, Path(tmp)))
            except Exception as exc:
                rows.append(Result(GROUP, name, "", status=Status.ERROR, note=repr(exc)[:300]))
            for leftover in Path(tmp).iterdir():
                leftover.unlink()
    return rows
