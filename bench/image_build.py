"""Image build: cold and warm build time per architecture, and final image size.

With ``--with-image-build`` the base image is built for each architecture with
``docker buildx bake`` on the repository's ``docker-bake.hcl`` (targets ``base-amd64`` and
``base-arm64``): cold with ``--no-cache``, then warm after touching ``backpack/__init__.py``.
The final image's size (``docker image inspect``) is compared with the size of the bootstrap
Debian base image it is built FROM. The figures are saved to ``bench/results/image-build.json``.

Without the flag nothing is built: the last saved figures (and ``out/image-sizes.json`` when
the image build recorded one) are reported as ``recorded``, not re-measured.
"""

from __future__ import annotations

import datetime
import json
import os
import shutil
import subprocess
import time
from typing import Any, Dict, List, Tuple

from bench.config import REPO, Config
from bench.result import Result, Status

GROUP = "image"
ARCHES = ("amd64", "arm64")
BAKE_FILE = REPO / "docker-bake.hcl"
RECORD = REPO / "bench" / "results" / "image-build.json"
"""The figures of the last ``--with-image-build`` run."""
SIZES = REPO / "out" / "image-sizes.json"
"""Sizes recorded by the image build itself (build/main.sh), if it wrote them."""
TOUCHED = REPO / "backpack" / "__init__.py"
MIB = 1024.0 * 1024.0


def _docker() -> Tuple[List[str], Dict[str, str]]:
    """The docker command and environment the image build scripts use (build/lib.sh)."""
    docker = "/usr/bin/docker" if os.access("/usr/bin/docker", os.X_OK) else "docker"
    env = dict(os.environ)
    env.setdefault("DOCKER_API_VERSION", "1.41")
    env.setdefault("DOCKER_BUILDKIT", "1")
    return [docker], env


