"""The list of GStreamer elements the base image promises, and where to find it.

The list is ``images/system/gstreamer-elements.txt`` in the repository; the image copies it to
``/usr/share/backpack/gstreamer-elements.txt``. ``BACKPACK_ELEMENTS_FILE`` overrides both.
Each line is an element name followed by a ``#`` comment saying what it is for; a
``gi:<Namespace>`` name is a GObject-introspection typelib (e.g. ``gi:GstRtspServer``);
``file:<path>`` lines are build hints (files the image build collects) and are skipped.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

ENV_VARIABLE = "BACKPACK_ELEMENTS_FILE"
INSTALLED = Path("/usr/share/backpack/gstreamer-elements.txt")
CHECKOUT = Path(__file__).resolve().parents[2] / "images" / "system" / "gstreamer-elements.txt"


@dataclass(frozen=True)
class Element:
    """One promised element (or ``gi:`` typelib) and what it is for."""

    name: str
    purpose: str

    @property
    def typelib(self) -> str | None:
        """The GObject-introspection namespace of a ``gi:`` entry, else ``None``."""
        return self.name[3:] if self.name.startswith("gi:") else None


def elements_file_candidates() -> tuple[Path, ...]:
    """Where the list is looked for, in order: ``$BACKPACK_ELEMENTS_FILE`` (alone, when set),
    else the installed copy, then the checkout's."""
    override = os.environ.get(ENV_VARIABLE)
    if override:
        return (Path(override),)
    return (INSTALLED, CHECKOUT)


def find_elements_file() -> Path | None:
    """The first existing candidate of :func:`elements_file_candidates`, or ``None``."""
    for path in elements_file_candidates():
        if path.is_file():
            return path
    return None


def read_elements_file(path: Path) -> tuple[Element, ...]:
    """Parse the list.

    Raises:
        ValueError: a line holds more than one name, or the list is empty (names the line).
    """
    elements = []
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        text, _, comment = raw.partition("#")
        words = text.split()
        if not words:
            continue
        if len(words) > 1:
            raise ValueError(f"{path}:{number}: one element name a line, got {text.strip()!r}")
        if words[0].startswith("file:"):
            continue
        elements.append(Element(words[0], comment.strip()))
    if not elements:
        raise ValueError(f"{path}: no element listed")
    return tuple(elements)
