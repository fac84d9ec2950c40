"""Checks of the Python runtime: interpreter and backpack versions, OpenCV with GStreamer."""

from __future__ import annotations

import importlib.metadata
import platform
import re
import sys
from pathlib import Path

import backpack
from backpack.doctor.check import Check

_CV2_FIX = (
    "use the base image's cv2 (or Debian's python3-opencv); uninstall any opencv-python* "
    "wheel from PyPI, which is built without GStreamer and shadows it"
)


def check_python() -> Check:
    """Interpreter and backpack versions; the imported backpack must be the installed one.

    A copy of backpack vendored in an app's source tree (common in Panorama apps) shadows the
    installed distribution: their versions then differ, which is a warning.
    """
    where = Path(backpack.__file__).resolve().parent
    finding = (
        f"Python {platform.python_version()} ({sys.executable}), "
        f"backpack {backpack.__version__} from {where}"
    )
    try:
        installed: str | None = importlib.metadata.version("backpack")
    except importlib.metadata.PackageNotFoundError:
        installed = None
    if installed is not None and installed != backpack.__version__:
        return Check.warning(
            "python",
            f"{finding}, but the installed distribution is backpack {installed}",
            "remove the vendored copy of backpack from the app (or reinstall backpack)",
        )
    return Check.ok("python", finding)


def check_opencv() -> Check:
    """cv2 is importable and its build information says ``GStreamer: YES``."""
    try:
        import cv2
    except ImportError as exc:
        return Check.failed("opencv", f"cv2 is not importable: {exc}", _CV2_FIX)
    version = getattr(cv2, "__version__", "?")
    where = getattr(cv2, "__file__", None) or "?"
    try:
        info = cv2.getBuildInformation()
    except AttributeError:
        return Check.failed("opencv", f"cv2 at {where} has no getBuildInformation()", _CV2_FIX)
    match = re.search(r"^\s*GStreamer:\s*(\S.*)$", info, re.MULTILINE)
    if match is None or not match.group(1).upper().startswith("YES"):
        return Check.failed(
            "opencv", f"cv2 {version} at {where} is built without GStreamer", _CV2_FIX
        )
    return Check.ok("opencv", f"cv2 {version} with GStreamer {match.group(1).strip()}")
