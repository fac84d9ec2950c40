"""Check of the deployment's dotenv file (``/panorama/.env`` in the base image)."""

from __future__ import annotations

import io
import os
from pathlib import Path

from dotenv.parser import parse_stream

from backpack.doctor.check import Check

DEFAULT_PATH = Path("/panorama/.env")
_PATH_LISTS = ("GST_PLUGIN_PATH", "GST_PLUGIN_PATH_1_0", "LD_LIBRARY_PATH")


def check_dotenv(path: Path = DEFAULT_PATH, *, required: bool = False) -> Check:
    """The file parses, its path lists exist, and it agrees with the process environment.

    Args:
        path: the dotenv file (``KVSSpyGlass(dotenv_path=...)`` loads it).
        required: a missing file fails (else it is a warning: not every host is an image).
    """
    if not path.is_file():
        finding = f"{path} not found"
        fix = "use the base image, or pass --dotenv PATH of the app's .env file"
        return (
            Check.failed("dotenv", finding, fix)
            if required
            else Check.warning("dotenv", finding + " (not a Backpack image?)", fix)
        )
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return Check.failed("dotenv", f"{path} is unreadable: {exc}", "fix its permissions")
    values: dict[str, str] = {}
    for binding in parse_stream(io.StringIO(text)):
        if binding.error:
            line = binding.original.string.strip()
            return Check.failed(
                "dotenv",
                f"{path}:{binding.original.line}: cannot parse {line!r}",
                "write one KEY=value a line (python-dotenv syntax), quote values with spaces",
            )
        if binding.key is not None and binding.value is not None:
            values[binding.key] = binding.value
    for key in _PATH_LISTS:
        for entry in filter(None, values.get(key, "").split(":")):
            if not os.path.isdir(entry):
                return Check.failed(
                    "dotenv",
                    f"{path}: {key} lists {entry}, which is not a directory",
                    f"correct {key} in {path}",
                )
    differing = sorted(
        key for key, value in values.items() if key in os.environ and os.environ[key] != value
    )
    summary = f"{path}: {', '.join(sorted(values)) or 'no variables'}"
    if "kvssink: ABSENT" in text:
        summary += "; it says kvssink is absent from this image"
    if differing:
        return Check.warning(
            "dotenv",
            f"{summary}; {', '.join(differing)} differ from the environment "
            "(apps loading the file get the file's values)",
            "make the image ENV and the .env file agree (images/kvssink/write-env.sh)",
        )
    return Check.ok("dotenv", summary + ", consistent with the environment")
