"""Image build: cold and warm build time per architecture, and final image size.

With ``--with-image-build`` the base image is built for each architecture through
``build/bake.sh`` (``docker buildx bake`` with the settings ``build/main.sh`` uses; targets
``base-amd64`` and ``base-arm64`` of ``docker-bake.hcl``): cold with ``--no-cache``, then warm
after touching ``backpack/__init__.py``. The final image's size (``docker image inspect``) is
compared with the size of the bootstrap Debian base image it is built FROM (its
``org.opencontainers.image.base.name`` label). The figures are saved to
``bench/results/image-build.json``.

Without the flag nothing is built: the last saved figures, and the build times and sizes that
``build/main.sh`` recorded in ``out/build-summary.json`` (or ``out/image-sizes.json``), are
reported as ``recorded``, not re-measured.
"""

from __future__ import annotations

import datetime
import json
import os
import shutil
import subprocess
import time
from pathlib import Path
from typing import Any, Dict, List, Tuple

from bench.config import REPO, Config
from bench.result import Result, Status

GROUP = "image"
ARCHES = ("amd64", "arm64")
BAKE = ["bash", str(REPO / "build" / "bake.sh")]
"""docker buildx bake with build/main.sh's settings (offline KVS decision, tags)."""
RECORD = REPO / "bench" / "results" / "image-build.json"
"""The figures of the last ``--with-image-build`` run."""
SUMMARY = REPO / "out" / "build-summary.json"
"""Build times and sizes recorded by build/main.sh."""
SIZES = REPO / "out" / "image-sizes.json"
"""Sizes recorded by the image build in another format, if present."""
BASE_LABEL = "org.opencontainers.image.base.name"
TOUCHED = REPO / "backpack" / "__init__.py"
MIB = 1024.0 * 1024.0


def _docker() -> Tuple[List[str], Dict[str, str]]:
    """The docker command and environment the image build scripts use (build/lib.sh)."""
    docker = "/usr/bin/docker" if os.access("/usr/bin/docker", os.X_OK) else "docker"
    env = dict(os.environ)
    env.setdefault("DOCKER_API_VERSION", "1.41")
    env.setdefault("DOCKER_BUILDKIT", "1")
    return [docker], env


def _run(args: List[str], timeout: float = 7200.0, *, bake: bool = False) -> str:
    docker, env = _docker()
    done = subprocess.run(
        (BAKE if bake else docker) + args,
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if done.returncode != 0:
        tail = (done.stderr or done.stdout).strip().splitlines()[-15:]
        command = "build/bake.sh" if bake else "docker"
        raise RuntimeError(f"{command} {' '.join(args)} failed:\n" + "\n".join(tail))
    return done.stdout


def base_tag(arch: str) -> str:
    """The bootstrap base image of ``arch`` (``$BASE_REPO:$BASE_SUITE-<arch>``, build/lib.sh)."""
    repo = os.environ.get("BASE_REPO", "backpack-local/debian")
    suite = os.environ.get("BASE_SUITE", "bookworm")
    return f"{repo}:{suite}-{arch}"


def target_tags(target: str) -> List[str]:
    """The tags ``docker-bake.hcl`` gives ``target`` (``bake --print``)."""
    printed = json.loads(_run(["--print", target], timeout=120, bake=True))
    tags = printed.get("target", {}).get(target, {}).get("tags", [])
    return [str(tag) for tag in tags]


def base_of(tag: str, arch: str) -> str:
    """The image ``tag`` was built FROM (its label), else the bootstrap base of ``arch``."""
    label = _run(
        ["image", "inspect", "--format", f'{{{{index .Config.Labels "{BASE_LABEL}"}}}}', tag]
    )
    label = label.strip()
    return label if label and label != "<no value>" else base_tag(arch)


def image_size(tag: str) -> int:
    """Bytes of ``tag`` as ``docker image inspect`` reports them."""
    return int(_run(["image", "inspect", "--format", "{{.Size}}", tag]).strip())


def bake(target: str, *, cold: bool) -> float:
    """Build ``target`` into the local engine; return the wall time in seconds."""
    args = ["--progress=plain"]
    if cold:
        args.append("--no-cache")
    started = time.monotonic()
    _run([*args, target], bake=True)
    return time.monotonic() - started


def measure() -> Dict[str, Any]:
    """Build every architecture cold, then warm; return the figures (also saved to RECORD)."""
    if shutil.which(_docker()[0][0]) is None:
        raise RuntimeError("docker CLI not found (build/main.sh installs the engine)")
    for arch in ARCHES:  # the bootstrap base images and sources build/main.sh prepares
        if subprocess.run(
            [*_docker()[0], "image", "inspect", base_tag(arch)], capture_output=True, check=False
        ).returncode:
            raise RuntimeError(f"{base_tag(arch)} missing: run build/main.sh once first")
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
        if not tags:
            raise RuntimeError(f"docker-bake.hcl gives {target} no tag: cannot inspect it")
        base = base_of(tags[0], arch)
        figures["arches"][arch] = {
            "target": target,
            "tag": tags[0],
            "cold_s": round(cold, 1),
            "warm_s": round(warm, 1),
            "size_bytes": image_size(tags[0]),
            "base_tag": base,
            "base_size_bytes": image_size(base),
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


def _recorded_note(path: Path) -> str:
    stamp = datetime.datetime.fromtimestamp(path.stat().st_mtime, datetime.timezone.utc)
    name = path.relative_to(REPO)
    return f"from {name} ({stamp:%Y-%m-%d %H:%M}Z), recorded, not re-measured"


def recorded_summary() -> List[Result]:
    """Rows for ``out/build-summary.json`` (build/main.sh's build times and sizes)."""
    if not SUMMARY.is_file():
        return []
    data = json.loads(SUMMARY.read_text())
    note = _recorded_note(SUMMARY)
    rows = []
    for arch in ARCHES:
        item = data.get(arch)
        if not isinstance(item, dict):
            continue
        rows.append(
            Result(
                GROUP,
                f"{arch}: build time (build/main.sh)",
                "s",
                ours=float(item["build_seconds"]),
                status=Status.RECORDED,
                note=f"{arch}: {note} (cold or warm as that run found the cache)",
                details=dict(item),
            )
        )
        rows.append(
            Result(
                GROUP,
                f"{arch}: image size vs base (build/main.sh)",
                "MiB",
                ours=item["image_bytes"] / MIB,
                baseline=item["base_bytes"] / MIB,
                ratio=item["image_bytes"] / item["base_bytes"] if item["base_bytes"] else None,
                status=Status.RECORDED,
                note=f"{data.get('tag', '?')}-{arch} vs {item.get('base_image', '?')}; {note}",
                details=dict(item),
            )
        )
    return rows


def recorded_sizes() -> List[Result]:
    """Rows for every size in ``out/image-sizes.json`` (if the image build wrote one)."""
    if not SIZES.is_file():
        return []
    data = json.loads(SIZES.read_text())
    note = _recorded_note(SIZES)
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
    rows.extend(recorded_summary())
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
