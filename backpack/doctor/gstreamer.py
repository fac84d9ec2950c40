"""Checks of GStreamer: every promised element is loadable; kvssink and its SDK version."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from backpack.doctor.check import Check
from backpack.doctor.elements import (
    Element,
    elements_file_candidates,
    find_elements_file,
    read_elements_file,
)

KVSSINK = "kvssink"
_GI_FIX = "install PyGObject's GStreamer bindings (Debian: python3-gi python3-gst-1.0)"


def _gst() -> Any:
    import gi

    gi.require_version("Gst", "1.0")
    from gi.repository import Gst

    if not Gst.is_initialized():
        Gst.init(None)
    return Gst


def _typelib_present(namespace: str) -> bool:
    import gi

    try:
        gi.require_version(namespace, "1.0")
        __import__(f"gi.repository.{namespace}")
    except (ImportError, ValueError):
        return False
    return True


def _loadable(gst: Any, name: str) -> Any:
    """The loaded element factory called ``name``, or ``None``."""
    factory = gst.ElementFactory.find(name)
    return factory.load() if factory is not None else None


def check_elements() -> Check:
    """Every element of the promised list (except kvssink, checked by :func:`check_kvssink`)."""
    path = find_elements_file()
    if path is None:
        tried = ", ".join(str(candidate) for candidate in elements_file_candidates())
        return Check.failed(
            "gst-elements",
            f"no list of promised GStreamer elements (tried {tried})",
            "set BACKPACK_ELEMENTS_FILE to images/system/gstreamer-elements.txt of the "
            "backpack checkout, or use the base image (it ships /usr/share/backpack/...)",
        )
    try:
        elements = read_elements_file(path)
    except (OSError, ValueError) as exc:
        return Check.failed("gst-elements", f"unreadable element list: {exc}", f"fix {path}")
    try:
        gst = _gst()
    except (ImportError, ValueError) as exc:
        return Check.failed("gst-elements", f"GStreamer bindings unavailable: {exc}", _GI_FIX)
    wanted = [element for element in elements if element.name != KVSSINK]
    missing: list[Element] = []
    for element in wanted:
        namespace = element.typelib
        present = (
            _typelib_present(namespace) if namespace else _loadable(gst, element.name) is not None
        )
        if not present:
            missing.append(element)
    if missing:
        names = ", ".join(f"{element.name} ({element.purpose})" for element in missing)
        return Check.failed(
            "gst-elements",
            f"{len(missing)} of {len(wanted)} promised elements missing: {names}",
            "install the GStreamer plugin packages of images/system/packages.txt, and check "
            "GST_PLUGIN_PATH / GST_PLUGIN_SYSTEM_PATH (gst-inspect-1.0 NAME tells more)",
        )
    return Check.ok(
        "gst-elements",
        f"all {len(wanted)} promised elements load ({gst.version_string()}, list {path})",
    )


def _sdk_status(plugin_file: str | None) -> tuple[str | None, Path | None]:
    """The KVS SDK's STATUS marker: next to the plugin's directory, or in ``$KVS_SDK_HOME``."""
    candidates = []
    if plugin_file:
        candidates.append(Path(plugin_file).resolve().parent.parent / "STATUS")
    candidates.append(Path(os.environ.get("KVS_SDK_HOME", "/opt/kvs-sdk")) / "STATUS")
    for candidate in candidates:
        try:
            return candidate.read_text(encoding="utf-8").strip(), candidate
        except OSError:
            continue
    return None, None


def check_kvssink() -> Check:
    """kvssink is loadable; its SDK version comes from the SDK's ``STATUS`` marker.

    An image built without the KVS SDK says so in that marker (``absent: <reason>``): that is
    a warning (only KVSSpyGlass needs kvssink); kvssink missing without such a marker fails.
    """
    try:
        gst = _gst()
    except (ImportError, ValueError) as exc:
        return Check.failed("kvssink", f"GStreamer bindings unavailable: {exc}", _GI_FIX)
    factory = _loadable(gst, KVSSINK)
    plugin = factory.get_plugin() if factory is not None else None
    status, where = _sdk_status(plugin.get_filename() if plugin is not None else None)
    if factory is not None:
        version = status or "no STATUS marker next to the plugin"
        filename = plugin.get_filename() if plugin is not None else "?"
        return Check.ok("kvssink", f"kvssink loads from {filename}; KVS SDK: {version}")
    plugin_path = os.environ.get("GST_PLUGIN_PATH", "")
    if status is not None and status.startswith("absent"):
        return Check.warning(
            "kvssink",
            f"kvssink is not in this image ({where}: {status}); KVSSpyGlass cannot stream",
            "use an image built with the KVS producer SDK sources (images/README.md)",
        )
    return Check.failed(
        "kvssink",
        f"kvssink not found (GST_PLUGIN_PATH={plugin_path!r}"
        + (f", {where}: {status}" if status else ", no KVS SDK STATUS marker")
        + ")",
        "set GST_PLUGIN_PATH to the directory holding libgstkvssink.so (image: "
        "/opt/kvs-sdk/plugin, see /panorama/.env) and LD_LIBRARY_PATH to the SDK's lib",
    )
