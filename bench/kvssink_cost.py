"""kvssink cost: CPU per frame of KVSSpyGlass streaming vs FileSpyGlass, same encoder settings.

Ours is :class:`backpack.kvs.KVSSpyGlass` streaming through the real ``kvssink`` (found on
``GST_PLUGIN_PATH``) to the local fake Kinesis Video Streams endpoint of the tests
(``tests/kvs/kvs_endpoint.py``: control plane, PutMedia with fragment acks), which runs in a
spawned child process so that its CPU is not counted as ours. The baseline is
:class:`backpack.spyglass.FileSpyGlass` writing Matroska to a temporary file. Both get the
same :class:`~backpack.spyglass.H264Settings`, the same 1280x720 frames (captured from
``videotestsrc``, see :mod:`bench.spyglass_cost`) and lossless pacing (each ``put`` waits
until the previous frame was written). CPU is ``getrusage(RUSAGE_SELF)`` from
``start_streaming()`` to ``stop_streaming()`` over the frames written; KVSSpyGlass's includes
its boto3 control-plane check and kvssink's stream creation. What the endpoint received is
decoded with PyAV and the frames are counted, as is the baseline's file.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
import tempfile
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from bench.config import REPO, Config
from bench.measure import interleaved
from bench.result import Result, Status, Target
from bench.spyglass_cost import (
    FPS,
    HEIGHT,
    WIDTH,
    Frames,
    _cpu_self,
    _wait,
    _written_at_least,
    capture_frames,
    count_frames,
)

GROUP = "kvssink"
NAME = "kvssink cost: CPU per 1280x720 frame, KVSSpyGlass to a local endpoint vs FileSpyGlass"


def _serve(connection: Connection, directory: str) -> None:
    """Child process: run the fake endpoint until told to stop, then save what it got."""
    sys.path.insert(0, str(REPO / "tests" / "kvs"))
    from kvs_endpoint import KVSEndpoint  # type: ignore[import-not-found]

    with KVSEndpoint(lifetime=3600) as endpoint:
        connection.send(endpoint.url)
        connection.recv()
        counts: dict[str, list[str]] = {}
        for name in list(endpoint.streams):
            paths = endpoint.stream(name).write_sessions(Path(directory))
            counts[name] = [str(path) for path in paths]
        connection.send(counts)


def _stream(spyglass: Any, frames: Frames, count: int) -> float:
    """CPU seconds per written frame of one lossless run of ``spyglass``."""
    pool = len(frames)
    start = _cpu_self()
    spyglass.start_streaming()
    try:
        for index in range(count):
            if index:
                _wait(_written_at_least(spyglass, index), f"frame {index - 1}")
            spyglass.put(frames[index % pool])
        _wait(_written_at_least(spyglass, count), "the last frame")
    finally:
        spyglass.stop_streaming()
    written = int(spyglass.written_frames)
    return (_cpu_self() - start) / max(1, written)


def cpu_per_frame(config: Config, work: Path) -> Result:
    """KVSSpyGlass (kvssink, fake endpoint) vs FileSpyGlass, CPU per frame."""
    from backpack.kvs import KVSInlineCredentialsHandler, KVSSpyGlass, kvssink_available
    from backpack.spyglass import FileSpyGlass, H264Settings

    if not kvssink_available():
        return Result(
            GROUP,
            NAME,
            "",
            status=Status.ERROR,
            note=f"kvssink not found on GST_PLUGIN_PATH={os.environ.get('GST_PLUGIN_PATH')!r}",
        )
    count = config.spyglass_frames
    frames = capture_frames(count, WIDTH, HEIGHT)
    encoder = H264Settings(bitrate=2000, tune="zerolatency")
    handler = KVSInlineCredentialsHandler("AKIABENCHEXAMPLE", "bench-secret-not-real")
    context = multiprocessing.get_context("spawn")
    parent, child = context.Pipe()
    server = context.Process(target=_serve, args=(child, str(work)), daemon=True)
    server.start()
    saved = {name: os.environ.get(name) for name in ("CONTROL_PLANE_URI", "AWS_DEFAULT_REGION")}
    rounds: list[str] = []
    try:
        if not parent.poll(60):
            raise RuntimeError("the fake KVS endpoint did not start within 60 s")
        os.environ["CONTROL_PLANE_URI"] = str(parent.recv())
        os.environ.pop("AWS_DEFAULT_REGION", None)

        def ours() -> float:
            name = f"bench-{len(rounds)}"
            rounds.append(name)
            spyglass = KVSSpyGlass(
                "us-east-1", name, handler, fps=FPS, width=WIDTH, height=HEIGHT, encoder=encoder
            )
            return _stream(spyglass, frames, count)

        def baseline() -> float:
            spyglass = FileSpyGlass(
                str(work / "file.mkv"), fps=FPS, width=WIDTH, height=HEIGHT, encoder=encoder
            )
            return _stream(spyglass, frames, count)

        comparison = interleaved(ours, baseline, config.spyglass_rounds, warmup=False)
        parent.send("stop")
        if not parent.poll(120):
            raise RuntimeError("the fake KVS endpoint did not save what it received")
        received: dict[str, list[str]] = parent.recv()
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        server.join(30)
        if server.is_alive():
            server.terminate()
    decoded = [sum(count_frames(Path(p)) for p in received.get(name, [])) for name in rounds]
    baseline_decoded = count_frames(work / "file.mkv")
    note = (
        f"{count} frames {WIDTH}x{HEIGHT} a sample, lossless pacing, {encoder.element(FPS)} "
        f"(kvssink adds bframes=0, profile=baseline); decoded per KVS round {decoded}, "
        f"FileSpyGlass {baseline_decoded}"
    )
    if any(frames_ != count for frames_ in decoded):
        note += "; FRAMES LOST"
    return Result.judged(
        GROUP,
        NAME,
        "ms CPU/frame",
        ours=comparison.ours * 1e3,
        baseline=comparison.baseline * 1e3,
        ratio=comparison.ratio,
        target=Target("<=", 1.10),
        note=note,
        details={
            "frames_per_sample": count,
            "decoded_frames_kvs": decoded,
            "decoded_frames_file": baseline_decoded,
            **comparison.details(scale=1e3),
        },
    )


def run(config: Config) -> list[Result]:
    """The kvssink row; a failure is reported as the row's error."""
    with tempfile.TemporaryDirectory(prefix="backpack-bench-kvs-") as tmp:
        try:
            return [cpu_per_frame(config, Path(tmp))]
        except Exception as exc:
            return [Result(GROUP, NAME, "", status=Status.ERROR, note=repr(exc)[:300])]
