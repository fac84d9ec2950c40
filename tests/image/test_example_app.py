"""The example Panorama application, unchanged, under `backpack run` in the published image.

The app image is built FROM the base image pulled from the local registry, for amd64 and
arm64 (arm64 under qemu). It reads a synthetic RTSP camera and a local file, calls the ONNX
model built on the host, and writes annotated video to two files and to Kinesis Video
Streams (a fake KVS endpoint on this host, through kvssink's ``CONTROL_PLANE_URI``). Every
output is decoded and checked: frame count, and the model's box drawn where the object is.
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
from image_helpers import PINS, ROOT, Published, docker_cli

sys.path.insert(0, str(ROOT / "tests" / "runtime"))
from kvs_endpoint import KVSEndpoint
from runtime_helpers import box_edge_is_green
from spyglass_helpers import decode_file

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


def test_example_app_runs_unchanged_to_files_and_kvs(
    app_image: str, arch: str, work: Path, rtsp_camera: str, aws_env: str
) -> None:
    docker_cli(
        "run", "--rm", "--platform", f"linux/{arch}", "-v", f"{work}:/w",
        "--entrypoint", "python3", app_image, "/app/tools/camera.py", "file", "/w/door.mp4",
        "--frames", "45", "--box", "0.5,0.25,0.25,0.25",
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
        assert all(box_edge_is_green(frame, box) for frame in video.frames), name
        assert not any(box_edge_is_green(frame, other) for frame in video.frames), name
    # Kinesis Video Streams got a real PutMedia stream of the annotated camera_0 frames.
    assert kvs_files and received.persisted, received
    frames = [frame for path in kvs_files for frame in decode_file(str(path)).frames]
    assert len(frames) > 10, len(frames)
    assert all(box_edge_is_green(frame, RTSP_BOX) for frame in frames)
