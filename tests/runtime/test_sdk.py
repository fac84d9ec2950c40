"""The panoramasdk surface under ``backpack run``: single app files, unsupported features named,
the real SDK never shadowed, and an app that swallows the stop still ends with its output."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest
from runtime_helpers import make_model, run_backpack, tool
from spyglass_helpers import decode_file

from backpack.panorama import node

HEADER = """
import json, sys
import numpy as np
import panoramasdk
"""


@pytest.fixture(scope="module")
def video(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("cam") / "cam.mp4"
    tool("camera").make_file(
        str(path), 20, width=320, height=240, fps=15, box=(0.5, 0.5, 0.25, 0.25)
    )
    return path


def _app(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "app.py"
    path.write_text(HEADER + textwrap.dedent(body))
    return path


@pytest.mark.timeout(120)
def test_single_file_app_with_params_and_model(tmp_path: Path, video: Path) -> None:
    model = make_model(tmp_path / "det.onnx")
    app = _app(
        tmp_path,
        f"""
        class App(panoramasdk.node):
            def __init__(self):
                self.limit = self.inputs.limit.get()
                self.seen = []
            def run(self):
                while True:
                    streams = self.inputs.video_in.get()
                    for s in streams:
                        data = np.ones((1, 1, 32, 32), np.float32)
                        boxes, scores = self.call(data, "detector")  # bare array, one input
                        boxes2, _ = self.call("detector", {{"data": data}})  # (name, input)
                        self.seen.append([s.stream_id, s.time_stamp[0] > 0, float(scores[0]),
                                          boxes.tolist() == boxes2.tolist() == [[0, 0, 1, 1]],
                                          type(s).__name__])
                        s.add_rect(0.1, 0.1, 0.9, 0.9)
                    self.outputs.video_out.put(streams)
                    if len(self.seen) >= self.limit:
                        json.dump(self.seen, open({str(tmp_path / "seen.json")!r}, "w"))
                        return
        App().run()
        """,
    )
    result = run_backpack(
        "run", str(app), "--camera", str(video), "--param", "limit=5",
        "--model", f"detector={model}", "--output", f"file:{tmp_path}/out.mkv",
        "--summary", str(tmp_path / "s.json"),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    seen = json.loads((tmp_path / "seen.json").read_text())
    assert seen == [["camera_0", True, 1.0, True, "media"]] * 5
    assert "The application returned after 5 frames" in result.stderr
    written = json.loads((tmp_path / "s.json").read_text())["outputs"][0]["written"]
    assert len(decode_file(str(tmp_path / "out.mkv")).frames) == written
    assert 3 <= written <= 5


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("panoramasdk.model()", "panoramasdk.model is not supported by backpack run"),
        (
            "class A(panoramasdk.node):\n    pass\nA().inputs.camera.get()",
            "the code node has no input 'camera'; its interface declares ['video_in']",
        ),
        (
            "class A(panoramasdk.node):\n    pass\nA().call({'data': 1}, 'nope')",
            "no model node 'nope'",
        ),
        (
            "class A(panoramasdk.node):\n    pass\nA().outputs.video_out.put([np.zeros(3)])",
            "video_out.put() takes the list of media",
        ),
    ],
)
def test_unsupported_or_wrong_use_fails_with_a_clear_message(
    tmp_path: Path, video: Path, body: str, message: str
) -> None:
    result = run_backpack("run", str(_app(tmp_path, body)), "--camera", str(video))
    assert result.returncode == 1
    assert message in result.stderr


def test_the_installed_panoramasdk_wins(tmp_path: Path, video: Path) -> None:
    real = tmp_path / "site" / "panoramasdk.py"
    real.parent.mkdir()
    real.write_text("class node:\n    pass\nORIGIN = 'installed'\n")
    app = _app(tmp_path, f"open({str(tmp_path / 'origin')!r}, 'w').write(panoramasdk.ORIGIN)")
    result = run_backpack("run", str(app), "--camera", str(video), env_path=str(real.parent))
    assert result.returncode == 0, result.stderr[-3000:]
    assert (tmp_path / "origin").read_text() == "installed"
    assert "The real panoramasdk is installed" in result.stderr


@pytest.mark.timeout(120)
def test_app_that_swallows_the_stop_still_ends_with_a_complete_file(
    tmp_path: Path, video: Path
) -> None:
    app = _app(
        tmp_path,
        """
        class App(panoramasdk.node):
            pass
        app = App()
        while True:
            try:
                app.outputs.video_out.put(app.inputs.video_in.get())
            except:  # noqa: E722 (what some samples do)
                pass
        """,
    )
    result = run_backpack(
        "run", str(app), "--camera", str(video), "--frames", "8",
        "--output", f"file:{tmp_path}/out.mp4", "--summary", str(tmp_path / "s.json"),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    assert "keeps calling get() after the stop" in result.stderr
    written = json.loads((tmp_path / "s.json").read_text())["outputs"][0]["written"]
    # SpyGlass keeps the newest frame when the encoder is busy: what it wrote is in the file.
    assert len(decode_file(str(tmp_path / "out.mp4")).frames) == written
    assert 4 <= written <= 8


def test_node_outside_the_runtime_says_how_to_start() -> None:
    class App(node):
        pass

    with pytest.raises(RuntimeError, match="start the application with `backpack run`"):
        App()


def test_autoidentity_inside_backpack_run_names_the_application(
    tmp_path: Path, video: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("AppGraph_Uid", raising=False)
    monkeypatch.delenv("BACKPACK_APPLICATION_NAME", raising=False)
    out = tmp_path / "identity.json"
    app = _app(
        tmp_path,
        f"""
        from backpack.autoidentity import AutoIdentity
        identity = AutoIdentity("us-east-1")
        json.dump([identity.source.value, identity.application_name], open({str(out)!r}, "w"))
        """,
    )
    result = run_backpack("run", str(app), "--camera", str(video))
    assert result.returncode == 0, result.stderr[-3000:]
    assert json.loads(out.read_text()) == ["environment", "app"]