def _run(args: List[str], timeout: float = 7200.0) -> str:
    docker, env = _docker()
    done = subprocess.run(
        docker + args,
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if done.returncode != 0:
        tail = (done.stderr or done.stdout).strip().splitlines()[-15:]
        raise RuntimeError(f"docker {' '.join(args)} failed:\n" + "\n".join(tail))
    return done.stdout


def base_tag(arch: str) -> str:
    """The bootstrap base image of ``arch`` (``$BASE_REPO:$BASE_SUITE-<arch>``, build/lib.sh)."""
    repo = os.environ.get("BASE_REPO", "backpack-local/debian")
    suite = os.environ.get("BASE_SUITE", "bookworm")
    return f"{repo}:{suite}-{arch}"


def target_tags(target: str) -> List[str]:
    """The tags ``docker-bake.hcl`` gives ``target`` (``bake --print``)."""
    printed = json.loads(_run(["buildx", "bake", "--file", str(BAKE_FILE), "--print", target]))
    tags = printed.get("target", {}).get(target, {}).get("tags", [])
    return [str(tag) for tag in tags]


def image_size(tag: str) -> int:
    """Bytes of ``tag`` as ``docker image inspect`` reports them."""
    return int(_run(["image", "inspect", "--format", "{{.Size}}", tag]).strip())


def bake(target: str, *, cold: bool) -> float:
    """Build ``target`` into the local engine; return the wall time in seconds."""
    args = ["buildx", "bake", "--file", str(BAKE_FILE), "--load"]
    if cold:
        args.append("--no-cache")
    started = time.monotonic()
    _run([*args, target])
    return time.monotonic() - started


def measure() -> Dict[str, Any]:
    """Build every architecture cold, then warm; return the figures (also saved to RECORD)."""
    if shutil.which(_docker()[0][0]) is None:
        raise RuntimeError("docker CLI not found (build/main.sh installs the engine)")
    _run(["info", "--format", "{{.ServerVersion}}"], timeout=60)
    figures: Dict[str, Any] = {
        "measured": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "arches": {},
    }
    for arch in ARCHES:
        target = f"base-{arch}"
        cold = bake(target, cold=True)
        os.utime(TOUCHED)  # the edit-and-rebuild loop: a source file newer than the cache
        warm = bake(target, cold=False)
        tags = target_tags(target)
        figures["arches"][arch] = {
            "target": target,
            "tag": tags[0] if tags else None,
            "cold_s": round(cold, 1),
            "warm_s": round(warm, 1),
            "size_bytes": image_size(tags[0]) if tags else None,
            "base_tag": base_tag(arch),
            "base_size_bytes": image_size(base_tag(arch)),
        }
    RECORD.parent.mkdir(parents=True, exist_ok=True)
    RECORD.write_text(json.dumps(figures, indent=2) + "\n")
    return figures


def rows_from(figures: Dict[str, Any], status: Status, note: str) -> List[Result]:
    """Table rows of the build figures (``measure()``'s format)."""
    rows = []
    for arch, item in figures.get("arches", {}).items():
        rows.append(
            Result(
                GROUP,
                f"{arch}: warm vs cold build",
                "s",
                ours=item["warm_s"],
                baseline=item["cold_s"],
                ratio=item["warm_s"] / item["cold_s"] if item["cold_s"] else None,
                status=status,
                note=f"{arch} build times; {note}",
                details=dict(item),
            )
        )
        if item.get("size_bytes") and item.get("base_size_bytes"):
            rows.append(
                Result(
                    GROUP,
                    f"{arch}: image size vs bootstrap base",
                    "MiB",
                    ours=item["size_bytes"] / MIB,
                    baseline=item["base_size_bytes"] / MIB,
                    ratio=item["size_bytes"] / item["base_size_bytes"],
                    status=status,
                    note=f"{item['tag']} vs {item['base_tag']}; {note}",
                    details=dict(item),
                )
            )
    return rows


def recorded_sizes() -> List[Result]:
    """Rows for every size in ``out/image-sizes.json`` (written by the image build)."""
    if not SIZES.is_file():
        return []
    data = json.loads(SIZES.read_text())
    stamp = datetime.datetime.fromtimestamp(SIZES.stat().st_mtime, datetime.timezone.utc)
    note = f"from out/image-sizes.json ({stamp:%Y-%m-%d %H:%M}Z), recorded, not re-measured"
    rows = []
    for name, size in _sizes(data, ""):
        rows.append(
            Result(
                GROUP,
                f"recorded size {name}",
                "MiB",
                ours=size / MIB,
                status=Status.RECORDED,
                note=note,
            )
        )
    return rows


def _sizes(data: Any, prefix: str) -> List[Tuple[str, int]]:
    """(name, bytes) for every integer under a key that mentions size or bytes."""
    found: List[Tuple[str, int]] = []
    if isinstance(data, dict):
        for key, value in data.items():
            name = f"{prefix}.{key}" if prefix else str(key)
            if isinstance(value, int) and not isinstance(value, bool):
                if "size" in name.lower() or "bytes" in name.lower() or prefix:
                    found.append((name, value))
            else:
                found.extend(_sizes(value, name))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            found.extend(_sizes(value, f"{prefix}[{index}]"))
    return found


def run(config: Config) -> List[Result]:
    """Measure (with ``--with-image-build``) or report the recorded figures."""
    if config.with_image_build:
        figures = measure()
        return rows_from(figures, Status.INFO, "measured in this run")
    rows: List[Result] = []
    if RECORD.is_file():
        figures = json.loads(RECORD.read_text())
        note = f"recorded {figures.get('measured', '?')}, not re-measured"
        rows.extend(rows_from(figures, Status.RECORDED, note))
    rows.extend(recorded_sizes())
    if not rows:
        rows.append(
            Result(
                GROUP,
                "build times and sizes",
                "",
                status=Status.SKIPPED,
                note="nothing recorded yet: run with --with-image-build (needs the Docker engine)",
            )
        )
    return rows
