"""The ``panoramasdk`` module ``backpack run`` provides when the real SDK is not installed."""

from __future__ import annotations

import importlib.util
import sys
import types
from typing import Any

from backpack.panorama.errors import UnsupportedFeatureError
from backpack.panorama.media import media
from backpack.panorama.node import node

PROVIDED = ("node", "media")
"""Names of the SDK this runtime provides."""


def _missing(name: str) -> Any:
    if name.startswith("__"):
        raise AttributeError(name)
    raise UnsupportedFeatureError(
        f"panoramasdk.{name}",
        f"this runtime provides panoramasdk.{' and panoramasdk.'.join(PROVIDED)}",
    )


def build_module() -> types.ModuleType:
    """A fresh ``panoramasdk`` module object backed by this runtime."""
    module = types.ModuleType("panoramasdk", "Panorama Application SDK, provided by backpack run.")
    module.node = node  # type: ignore[attr-defined]
    module.media = media  # type: ignore[attr-defined]
    module.__getattr__ = _missing  # type: ignore[method-assign]
    return module


def install() -> bool:
    """Register the module as ``panoramasdk`` unless a real SDK is importable.

    Returns whether this runtime's module was installed (``False``: the real SDK wins).
    """
    if "panoramasdk" in sys.modules:
        return sys.modules["panoramasdk"].__doc__ == build_module().__doc__
    if importlib.util.find_spec("panoramasdk") is not None:
        return False
    sys.modules["panoramasdk"] = build_module()
    return True


def uninstall() -> None:
    """Remove this runtime's ``panoramasdk`` module (a real one is left alone)."""
    module = sys.modules.get("panoramasdk")
    if module is not None and module.__doc__ == build_module().__doc__:
        del sys.modules["panoramasdk"]
