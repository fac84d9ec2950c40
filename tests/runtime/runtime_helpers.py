"""Helpers for the runtime tests: the example project, its tools, the ONNX model, decoding."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import numpy as np

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "images" / "example-app"
BACKPACK = Path(sys.executable).with_name("backpack")


def tool(name: str) -> ModuleType:
    """Import ``images/example-app/tools/<name>.py``."""
    spec = importlib.util.spec_from_file_location(
        f"example_{name}", EXAMPLE / "tools" / f"{name}.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def make_model(path: Path) -> Path:
    """Build the example's detector with the onnx package."""
    import onnx

    onnx.save(tool("make_model").build(), str(path))
    return path


def reference_detector(data: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """What the detector must output, computed with numpy."""
    mask = data[0, 0] > 0.5
    if not mask.any():
        return np.array([[0.0, 0.0, 1.0, 1.0]], np.float32), np.array([0.0], np.float32)
    rows = np.flatnonzero(mask.any(axis=1))
    cols = np.flatnonzero(mask.any(axis=0))
    box = [cols[0], rows[0], cols[-1] + 1, rows[-1] + 1]
    return np.array([box], np.float32) / 32, np.array([1.0], np.float32)


def backpack_env(env_path: str = "") -> dict[str, str]:
    """Environment for the ``backpack`` console script: this checkout first on the path."""
    env = dict(os.environ)
    paths = [str(REPO), env_path, env.get("PYTHONPATH", "")]
    env["PYTHONPATH"] = os.pathsep.join(p for p in paths if p)
    return env


def run_backpack(
    *args: str, timeout: float = 180, env_path: str = ""
) -> subprocess.CompletedProcess[str]:
    """Run the ``backpack`` console script to completion (``env_path``: extra PYTHONPATH)."""
    return subprocess.run(
        [str(BACKPACK), *args],
        env=backpack_env(env_path),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def box_edge_is_green(frame: np.ndarray, box: tuple[float, float, float, float]) -> bool:
    """Whether the middle of the box's top and left edges are drawn green (the rect colour)."""
    height, width = frame.shape[:2]
    left, top, right, bottom = box
    x1, y1 = round(left * (width - 1)), round(top * (height - 1))
    x2, y2 = round(right * (width - 1)), round(bottom * (height - 1))
    samples = [
        frame[y1 - 1 : y1 + 2, (x1 + x2) // 2 - 3 : (x1 + x2) // 2 + 4],
        frame[(y1 + y2) // 2 - 3 : (y1 + y2) // 2 + 4, x1 - 1 : x1 + 2],
    ]
    for patch in samples:
        blue, green, red = patch.reshape(-1, 3).mean(axis=0)
        if not (green > 160 and blue < 90 and red < 90):
            return False
    return True
