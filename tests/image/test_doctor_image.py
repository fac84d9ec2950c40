"""`backpack doctor` in a fresh container of the published image, on each architecture.

With AWS reachable (the session's moto server on this host, through ``--network host``)
every check passes and the kvssink line names the SDK the image was built from; with no
region and no credentials the same image reports exactly those failures and exits 1.
"""

from __future__ import annotations

import json
import subprocess
from typing import Any

import pytest
from image_helpers import DOCKER, PINS, Published

pytestmark = [pytest.mark.image, pytest.mark.timeout(900)]


def doctor(published: Published, arch: str, *env: str) -> tuple[int, dict[str, Any]]:
    environment = [item for pair in env for item in ("-e", pair)]
    done = subprocess.run(
        [DOCKER, "run", "--rm", "--network", "host", "--platform", f"linux/{arch}",
         *environment, published.arch_ref(arch), "backpack", "doctor", "--json"],
        capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip
    return done.returncode, json.loads(done.stdout)


def by_name(report: dict[str, Any]) -> dict[str, dict[str, str]]:
    return {check["name"]: check for check in report["checks"]}


def test_doctor_passes_with_aws_reachable(published: Published, arch: str, aws_env: str) -> None:
    status, report = doctor(
        published, arch,
        f"AWS_ENDPOINT_URL={aws_env}", "AWS_REGION=us-east-1",
        "AWS_ACCESS_KEY_ID=AKIDDOCTORIMAGE00001", "AWS_SECRET_ACCESS_KEY=doctor-image-secret",
    )  # fmt: skip
    checks = by_name(report)
    assert status == 0 and report["ok"], report
    assert all(check["status"] == "ok" for check in checks.values()), report
    assert f"present {PINS['KVS_SDK_VERSION']} " in checks["kvssink"]["finding"], checks["kvssink"]
    assert "GStreamer YES" in checks["opencv"]["finding"]


def test_doctor_names_what_is_missing(published: Published, arch: str) -> None:
    status, report = doctor(published, arch, "AWS_EC2_METADATA_DISABLED=true")
    checks = by_name(report)
    assert status == 1 and not report["ok"]
    assert checks["aws-region"]["status"] == checks["aws-credentials"]["status"] == "failed"
    assert checks["aws-credentials"]["fix"], checks["aws-credentials"]
    # What the image itself provides still passes.
    for name in ("python", "opencv", "gst-elements", "kvssink", "dotenv"):
        assert checks[name]["status"] == "ok", checks[name]
