"""Doctor check of the dotenv file (``--dotenv``), proven both ways."""

from __future__ import annotations

from pathlib import Path

from doctor_helpers import run_doctor


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / ".env"
    path.write_text(text)
    return path


def test_consistent_file_passes(tmp_path: Path) -> None:
    plugins = tmp_path / "plugin"
    plugins.mkdir()
    path = _write(tmp_path, f"# kvssink: present\nGST_PLUGIN_PATH={plugins}\nAPP_MODE=test\n")
    check = run_doctor(
        "--dotenv", str(path), env={"GST_PLUGIN_PATH": str(plugins), "APP_MODE": "test"}
    ).check("dotenv")
    assert check["status"] == "ok", check
    assert "APP_MODE, GST_PLUGIN_PATH" in check["finding"] and "consistent" in check["finding"]


def test_unparsable_line_fails_naming_the_line(tmp_path: Path) -> None:
    path = _write(tmp_path, 'GST_PLUGIN_PATH=/tmp\nLD_LIBRARY_PATH="/opt/kvs-sdk/lib\n')
    run = run_doctor("--dotenv", str(path))
    check = run.check("dotenv")
    assert check["status"] == "failed", check
    assert f"{path}:2: cannot parse" in check["finding"] and "KEY=value" in check["fix"]
    assert run.returncode == 1


def test_missing_plugin_directory_fails(tmp_path: Path) -> None:
    path = _write(tmp_path, f"GST_PLUGIN_PATH={tmp_path}/gone\n")
    check = run_doctor("--dotenv", str(path)).check("dotenv")
    assert check["status"] == "failed", check
    assert f"GST_PLUGIN_PATH lists {tmp_path}/gone" in check["finding"]


def test_value_differing_from_the_environment_warns(tmp_path: Path) -> None:
    path = _write(tmp_path, f"GST_PLUGIN_PATH={tmp_path}\n")
    check = run_doctor("--dotenv", str(path), env={"GST_PLUGIN_PATH": "/usr/lib"}).check("dotenv")
    assert check["status"] == "warning", check
    assert "GST_PLUGIN_PATH differ from the environment" in check["finding"]


def test_absent_kvssink_is_mentioned(tmp_path: Path) -> None:
    path = _write(tmp_path, f"# kvssink: ABSENT - no sources.\nGST_PLUGIN_PATH={tmp_path}\n")
    check = run_doctor("--dotenv", str(path), env={"GST_PLUGIN_PATH": str(tmp_path)}).check(
        "dotenv"
    )
    assert check["status"] == "ok" and "kvssink is absent" in check["finding"]


def test_named_file_missing_fails(tmp_path: Path) -> None:
    run = run_doctor("--dotenv", str(tmp_path / "nope.env"))
    check = run.check("dotenv")
    assert check["status"] == "failed" and "not found" in check["finding"], check
    assert run.returncode == 1


def test_default_file_is_checked_when_present_and_only_warned_about_when_absent() -> None:
    check = run_doctor().check("dotenv")
    if Path("/panorama/.env").is_file():  # the base image
        assert "/panorama/.env: " in check["finding"] and check["status"] != "failed", check
    else:  # a development host
        assert check["status"] == "warning" and "not found" in check["finding"], check
