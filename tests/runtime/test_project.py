"""Project loading and wiring checks: each thing ``backpack run`` cannot honour is named."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from runtime_helpers import EXAMPLE, make_model, run_backpack

from backpack.panorama import (
    CameraSource,
    OutputSpec,
    ProjectError,
    Runtime,
    RuntimeConfig,
    UnsupportedFeatureError,
    load_project,
)

CODE = "packages/123456789012-OBJECT_DETECTOR_CODE-1.0"


def _copy(tmp_path: Path) -> Path:
    return Path(shutil.copytree(EXAMPLE, tmp_path / "app"))


def _edit(path: Path, change: Callable[[dict[str, Any]], None]) -> None:
    data = json.loads(path.read_text())
    change(data)
    path.write_text(json.dumps(data))


def test_example_project_is_read_as_declared() -> None:
    project = load_project(EXAMPLE)
    assert project.name == "object_detector_app"
    assert project.entry == (EXAMPLE / CODE / "src" / "app.py").resolve()
    assert project.media_inputs == ("video_in",) and project.media_outputs == ("video_out",)
    assert project.parameters["threshold"].value == 0.5
    assert project.parameters["threshold"].type == "float32"
    assert dict(project.models) == {"model_node": "123456789012::OBJECT_DETECTOR_MODEL"}
    assert not project.open_models


def test_single_app_file(tmp_path: Path) -> None:
    app = tmp_path / "my_app.py"
    app.write_text("")
    project = load_project(app)
    assert project.name == "my_app" and project.open_models


@pytest.mark.parametrize(
    ("change", "file", "error", "match"),
    [
        (
            lambda d: d["runtimeDescriptor"]["entry"].update(path="bash", name="/panorama/run.sh"),
            f"{CODE}/descriptor.json",
            UnsupportedFeatureError,
            "entry point 'bash' '/panorama/run.sh'.*Python entry points only",
        ),
        (
            lambda d: d["runtimeDescriptor"]["entry"].update(name="/panorama/main.py"),
            f"{CODE}/descriptor.json",
            ProjectError,
            "names '/panorama/main.py', but neither src/main.py",
        ),
        (
            lambda d: d["nodeGraph"]["nodes"][3].update(interface="panorama::data_sink.s3"),
            "graphs/object_detector_app/graph.json",
            UnsupportedFeatureError,
            r"node 'output_node' \(panorama::data_sink.s3\) is not supported",
        ),
        (
            lambda d: d["nodePackage"]["interfaces"][0]["outputs"].append(
                {"name": "counts", "type": "string"}
            ),
            f"{CODE}/package.json",
            UnsupportedFeatureError,
            "output 'counts' of type 'string'",
        ),
        (
            lambda d: d["nodeGraph"]["packages"].pop(1),
            "graphs/object_detector_app/graph.json",
            ProjectError,
            "package 123456789012::OBJECT_DETECTOR_MODEL is not listed",
        ),
    ],
)
def test_project_problems_are_named(
    tmp_path: Path, change: Any, file: str, error: type[Exception], match: str
) -> None:
    root = _copy(tmp_path)
    _edit(root / file, change)
    with pytest.raises(error, match=match):
        load_project(root)


def test_missing_and_broken_files(tmp_path: Path) -> None:
    root = _copy(tmp_path)
    (root / CODE / "package.json").write_text("{")
    with pytest.raises(ProjectError, match=r"package\.json is not valid JSON"):
        load_project(root)
    (root / CODE / "package.json").unlink()
    with pytest.raises(ProjectError, match=r"package\.json is missing"):
        load_project(root)
    with pytest.raises(ProjectError, match="no such project directory"):
        load_project(tmp_path / "nowhere")


def _config(tmp_path: Path, **overrides: Any) -> RuntimeConfig:
    video = tmp_path / "cam.mp4"
    video.write_bytes(b"")
    base: dict[str, Any] = {
        "cameras": (CameraSource.parse(str(video)),),
        "models": {"model_node": str(make_model(tmp_path / "m.onnx"))},
    }
    base.update(overrides)
    return RuntimeConfig(**base)


@pytest.mark.parametrize(
    ("overrides", "match"),
    [
        ({"models": {}}, r"model nodes \['model_node'\] have no ONNX file: pass --model"),
        ({"models": {"detector": "x.onnx"}}, "the graph has no model node 'detector'"),
        ({"parameters": {"treshold": "0.5"}}, r"--param treshold: .*declares \['threshold'\]"),
        ({"parameters": {"threshold": "high"}}, "--param threshold=high: not a valid float32"),
        ({"cameras": ()}, "no camera"),
        ({"outputs": (OutputSpec.parse("camera_3=file:/tmp/x.mkv"),)}, "bound to 'camera_3'"),
        ({"max_frames": 0}, "max_frames must be at least 1"),
    ],
)
def test_wiring_problems_are_named(tmp_path: Path, overrides: dict[str, Any], match: str) -> None:
    with pytest.raises(ProjectError, match=match):
        Runtime(load_project(EXAMPLE), _config(tmp_path, **overrides))


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ("ftp:/x", "expected file:PATH, rtsp"),
        ("file:", "file needs a path"),
        ("kvs:", "kvs needs a stream name"),
        ("rtsp:99999/x", "rtsp port must be 1-65535"),
        ("preview:abc", "preview port must be a number"),
    ],
)
def test_bad_outputs(text: str, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        OutputSpec.parse(text)


def test_output_bindings() -> None:
    assert OutputSpec.parse("kvs:door") == OutputSpec("kvs", "door", "camera_0")
    assert OutputSpec.parse("camera_2=rtsp") == OutputSpec("rtsp", "", "camera_2")


def test_bad_camera() -> None:
    with pytest.raises(ValueError, match="not an rtsp:// URL, an existing video file"):
        CameraSource.parse("/no/such/video.mp4")


def test_cli_reports_configuration_errors_with_status_2(tmp_path: Path) -> None:
    result = run_backpack("run", str(EXAMPLE), "--camera", "rtsp://127.0.0.1:1/x")
    assert result.returncode == 2
    assert "model nodes ['model_node'] have no ONNX file" in result.stderr
    result = run_backpack("run", str(EXAMPLE), "--camera", "nothing.mp4")
    assert result.returncode == 2 and "not an rtsp:// URL" in result.stderr
    result = run_backpack("run", str(EXAMPLE), "--param", "threshold")
    assert result.returncode == 2 and "--param expects NAME=VALUE" in result.stderr
