"""Doctor checks of the runtime, proven both ways: python, opencv, gst-elements, kvssink."""

from __future__ import annotations

from pathlib import Path

import pytest
from doctor_helpers import ROOT, kvssink_dir, run_doctor

from backpack.doctor.elements import INSTALLED

ELEMENTS_FILE = ROOT / "images" / "system" / "gstreamer-elements.txt"


@pytest.fixture(scope="module")
def kvssink() -> Path:
    found = kvssink_dir()
    if found is None:
        pytest.skip("kvssink not built on this machine (build/test.sh builds it natively)")
    return found


def test_python_reports_versions_and_passes() -> None:
    run = run_doctor()
    check = run.check("python")
    assert check["status"] == "ok"
    assert "backpack 0.1.0" in check["finding"] and "Python 3." in check["finding"]


def test_python_warns_when_a_vendored_copy_shadows_the_installed_backpack(tmp_path: Path) -> None:
    # The installed distribution says 9.9.9 while the imported package (this checkout) is 0.1.0.
    info = tmp_path / "backpack-9.9.9.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: backpack\nVersion: 9.9.9\n")
    run = run_doctor(env={"PYTHONPATH": str(tmp_path)})
    check = run.check("python")
    assert check["status"] == "warning"
    assert "installed distribution is backpack 9.9.9" in check["finding"]
    assert check["fix"]


def test_opencv_passes_with_the_gstreamer_build() -> None:
    check = run_doctor().check("opencv")
    assert check["status"] == "ok" and "with GStreamer YES" in check["finding"]


@pytest.mark.parametrize(
    ("module", "expected"),
    [
        # A wheel-like cv2 without GStreamer shadowing the system one.
        (
            "__version__ = '4.10.0'\n"
            "def getBuildInformation():\n    return '  Video I/O:\\n    GStreamer: NO\\n'\n",
            "built without GStreamer",
        ),
        # A broken install: the extension's shared libraries are gone.
        ("raise ImportError('libopencv_core.so.406: cannot open shared object')\n", "importable"),
    ],
)
def test_opencv_fails_without_gstreamer_or_import(
    tmp_path: Path, module: str, expected: str
) -> None:
    (tmp_path / "cv2").mkdir()
    (tmp_path / "cv2" / "__init__.py").write_text(module)
    run = run_doctor(env={"PYTHONPATH": str(tmp_path)})
    check = run.check("opencv")
    assert check["status"] == "failed", check
    assert expected in check["finding"] and "opencv-python" in check["fix"]
    assert run.returncode == 1


def test_elements_all_load_from_the_promised_list(kvssink: Path) -> None:
    run = run_doctor(env={"GST_PLUGIN_PATH": str(kvssink)})
    check = run.check("gst-elements")
    assert check["status"] == "ok", check
    # The installed copy wins over the checkout's (the image has /usr/share/backpack/...).
    listed = INSTALLED if INSTALLED.is_file() else ELEMENTS_FILE
    assert str(listed) in check["finding"]


def test_elements_missing_from_an_empty_plugin_path_fail_by_name(tmp_path: Path) -> None:
    empty = tmp_path / "plugins"
    empty.mkdir()
    run = run_doctor(
        env={
            "GST_PLUGIN_SYSTEM_PATH": str(empty),
            "GST_PLUGIN_SYSTEM_PATH_1_0": str(empty),
            "GST_PLUGIN_PATH": None,
            "GST_PLUGIN_PATH_1_0": None,
            "GST_REGISTRY": str(tmp_path / "registry.bin"),
            "GST_REGISTRY_1_0": str(tmp_path / "registry.bin"),
        }
    )
    check = run.check("gst-elements")
    assert check["status"] == "failed", check
    for name in ("x264enc", "appsrc", "openh264dec", "rtspsrc", "mp4mux"):
        assert f"{name} (" in check["finding"]
    assert "GST_PLUGIN_PATH" in check["fix"]
    assert run.returncode == 1


def test_one_missing_element_is_named_alone(tmp_path: Path) -> None:
    listed = tmp_path / "elements.txt"
    listed.write_text("appsrc  # in\nno_such_element  # promised but absent\n")
    check = run_doctor(env={"BACKPACK_ELEMENTS_FILE": str(listed)}).check("gst-elements")
    assert check["status"] == "failed"
    assert (
        "1 of 2 promised elements missing: no_such_element (promised but absent)"
        in (check["finding"])
    )


@pytest.mark.parametrize(
    ("content", "expected"),
    [(None, "no list of promised GStreamer elements"), ("appsrc queue\n", ":1: one element")],
)
def test_elements_list_missing_or_malformed_fails(
    tmp_path: Path, content: str | None, expected: str
) -> None:
    listed = tmp_path / "elements.txt"
    if content is not None:
        listed.write_text(content)
    check = run_doctor(env={"BACKPACK_ELEMENTS_FILE": str(listed)}).check("gst-elements")
    assert check["status"] == "failed" and expected in check["finding"], check
    assert check["fix"]


def test_kvssink_loads_and_reports_the_sdk_version(kvssink: Path) -> None:
    status = (kvssink.parent / "STATUS").read_text().strip()
    check = run_doctor(env={"GST_PLUGIN_PATH": str(kvssink)}).check("kvssink")
    assert check["status"] == "ok", check
    assert str(kvssink / "libgstkvssink.so") in check["finding"]
    assert status in check["finding"] and status.startswith("present 3.")


def test_kvssink_missing_from_the_plugin_path_fails(tmp_path: Path) -> None:
    run = run_doctor(
        env={"GST_PLUGIN_PATH": str(tmp_path), "KVS_SDK_HOME": str(tmp_path / "no-sdk")}
    )
    check = run.check("kvssink")
    assert check["status"] == "failed", check
    assert (
        "kvssink not found" in check["finding"] and "no KVS SDK STATUS marker" in (check["finding"])
    )
    assert "GST_PLUGIN_PATH" in check["fix"]
    assert run.returncode == 1


def test_kvssink_declared_absent_is_a_warning(tmp_path: Path) -> None:
    (tmp_path / "plugin").mkdir()
    (tmp_path / "STATUS").write_text("absent: built without the KVS SDK sources\n")
    check = run_doctor(
        env={"GST_PLUGIN_PATH": str(tmp_path / "plugin"), "KVS_SDK_HOME": str(tmp_path)}
    ).check("kvssink")
    assert check["status"] == "warning", check
    assert "built without the KVS SDK sources" in check["finding"]
