"""The example Panorama app, unmodified, under the real ``backpack run`` console script.

A synthetic RTSP camera (gst-rtsp-server, white box on black) and a video file made here feed
the app; its model node is an ONNX detector built here; the annotated outputs are decoded with
PyAV and every frame must carry the green box where the model found the white box.
"""

from __future__ import annotations

import json
import signal
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from runtime_helpers import (
    BACKPACK,
    EXAMPLE,
    backpack_env,
    box_edge_is_green,
    make_model,
    run_backpack,
    tool,
)
from spyglass_helpers import decode_file, decode_rtsp, free_port, wait_for

RTSP_BOX = (0.25, 0.5, 0.25, 0.25)  # left, top, width, height of the white box
FILE_BOX = (0.5, 0.25, 0.25, 0.25)


def corners(box: tuple[float, float, float, float]) -> tuple[float, float, float, float]:
    left, top, width, height = box
    return left, top, left + width, top + height


@pytest.fixture(scope="module")
def model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_model(tmp_path_factory.mktemp("model") / "object_detector.onnx")


@pytest.fixture(scope="module")
def camera_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("camera") / "door.mp4"
    tool("camera").make_file(str(path), 45, width=640, height=480, fps=15, box=FILE_BOX)
    return path


@pytest.fixture
def rtsp_camera() -> Iterator[str]:
    camera = tool("camera").RTSPCamera(
        free_port(), "/cam", host="127.0.0.1", width=640, height=480, fps=15, box=RTSP_BOX
    )
    camera.start()
    yield f"rtsp://127.0.0.1:{camera.port}/cam"
    camera.stop()


def _summary(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text())
    return data


@pytest.mark.timeout(240)
def test_rtsp_camera_and_file_with_onnx_model_to_files(
    tmp_path: Path, model: Path, camera_file: Path, rtsp_camera: str
) -> None:
    summary = tmp_path / "summary.json"
    result = run_backpack(
        "run", str(EXAMPLE),
        "--camera", rtsp_camera,
        "--camera", str(camera_file),
        "--model", f"model_node={model}",
        "--param", "threshold=0.9",
        "--output", f"file:{tmp_path}/rtsp.mkv",
        "--output", f"camera_1=file:{tmp_path}/file.mp4",
        "--frames", "60",
        "--summary", str(summary),
        "--status-interval", "1",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    report = _summary(summary)
    assert report["frames"] == 60 and report["stop_reason"] == "60 frames processed"
    assert report["cameras"]["camera_0"]["frames_read"] >= 30
    assert report["cameras"]["camera_1"]["frames_read"] == 45
    written = {o["stream_id"]: o["written"] for o in report["outputs"]}
    # progress and per-camera status went to stderr
    assert "camera_0 streaming" in result.stderr and "Threshold: 0.9" in result.stderr

    for name, stream_id, box in (
        ("rtsp.mkv", "camera_0", RTSP_BOX),
        ("file.mp4", "camera_1", FILE_BOX),
    ):
        video = decode_file(str(tmp_path / name))
        assert (video.width, video.height) == (640, 480)
        assert len(video.frames) == written[stream_id] > 10
        assert all(box_edge_is_green(frame, corners(box)) for frame in video.frames), name
        # and no box where the other camera's object is
        other = FILE_BOX if box is RTSP_BOX else RTSP_BOX
        assert not any(box_edge_is_green(frame, corners(other)) for frame in video.frames)


@pytest.mark.timeout(240)
def test_threshold_above_every_score_draws_no_box(
    tmp_path: Path, model: Path, camera_file: Path
) -> None:
    result = run_backpack(
        "run", str(EXAMPLE), "--camera", str(camera_file),
        "--model", f"model_node={model}", "--param", "threshold=1.5",
        "--output", f"file:{tmp_path}/none.mkv", "--summary", str(tmp_path / "s.json"),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    report = _summary(tmp_path / "s.json")
    assert report["stop_reason"] == "every camera ended"
    video = decode_file(str(tmp_path / "none.mkv"))
    assert len(video.frames) == report["outputs"][0]["written"] > 10
    assert not any(box_edge_is_green(frame, corners(FILE_BOX)) for frame in video.frames)


@pytest.mark.timeout(240)
def test_rtsp_output_is_watchable_and_sigterm_stops_cleanly(
    tmp_path: Path, model: Path, rtsp_camera: str
) -> None:
    port = free_port()
    summary = tmp_path / "summary.json"
    process = subprocess.Popen(
        [
            str(BACKPACK), "run", str(EXAMPLE), "--camera", rtsp_camera,
            "--model", f"model_node={model}", "--output", f"rtsp:{port}/annotated",
            "--summary", str(summary),
        ],
        env=backpack_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        frames: list[Any] = []

        def pulled() -> bool:
            try:
                frames.extend(decode_rtsp(f"rtsp://127.0.0.1:{port}/annotated", 10, timeout=10))
            except Exception:  # not serving yet
                return False
            return len(frames) >= 10

        assert wait_for(pulled, timeout=90, interval=1.0), process.stderr
        assert all(f.shape == (480, 640, 3) for f in frames)
        assert all(box_edge_is_green(frame, corners(RTSP_BOX)) for frame in frames[-5:])
        process.send_signal(signal.SIGTERM)
        _, stderr = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert process.returncode == 0, stderr[-3000:]
    report = _summary(summary)
    assert report["stop_reason"] == "SIGTERM"
    assert report["outputs"][0]["written"] > 10
