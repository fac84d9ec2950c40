"""The example Panorama application, unchanged, under `backpack run` in the published image.

The app image is built FROM the base image pulled from the local registry, for amd64 and
arm64 (arm64 under qemu). It reads a synthetic RTSP camera and a local file, calls the ONNX
model built on the host, and writes annotated video to two files and to Kinesis Video
Streams (a fake KVS endpoint on this host, through kvssink's ``CONTROL_PLANE_URI``). Every
output is decoded and checked: frame count, and the model's box drawn where the object is.
A second run serves the annotated camera as an RTSP output from a bridge-networked container
(its port published), watched from this test process, and is stopped with ``docker stop``.
"""

from __future__ import annotations

import json
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from image_helpers import DOCKER, PINS, ROOT, Published, docker_cli

sys.path.insert(0, str(ROOT / "tests" / "runtime"))
from kvs_endpoint import KVSEndpoint
from runtime_helpers import box_edge_is_green
from spyglass_helpers import decode_file, decode_rtsp, free_port, wait_for

pytestmark = [pytest.mark.image, pytest.mark.timeout(1800)]

APP = ROOT / "images" / "example-app"
RTSP_BOX = (0.25, 0.5, 0.5, 0.75)  # left, top, right, bottom of the RTSP camera's object
FILE_BOX = (0.5, 0.25, 0.75, 0.5)
STREAM = "example-app"


@pytest.fixture(scope="module")
def app_image(published: Published, arch: str) -> str:
    """The example app's image, built FROM the registry image of ``arch``."""
    tag = f"backpack-local/example-app:{arch}"
    # ONNX Runtime's aarch64 extension dies with SIGSEGV when it loads under qemu-user 7.2
    # (measured: onnxruntime 1.28.0 and 1.32.0), so the emulated arm64 image runs the same
    # model with ONNX's reference evaluator (BACKPACK_MODEL_RUNNER picks it by itself).
    extra = "onnx" if arch == "amd64" else "onnx-reference"
    docker_cli(
        "buildx", "build", "--load", "--platform", f"linux/{arch}",
        "--build-arg", f"BASE_IMAGE={published.ref}",
        "--build-arg", f"MODEL_EXTRA={extra}",
        "--build-arg", f"PIP_INDEX_URL={PINS.get('PIP_INDEX_URL', '')}",
        "--secret", f"id=host-ca,src={PINS['HOST_CA_BUNDLE']}",
        "-t", tag, str(APP),
        timeout=1800,
    )  # fmt: skip
    return tag


@pytest.fixture
def work(tmp_path: Path) -> Path:
    """Model and camera file for the container (mounted at /w)."""
    subprocess.run(
        [sys.executable, str(APP / "tools" / "make_model.py"), str(tmp_path / "model.onnx")],
        check=True, timeout=300,
    )  # fmt: skip
    return tmp_path


@pytest.fixture
def rtsp_camera(app_image: str, arch: str) -> Iterator[str]:
    """The example's synthetic RTSP camera, served from a container of the app image."""
    port = 18554 + (0 if arch == "amd64" else 1)
    name = f"backpack-camera-{uuid.uuid4().hex[:8]}"
    docker_cli(
        "run", "-d", "--rm", "--name", name, "--network", "host", "--platform", f"linux/{arch}",
        "--entrypoint", "python3", app_image,
        "/app/tools/camera.py", "rtsp", "--port", str(port), "--path", "/cam",
    )  # fmt: skip
    try:
        yield f"rtsp://127.0.0.1:{port}/cam"
    finally:
        docker_cli("kill", name, check=False)


def _run_app(app_image: str, arch: str, work: Path, args: list[str], env: dict[str, str]) -> str:
    environment = [item for key, value in env.items() for item in ("-e", f"{key}={value}")]
    return docker_cli(
        "run", "--rm", "--network", "host", "--platform", f"linux/{arch}",
        "-v", f"{work}:/w", *environment, app_image, *args,
        timeout=1500,
    )  # fmt: skip


def _showing_object(frames: list[Any]) -> list[Any]:
    """The frames from the first one showing the camera's object (not all black) on.

    The synthetic camera composites its white object over a black background from two live
    sources: its first frame or two can be the background alone when the object's source
    starts late (seen with the emulated arm64 camera, and on a loaded host). The model
    rightly finds nothing there, so no box is drawn on them.
    """
    start = next((i for i, frame in enumerate(frames) if frame.max() >= 64), len(frames))
    assert start < 15, f"the first {start} frames lack the camera's object"
    assert len(frames) - start > 5, f"{len(frames) - start} frames show the camera's object"
    return frames[start:]


