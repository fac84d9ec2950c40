"""``--param NAME=VALUE`` values converted to the type the graph declares."""

from __future__ import annotations

import json
from typing import Any

from backpack.panorama.errors import ProjectError

_TRUE = ("1", "true", "yes", "on")
_FALSE = ("0", "false", "no", "off")


def convert_parameter(name: str, text: str, kind: str | None) -> Any:
    """Convert ``text`` to ``kind`` (``float32``, ``int32``, ``boolean``, ``string``).

    Without a declared kind (single app file) ``text`` is read as JSON, else kept as a string.

    Example:
        >>> convert_parameter("threshold", "0.5", "float32")
        0.5

    Raises:
        ProjectError: ``text`` is not a valid value of ``kind``.
    """
    try:
        if kind == "float32":
            return float(text)
        if kind == "int32":
            return int(text)
        if kind == "boolean":
            lowered = text.lower()
            if lowered not in _TRUE + _FALSE:
                raise ValueError(text)
            return lowered in _TRUE
    except ValueError:
        raise ProjectError(f"--param {name}={text}: not a valid {kind}") from None
    if kind == "string":
        return text
    try:
        return json.loads(text)
    except ValueError:
        return text
