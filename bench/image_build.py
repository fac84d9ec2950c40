"""Image build: cold and warm bake time of both architectures, and final image sizes.

The image build's own scripts do the work, so the bench measures exactly what users run:

* cold: ``build/steps/prune-build-cache.sh`` (forgets the BuildKit cache and the built tags), then
  ``SKIP_PUBLISH=1 build/main.sh``, which bakes ``base-amd64`` and ``base-arm64`` in one
  invocation, times it and writes ``out/build-summary-cold.json`` (bake seconds, image and
  base image sizes from ``docker image inspect``);
* warm: ``build/steps/warm-rebuild.sh``, which appends a comment to ``backpack/__init__.py`` in a
  scratch copy of the build context and re-bakes both architectures on the warm cache
  (``out/warm-rebuild.json``).

With ``--with-image-build`` both run (slow: the cold build compiles OpenCV for two
architectures) and the figures are saved to ``bench/results/image-build.json``. Without it
nothing is built: the last saved figures, or whatever ``out/build-summary.json`` and
``out/warm-rebuild.json`` hold when those are newer, are reported as ``recorded``, not
re-measured.
"""

from __future__ import annotations

import datetime
import json
import os
import subprocess
from pathlib import Path
from typing import Any

from bench.config import REPO, Config
from bench.result import Result, Status, Target

GROUP = "image"
ARCHES = ("amd64", "arm64")
RECORD = REPO / "bench" / "results" / "image-build.json"
"""The figures of the last ``--with-image-build`` run."""
OUT = Path(os.environ.get("BACKPACK_OUT", str(REPO / "out")))
SUMMARY = OUT / "build-summary-cold.json"
"""Bake seconds, per-architecture cache state and sizes, and the date of build/main.sh's last
cold build (build/steps/summary.py; warm re-runs write build-summary-warm.json, never this file)."""
WARM = OUT / "warm-rebuild.json"
"""Warm rebuild seconds of both architectures, written by build/steps/warm-rebuild.sh."""
COLD_BUDGET_S = 12 * 60.0
"""Target: both architectures' cold bake (pruned cache, bases bootstrapped) on 2 cores."""
WARM_BUDGET_S = 60.0
"""Target: the rebuild of both architectures after a change in backpack/ only."""
MB = 1e6
"""Sizes are reported in decimal MB, as build/main.sh prints them."""
ADDED_BUDGET_MB = 300.0
"""Target for what the image adds on top of its base image (tests/image records the size)."""
BUILD_TIMEOUT = 4 * 3600.0


def _script(name: str, env: dict[str, str] | None = None) -> None:
    """Run ``build/<name>``; its log goes to ``out/bench-<name>.log``."""
    OUT.mkdir(parents=True, exist_ok=True)
    log = OUT / f"bench-{Path(name).stem}.log"
    with log.open("w") as stream:
        done = subprocess.run(
            ["bash", str(REPO / "build" / name)],
            cwd=REPO,
            env={**os.environ, **(env or {})},
            stdout=stream,
            stderr=subprocess.STDOUT,
            timeout=BUILD_TIMEOUT,
            check=False,
        )
    if done.returncode != 0:
        tail = log.read_text().strip().splitlines()[-15:]
        raise RuntimeError(f"build/{name} failed (log: {log}):\n" + "\n".join(tail))


def _load(path: Path) -> dict[str, Any]:
    data = json.loads(path.read_text())
    if not isinstance(data, dict):
        raise ValueError(f"{path}: expected a JSON object")
    return data


def combine(summary: dict[str, Any], warm: dict[str, Any] | None, cold: bool) -> dict[str, Any]:
    """Figures from build/main.sh's summary and warm-rebuild.sh's output."""
    arches: dict[str, Any] = {}
    states = []
    for arch in ARCHES:
        item = summary.get(arch)
        if not isinstance(item, dict):
            continue
        states.append(item.get("cache"))
        arches[arch] = {
            "tag": f"{summary.get('tag', '?')}-{arch}",
            "size_bytes": int(item["image_bytes"]),
            "base_tag": item.get("base_image"),
            "base_size_bytes": int(item["base_bytes"]),
        }
    return {
        "bake_s": float(summary["bake_seconds"]),
        "bake_arches": list(summary.get("bake_arches", arches)),
        "bake_was_cold": cold or (bool(states) and all(s == "cold" for s in states)),
        "date": summary.get("date"),
        "warm_s": None if warm is None else warm.get("seconds"),
        "arches": arches,
    }


