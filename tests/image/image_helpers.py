"""Shared values and helpers of the base-image tests (imported by conftest and tests)."""

from __future__ import annotations

import json
import os
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "out"
ARCHES = ("amd64", "arm64")
MACHINE = {"amd64": "x86_64", "arm64": "aarch64"}
REGISTRY = os.environ.get("REGISTRY", "127.0.0.1:5000")
IMAGE_NAME = os.environ.get("IMAGE_NAME", "backpack/base")
TAG = os.environ.get("TAG", "latest")
DOCKER = "/usr/bin/docker" if Path("/usr/bin/docker").exists() else "docker"


@dataclass(frozen=True)
class Published:
    """The published multi-arch reference and its per-architecture images."""

    ref: str

    def arch_ref(self, arch: str) -> str:
        return f"{self.ref}-{arch}"


def docker_cli(*args: str, timeout: float = 600, check: bool = True) -> str:
    """Run the Docker CLI; return stdout (stderr folded into the error on failure)."""
    done = subprocess.run(
        [DOCKER, *args], capture_output=True, text=True, timeout=timeout, check=False, cwd=ROOT
    )
    if check and done.returncode != 0:
        raise AssertionError(f"docker {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


def bake(*args: str, timeout: float = 1800) -> str:
    """build/bake.sh: bake with the settings build/main.sh used (KVS decision, version)."""
    done = subprocess.run(
        ["bash", str(ROOT / "build" / "bake.sh"), *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
        cwd=ROOT,
    )
    if done.returncode != 0:
        raise AssertionError(f"bake {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


def run_json(host: Any, command: str) -> tuple[int, dict[str, Any]]:
    """Run a component test script inside the container; parse its JSON line."""
    result = host.run(command)
    lines = [line for line in result.stdout.splitlines() if line.startswith("{")]
    assert lines, f"{command!r} printed no JSON (rc={result.rc}):\n{result.stdout}\n{result.stderr}"
    return result.rc, json.loads(lines[-1])
