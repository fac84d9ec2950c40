"""Shared values and helpers of the base-image tests (imported by conftest and tests)."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
# Where build/main.sh writes its logs and summaries (BACKPACK_OUT, as build/steps/lib.sh).
OUT = Path(os.environ.get("BACKPACK_OUT") or ROOT / "out")
MACHINE = {"amd64": "x86_64", "arm64": "aarch64"}

_spec = importlib.util.spec_from_file_location("pins", ROOT / "build" / "steps" / "pins.py")
assert _spec and _spec.loader
_pins_module = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_pins_module)
# The pins of docker-bake.hcl (environment overrides applied), as the build uses them.
PINS: dict[str, str] = _pins_module.pins()
REGISTRY = PINS["REGISTRY"]
IMAGE_NAME = PINS["IMAGE_NAME"]
TAG = PINS["TAG"]
# The architectures built and published (ARCHES=amd64 tests one).
ARCHES = tuple(PINS["ARCHES"].split())
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
    """build/steps/bake.sh: bake with the settings build/main.sh used (KVS decision, version)."""
    done = subprocess.run(
        ["bash", str(ROOT / "build" / "steps" / "bake.sh"), *args],
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