def measure() -> dict[str, Any]:
    """Cold build of both architectures, then the warm rebuild; save and return the figures."""
    started = datetime.datetime.now(datetime.timezone.utc)
    _script("steps/prune-build-cache.sh")
    _script("main.sh", {"SKIP_PUBLISH": "1"})
    _script("steps/warm-rebuild.sh")
    figures = combine(_load(SUMMARY), _load(WARM), cold=True)
    figures["measured"] = started.isoformat(timespec="seconds")
    RECORD.parent.mkdir(parents=True, exist_ok=True)
    RECORD.write_text(json.dumps(figures, indent=2) + "\n")
    return figures


def rows_from(figures: dict[str, Any], status: Status, note: str) -> list[Result]:
    """Table rows of :func:`combine`'s figures."""
    rows = []
    if "bake_s" not in figures:  # a record from before the one-invocation bake
        return rows
    both = " + ".join(figures["bake_arches"])
    bake, warm = figures["bake_s"], figures.get("warm_s")
    if figures.get("bake_was_cold"):
        rows.append(
            Result.judged(
                GROUP,
                f"cold bake of {both} vs {COLD_BUDGET_S:g} s budget",
                "s",
                ours=bake,
                baseline=COLD_BUDGET_S,
                ratio=bake / COLD_BUDGET_S,
                target=Target("<=", 1.0),
                note=f"baseline column = the budget; {figures.get('date')}; {note}",
            )
        )
    else:
        rows.append(
            Result(
                GROUP,
                f"bake of {both} (cache state unknown)",
                "s",
                ours=bake,
                status=status,
                note=note,
            )
        )
    if warm is not None:
        rows.append(
            Result.judged(
                GROUP,
                f"warm rebuild of {both} (backpack/ changed) vs {WARM_BUDGET_S:g} s budget",
                "s",
                ours=float(warm),
                baseline=WARM_BUDGET_S,
                ratio=float(warm) / WARM_BUDGET_S,
                target=Target("<=", 1.0),
                note=f"baseline column = the budget; {note}",
            )
        )
    for arch, item in figures.get("arches", {}).items():
        rows.append(
            Result(
                GROUP,
                f"{arch}: image size vs base image",
                "MB",
                ours=item["size_bytes"] / MB,
                baseline=item["base_size_bytes"] / MB,
                ratio=item["size_bytes"] / item["base_size_bytes"],
                status=status,
                note=f"{item['tag']} vs {item['base_tag']}; {note}",
                details=dict(item),
            )
        )
        added = (item["size_bytes"] - item["base_size_bytes"]) / MB
        rows.append(
            Result.judged(
                GROUP,
                f"{arch}: size added to the base vs {ADDED_BUDGET_MB:g} MB budget",
                "MB",
                ours=added,
                baseline=ADDED_BUDGET_MB,
                ratio=added / ADDED_BUDGET_MB,
                target=Target("<=", 1.0),
                note=f"baseline column = the budget; {note}",
                details=dict(item),
            )
        )
    return rows


def _stamp(path: Path) -> str:
    moment = datetime.datetime.fromtimestamp(path.stat().st_mtime, datetime.timezone.utc)
    return f"{moment:%Y-%m-%d %H:%M}Z"


def recorded() -> list[Result]:
    """Rows of the last measured run, or of build/main.sh's own records when newer."""
    summary_newer = SUMMARY.is_file() and (
        not RECORD.is_file() or SUMMARY.stat().st_mtime > RECORD.stat().st_mtime + 1
    )
    if RECORD.is_file() and not summary_newer:
        figures = _load(RECORD)
        note = f"recorded {figures.get('measured', '?')} by --with-image-build, not re-measured"
        return rows_from(figures, Status.RECORDED, note)
    if not SUMMARY.is_file():
        return []
    warm = _load(WARM) if WARM.is_file() else None
    note = f"cold build recorded by build/main.sh {_load(SUMMARY).get('date', _stamp(SUMMARY))}"
    if warm is not None:
        note += f" and build/steps/warm-rebuild.sh {_stamp(WARM)}"
    return rows_from(
        combine(_load(SUMMARY), warm, cold=False), Status.RECORDED, note + ", not re-measured"
    )


def run(config: Config) -> list[Result]:
    """Measure (with ``--with-image-build``) or report the recorded figures."""
    if config.with_image_build:
        return rows_from(measure(), Status.INFO, "measured in this run")
    rows = recorded()
    if not rows:
        rows.append(
            Result(
                GROUP,
                "build times and sizes",
                "",
                status=Status.SKIPPED,
                note="nothing recorded yet: run build/main.sh, or this with --with-image-build",
            )
        )
    return rows
