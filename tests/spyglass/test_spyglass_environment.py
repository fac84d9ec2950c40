"""dotenv loading: variables reach os.environ, and a GST_PLUGIN_PATH loaded after GStreamer
was initialized becomes effective (plugin registry rescan), proven in a fresh process."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import gi
import pytest

from backpack.spyglass import FileSpyGlass, load_environment

gi.require_version("Gst", "1.0")
from gi.repository import Gst  # noqa: E402

TESTS = Path(__file__).resolve().parent


def test_values_are_loaded_into_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SPYGLASS_TEST_A", "old")
    monkeypatch.delenv("SPYGLASS_TEST_B", raising=False)
    dotenv = tmp_path / ".env"
    dotenv.write_text("SPYGLASS_TEST_A=new\nexport SPYGLASS_TEST_B='with space'\n")
    assert load_environment(dotenv) == {"SPYGLASS_TEST_A": "new", "SPYGLASS_TEST_B": "with space"}
    assert os.environ["SPYGLASS_TEST_A"] == "new"
    assert os.environ["SPYGLASS_TEST_B"] == "with space"

    monkeypatch.delenv("SPYGLASS_TEST_B")
    FileSpyGlass(tmp_path / "x.mp4", dotenv_path=str(dotenv))  # loads at construction
    assert os.environ["SPYGLASS_TEST_B"] == "with space"


def test_missing_dotenv_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="dotenv file not found"):
        FileSpyGlass(tmp_path / "x.mp4", dotenv_path=tmp_path / "nope.env")


_SCRIPT = """
import sys
sys.path.insert(0, {tests!r})
import gi
gi.require_version("Gst", "1.0")
from gi.repository import Gst
Gst.init(None)
assert Gst.ElementFactory.find("x264enc") is None, "x264enc visible before loading .env"
from backpack.spyglass import FileSpyGlass, H264Settings
from spyglass_helpers import color_frame, decode_file, put_all
spyglass = FileSpyGlass({out!r}, dotenv_path={dotenv!r}, fps=25, width=64, height=48,
                        encoder=H264Settings(speed_preset="ultrafast"))
assert Gst.ElementFactory.find("x264enc") is not None, "x264enc still missing after rescan"
spyglass.start_streaming()
put_all(spyglass, [color_frame(i, 64, 48) for i in range(5)])
spyglass.stop_streaming()
assert len(decode_file({out!r}).frames) == 5
print("ok")
"""


@pytest.mark.timeout(120)
def test_plugin_path_from_dotenv_is_rescanned_after_gstreamer_init(tmp_path: Path) -> None:
    Gst.init(None)
    plugin = Gst.Registry.get().find_plugin("x264")
    assert plugin is not None and plugin.get_filename()
    plugin_dir = os.path.dirname(plugin.get_filename())
    dotenv = tmp_path / ".env"
    dotenv.write_text(f"GST_PLUGIN_PATH={plugin_dir}\n")
    empty = tmp_path / "no-plugins"
    empty.mkdir()
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("GST_PLUGIN") and key != "GST_REGISTRY"
    }
    # A fresh registry and no system plugins: only GST_PLUGIN_PATH can provide elements.
    env.update(
        GST_PLUGIN_SYSTEM_PATH_1_0=str(empty),
        GST_PLUGIN_SYSTEM_PATH=str(empty),
        GST_REGISTRY_1_0=str(tmp_path / "registry.bin"),
        GST_REGISTRY=str(tmp_path / "registry.bin"),
    )
    script = textwrap.dedent(
        _SCRIPT.format(tests=str(TESTS), out=str(tmp_path / "out.mp4"), dotenv=str(dotenv))
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        env=env,
        cwd=str(TESTS.parents[1]),
        capture_output=True,
        text=True,
        timeout=100,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.strip().endswith("ok")
