"""Text of ``gst-launch``-style pipeline descriptions: quoted values and element properties."""

from __future__ import annotations

import re
from collections.abc import Mapping

from backpack._types import PropertyValue

_BARE = re.compile(r"[A-Za-z0-9_.:/+=@-]+")
_NAME = re.compile(r"[a-z][a-z0-9-]*")


def quote(text: str) -> str:
    """``text`` in double quotes, backslashes and quotes escaped, for ``gst_parse_launch``.

    Example:
        >>> print(quote('my "cam"'))
        "my \\"cam\\""
    """
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'


def format_property(name: str, value: PropertyValue) -> str:
    """Return ``name=value``; booleans as ``true``/``false``, other strings quoted if needed.

    Example:
        >>> format_property("stream-name", "my cam")
        'stream-name="my cam"'
        >>> format_property("frame-timecodes", False)
        'frame-timecodes=false'
    """
    if not _NAME.fullmatch(name):
        raise ValueError(f"invalid GStreamer property name: {name!r}")
    if isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, (int, float)):
        text = str(value)
    elif isinstance(value, str):
        if not value.isprintable():
            raise ValueError(f"property {name} has a non-printable value")
        text = value if _BARE.fullmatch(value) else quote(value)
    else:
        raise TypeError(f"property {name}: unsupported value type {type(value).__name__}")
    return f"{name}={text}"


def format_properties(properties: Mapping[str, PropertyValue]) -> str:
    """Space-separated :func:`format_property` of every item, in order."""
    return " ".join(format_property(name, value) for name, value in properties.items())
