"""The doctor's exit status and text report, end to end through ``python -m backpack``."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from doctor_helpers import ROOT, kvssink_dir, run_doctor


def test_exit_status_is_zero_when_nothing_failed(tmp_path: Path) -> None:
    plugins = kvssink_dir()
    if plugins is None:
        pytest.skip("kvssink not built on this machine (build/test.sh builds it natively)")
    dotenv = tmp_path / ".env"
    dotenv.write_text(f"GST_PLUGIN_PATH={plugins}\n")
    run = run_doctor("--dotenv", str(dotenv), env={"GST_PLUGIN_PATH": str(plugins)})
    statuses = {check["name"]: check["status"] for check in run.report["checks"]}
    assert "failed" not in statuses.values(), run.report
    assert list(statuses) == [
        "python",
        "opencv",
        "gst-elements",
        "kvssink",
        "dotenv",
        "aws-credentials",
        "aws-sts",
        "clock-skew",
    ]
    assert run.report["ok"] is True and run.returncode == 0


def test_text_report_has_one_line_per_check_and_the_fixes(tmp_path: Path) -> None:
    completed = subprocess.run(
        [sys.executable, "-m", "backpack", "doctor", "--dotenv", str(tmp_path / "none.env")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    lines = completed.stdout.splitlines()
    dotenv = [line for line in lines if line.split()[:2] == ["FAILED", "dotenv"]]
    assert len(dotenv) == 1 and "none.env not found" in dotenv[0]
    fix = lines[lines.index(dotenv[0]) + 1]
    assert fix.strip().startswith("fix: ")
    assert re.fullmatch(r"\d+ of 8 checks FAILED, \d+ warning\(s\)", lines[-1]), lines[-1]
    assert completed.returncode == 1


def test_bad_option_is_a_clear_error() -> None:
    completed = subprocess.run(
        [sys.executable, "-m", "backpack", "doctor", "--camera-timeout", "-1"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert completed.returncode != 0
    assert "--camera-timeout must be a positive number" in completed.stderr
