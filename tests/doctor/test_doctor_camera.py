"""Doctor check of an RTSP camera: a real RTSP server (RTSPSpyGlass) up, and one down."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from doctor_helpers import run_doctor
from spyglass_helpers import Feeder, free_port

from backpack.spyglass import H264Settings, RTSPSpyGlass

QUICK = H264Settings(speed_preset="ultrafast", tune="zerolatency", key_int=5)


@pytest.fixture
def camera() -> Iterator[RTSPSpyGlass]:
    glass = RTSPSpyGlass("/cam", port=free_port(), encoder=QUICK, fps=25, width=320, height=240)
    glass.start_streaming()
    try:
        yield glass
    finally:
        glass.stop_streaming()


@pytest.mark.timeout(120)
def test_serving_camera_reports_resolution_and_fps(camera: RTSPSpyGlass) -> None:
    with Feeder(camera, 320, 240, fps=25):
        run = run_doctor("--camera", camera.url, "--camera-timeout", "60")
    check = run.check("camera")
    assert check["status"] == "ok", check
    match = re.search(r": 320x240, ([0-9.]+) fps measured over 30 frames", check["finding"])
    assert match, check
    assert float(match.group(1)) > 0


@pytest.mark.timeout(120)
def test_camera_down_fails() -> None:
    url = f"rtsp://127.0.0.1:{free_port()}/cam"
    run = run_doctor("--camera", url, "--camera-timeout", "30")
    check = run.check("camera")
    assert check["status"] == "failed", check
    assert url in check["finding"] and "check the URL" in check["fix"]
    assert run.returncode == 1


def test_not_an_rtsp_url_fails_clearly() -> None:
    check = run_doctor("--camera", "/dev/video9").check("camera")
    assert check["status"] == "failed" and "not an RTSP URL" in check["finding"]
