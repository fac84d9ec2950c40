"""The results table on stdout and the JSON record in ``bench/results/``."""

from __future__ import annotations

import datetime
import json
import os
import platform
import subprocess
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from bench.config import REPO, Config
from bench.result import Result

COLUMNS = ("benchmark", "ours", "baseline", "ratio", "target", "result")


def _number(value: float | None) -> str:
    if value is None:
        return "-"
    magnitude = abs(value)
    if magnitude >= 1000:
        return f"{value:,.0f}"
    if magnitude >= 100:
        return f"{value:.1f}"
    if magnitude >= 1:
        return f"{value:.2f}"
    return f"{value:.3g}"


def table(results: Sequence[Result]) -> str:
    """A plain-text table: one row per result, notes listed underneath."""
    rows: list[Sequence[str]] = [COLUMNS]
    notes: list[str] = []
    for index, result in enumerate(results, start=1):
        unit = f" {result.unit}" if result.unit else ""
        ours = _number(result.ours) + (unit if result.ours is not None else "")
        baseline = _number(result.baseline) + (unit if result.baseline is not None else "")
        ratio = "-" if result.ratio is None else f"{result.ratio:.3f}"
        target = "-" if result.target is None else str(result.target)
        rows.append(
            (
                f"[{index}] {result.group}: {result.name}",
                ours,
                baseline,
                ratio,
                target,
                result.status.value,
            )
        )
        if result.note:
            notes.append(f"[{index}] {result.note}")
    widths = [max(len(row[column]) for row in rows) for column in range(len(COLUMNS))]
    lines = []
    for number, row in enumerate(rows):
        cells = [
            cell.ljust(width) if column == 0 else cell.rjust(width)
            for column, (cell, width) in enumerate(zip(row, widths))
        ]
        lines.append("  ".join(cells).rstrip())
        if number == 0:
            lines.append("  ".join("-" * width for width in widths))
    if notes:
        lines.append("")
        lines.extend(notes)
    return "\n".join(lines)


def environment() -> dict[str, Any]:
    """What the figures were measured on."""
    info: dict[str, Any] = {
        "python": platform.python_version(),
        "machine": platform.machine(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "load_average": os.getloadavg(),
    }
    try:
        import cv2
        import numpy

        info["opencv"] = cv2.__version__
        info["numpy"] = numpy.__version__
    except ImportError as exc:
        info["opencv"] = f"unavailable: {exc}"
    try:
        info["git_commit"] = subprocess.run(
            ["git", "-C", str(REPO), "rev-parse", "HEAD"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "-C", str(REPO), "status", "--porcelain", "--", "backpack"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        info["backpack_tree_dirty"] = bool(dirty)
    except (OSError, subprocess.CalledProcessError):
        info["git_commit"] = None
    return info


def write_json(
    results: Iterable[Result],
    config: Config,
    started: datetime.datetime,
    elapsed: float,
    directory: Path,
) -> Path:
    """Write ``<timestamp>.json`` and ``latest.json`` into ``directory``; return the former."""
    directory.mkdir(parents=True, exist_ok=True)
    record = {
        "started": started.isoformat(timespec="seconds"),
        "elapsed_s": round(elapsed, 1),
        "config": {name: getattr(config, name) for name in config.__dataclass_fields__},
        "environment": environment(),
        "results": [result.to_json() for result in results],
    }
    text = json.dumps(record, indent=2, default=str) + "\n"
    path = directory / f"{started.strftime('%Y%m%dT%H%M%SZ')}.json"
    path.write_text(text)
    (directory / "latest.json").write_text(text)
    return path