def test_example_app_runs_unchanged_to_files_and_kvs(
    app_image: str, arch: str, work: Path, rtsp_camera: str, aws_env: str
) -> None:
    # The file camera plays in real time from the app's start (10 s): under qemu the app's
    # first frames take seconds, and a 3 s file left as few as 3 frames to camera_1's output.
    docker_cli(
        "run", "--rm", "--platform", f"linux/{arch}", "-v", f"{work}:/w",
        "--entrypoint", "python3", app_image, "/app/tools/camera.py", "file", "/w/door.mp4",
        "--frames", "150", "--box", "0.5,0.25,0.25,0.25",
        timeout=600,
    )  # fmt: skip
    with KVSEndpoint() as endpoint:
        _run_app(
            app_image, arch, work,
            [
                "--camera", rtsp_camera, "--camera", "/w/door.mp4",
                "--model", "model_node=/w/model.onnx",
                "--output", "file:/w/rtsp.mkv", "--output", "camera_1=file:/w/file.mp4",
                "--output", f"kvs:{STREAM}",
                "--frames", "60", "--summary", "/w/summary.json",
            ],
            {
                "CONTROL_PLANE_URI": endpoint.url,
                "AWS_ENDPOINT_URL": aws_env,
                "AWS_REGION": "us-east-1",
                "AWS_ACCESS_KEY_ID": "AKIDEXAMPLEAPPTEST01",
                "AWS_SECRET_ACCESS_KEY": "example-app-secret",
            },
        )  # fmt: skip
        received = endpoint.stream(STREAM)
        (work / "kvs").mkdir()
        kvs_files = received.write_sessions(work / "kvs")
    summary: dict[str, Any] = json.loads((work / "summary.json").read_text())
    assert summary["frames"] == 60, summary
    # Outputs in --output order per camera: camera_0's file first (then KVS), camera_1's file.
    written: dict[str, int] = {}
    for output in summary["outputs"]:
        written.setdefault(output["stream_id"], output["written"])
    for name, stream_id, box, other in (
        ("rtsp.mkv", "camera_0", RTSP_BOX, FILE_BOX),
        ("file.mp4", "camera_1", FILE_BOX, RTSP_BOX),
    ):
        video = decode_file(str(work / name))
        assert len(video.frames) == written[stream_id] > 10, (name, summary)
        shown = _showing_object(video.frames)
        assert all(box_edge_is_green(frame, box) for frame in shown), name
        assert not any(box_edge_is_green(frame, other) for frame in video.frames), name
    # Kinesis Video Streams got a real PutMedia stream of the annotated camera_0 frames.
    assert kvs_files and received.persisted, received
    frames = [frame for path in kvs_files for frame in decode_file(str(path)).frames]
    assert len(frames) > 10, len(frames)
    assert all(box_edge_is_green(frame, RTSP_BOX) for frame in _showing_object(frames))


def _logs(name: str) -> str:
    """The container's output (backpack run logs to stderr), last lines."""
    done = subprocess.run(
        [DOCKER, "logs", "--tail", "60", name], capture_output=True, text=True, timeout=60
    )
    return done.stdout + done.stderr


def test_example_app_rtsp_output_is_watchable_from_outside_and_docker_stop_stops_cleanly(
    app_image: str, arch: str, work: Path, rtsp_camera: str
) -> None:
    # The app runs as deployed: on Docker's bridge network, the RTSP output on its default
    # port 8554 (all interfaces) published to a free host port, the camera on the host. The
    # container's own network namespace keeps 8554 away from the camera fixture's ports.
    port = free_port()
    name = f"backpack-example-rtsp-{uuid.uuid4().hex[:8]}"
    camera = rtsp_camera.replace("//127.0.0.1:", "//host.docker.internal:")
    assert camera != rtsp_camera  # the camera listens on all interfaces of the host
    docker_cli(
        "run", "-d", "--name", name, "--platform", f"linux/{arch}",
        "--add-host", "host.docker.internal:host-gateway", "-p", f"127.0.0.1:{port}:8554",
        "-v", f"{work}:/w", app_image,
        "--camera", camera, "--model", "model_node=/w/model.onnx",
        "--output", "rtsp", "--output", "file:/w/annotated.mp4", "--summary", "/w/summary.json",
    )  # fmt: skip
    try:
        frames: list[Any] = []

        def pulled() -> bool:
            try:  # a new session each time, from a key frame (emulated arm64 is slow)
                frames.extend(decode_rtsp(f"rtsp://127.0.0.1:{port}/stream", 10, timeout=60))
            except Exception:  # not serving yet
                return False
            return len(frames) >= 10

        assert wait_for(pulled, timeout=900, interval=2.0), _logs(name)
        assert all(frame.shape == (480, 640, 3) for frame in frames)
        # each pull joins the stream anew; none may show the object unboxed (_showing_object)
        shown = [frame for frame in frames if frame.max() >= 64]
        assert len(shown) >= 5, [frame.max() for frame in frames]
        assert all(box_edge_is_green(frame, RTSP_BOX) for frame in shown), _logs(name)
        assert not any(box_edge_is_green(frame, FILE_BOX) for frame in frames)
        state = docker_cli("inspect", "-f", "{{.State.Running}}", name).strip()
        assert state == "true", _logs(name)  # it ran until stopped, no --frames
        # docker stop: SIGTERM to backpack run (PID 1), SIGKILL (exit 137) only after 120 s.
        docker_cli("stop", "-t", "120", name, timeout=300)
        status = docker_cli("inspect", "-f", "{{.State.ExitCode}} {{.State.OOMKilled}}", name)
        assert status.split() == ["0", "false"], _logs(name)
        logs = _logs(name)
    finally:
        docker_cli("rm", "-f", name, check=False)
    summary: dict[str, Any] = json.loads((work / "summary.json").read_text())
    assert summary["stop_reason"] == "SIGTERM", (summary, logs)
    # Outputs in --output order: the RTSP server, then the MP4 file (finalized on SIGTERM:
    # an MP4 without its index, written at end of stream, does not decode).
    assert [output["stream_id"] for output in summary["outputs"]] == ["camera_0"] * 2, summary
    rtsp, mp4 = summary["outputs"]
    assert rtsp["written"] > 10 and mp4["written"] > 10, summary
    video = decode_file(str(work / "annotated.mp4"))
    assert (video.width, video.height) == (640, 480)
    assert len(video.frames) == mp4["written"], summary
    assert all(box_edge_is_green(frame, RTSP_BOX) for frame in _showing_object(video.frames))
    assert not any(box_edge_is_green(frame, FILE_BOX) for frame in video.frames)
