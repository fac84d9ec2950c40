"""Cameras under the runtime: a dead camera never stalls the others; a lost RTSP camera is
re-opened with backoff and its frames flow again."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest
from runtime_helpers import run_backpack, tool
from spyglass_helpers import decode_file, free_port, wait_for

from backpack.panorama import CameraSource, CameraStatus, Runtime, RuntimeConfig, load_project

LOOP_APP = """
import panoramasdk

class App(panoramasdk.node):
    pass

app = App()
while True:
    app.outputs.video_out.put(app.inputs.video_in.get())
"""


@pytest.fixture(scope="module")
def video(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("cam") / "cam.mp4"
    tool("camera").make_file(str(path), 45, width=320, height=240, fps=15, box=(0.5, 0.5, 0.2, 0.2))
    return path


@pytest.mark.timeout(120)
def test_dead_camera_never_stalls_the_live_one(tmp_path: Path, video: Path) -> None:
    app = tmp_path / "app.py"
    app.write_text(LOOP_APP)
    dead = f"rtsp://127.0.0.1:{free_port()}/nothing-here"
    result = run_backpack(
        "run", str(app), "--camera", dead, "--camera", str(video),
        "--output", f"camera_1=file:{tmp_path}/live.mkv", "--frames", "30",
        "--summary", str(tmp_path / "s.json"), "--status-interval", "1",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads((tmp_path / "s.json").read_text())
    assert report["cameras"]["camera_0"]["frames_read"] == 0
    assert report["cameras"]["camera_0"]["reconnects"] >= 1
    assert "camera_0 rtsp://127.0.0.1" in result.stderr and "down" in result.stderr
    # 30 fresh frames of the 45-frame file (played at its own rate) were processed before it
    # ended: a get() that waited for the dead camera would have missed the file's frames.
    assert report["frames"] == 30 and report["stop_reason"] == "30 frames processed"
    written = report["outputs"][0]["written"]
    assert written > 0
    assert len(decode_file(str(tmp_path / "live.mkv")).frames) == written


def test_credentials_are_kept_out_of_logs() -> None:
    source = CameraSource.parse("rtsp://admin:s3cret@10.0.0.5:554/live")
    assert source.display == "rtsp://10.0.0.5:554/live"
    assert "s3cret" not in source.pipeline().replace(source.uri, "")


@pytest.mark.timeout(180)
def test_lost_rtsp_camera_reconnects(tmp_path: Path) -> None:
    camera_tool = tool("camera")
    port = free_port()
    scene = {"width": 320, "height": 240, "fps": 15, "box": (0.1, 0.1, 0.2, 0.2)}
    server = camera_tool.RTSPCamera(port, "/cam", host="127.0.0.1", **scene)
    server.start()
    app = tmp_path / "app.py"
    app.write_text(LOOP_APP)
    runtime = Runtime(
        load_project(app),
        RuntimeConfig(cameras=(CameraSource.parse(f"rtsp://127.0.0.1:{port}/cam"),)),
    )
    status: list[int] = []
    thread = threading.Thread(target=lambda: status.append(runtime.run()), daemon=True)
    thread.start()
    camera = runtime.cameras[0]
    try:
        assert wait_for(lambda: camera.frames_read > 10, timeout=60)
        server.stop()
        assert wait_for(lambda: camera.status is CameraStatus.DOWN, timeout=60)
        before = camera.frames_read
        server = camera_tool.RTSPCamera(port, "/cam", host="127.0.0.1", **scene)
        server.start()
        assert wait_for(lambda: camera.frames_read > before + 10, timeout=90)
        assert camera.reconnects >= 1
        assert camera.status is CameraStatus.STREAMING
        frames_before = runtime.frames
        assert wait_for(lambda: runtime.frames > frames_before + 5, timeout=30)
    finally:
        runtime.request_stop("test over")
        thread.join(60)
        server.stop()
    assert status == [0]
