"""Loads GStreamer-related environment variables (``GST_PLUGIN_PATH`` ...) from a .env file.

Caveats:
    * ``GST_PLUGIN_PATH`` is read when GStreamer scans its plugins. GStreamer scans at
      initialization, so values loaded after it was initialized (by cv2 or gi) only take
      effect after a registry rescan: :func:`load_environment` calls ``Gst.update_registry()``
      when PyGObject's GStreamer bindings are importable and GStreamer is already initialized.
    * ``LD_LIBRARY_PATH`` is read by the dynamic loader when the process starts; changing it
      in ``os.environ`` only affects child processes (and GStreamer's plugin-scanner helper,
      which runs as a child process and loads the plugins found on ``GST_PLUGIN_PATH``). A
      plugin whose dependencies are found only through the new ``LD_LIBRARY_PATH`` may still
      fail to load in this process: set ``LD_LIBRARY_PATH`` before Python starts (for example
      with ``ENV`` in the Dockerfile) when in doubt.
"""

from __future__ import annotations

import logging
import os

from dotenv import dotenv_values

from backpack._types import PathLike

_logger = logging.getLogger(__name__)


def load_environment(dotenv_path: PathLike) -> dict[str, str]:
    """Load ``dotenv_path`` into ``os.environ`` (file values win); rescan GStreamer plugins.

    Args:
        dotenv_path: a .env file, e.g. ``/panorama/.env`` with ``GST_PLUGIN_PATH=...``.

    Returns:
        The variables that were set.

    Raises:
        FileNotFoundError: the file does not exist.
    """
    path = os.fspath(dotenv_path)
    if not os.path.isfile(path):
        raise FileNotFoundError(f"dotenv file not found: {path!r}")
    values = {key: value for key, value in dotenv_values(path).items() if value is not None}
    os.environ.update(values)
    _logger.info("Loaded %s from %s", ", ".join(sorted(values)) or "nothing", path)
    if "GST_PLUGIN_PATH" in values or "GST_PLUGIN_PATH_1_0" in values:
        _rescan_plugins()
    return values


def _rescan_plugins() -> None:
    try:
        import gi

        gi.require_version("Gst", "1.0")
        from gi.repository import Gst
    except (ImportError, ValueError):
        _logger.debug("gi unavailable: GST_PLUGIN_PATH applies when GStreamer initializes")
        return
    if Gst.is_initialized():
        changed = Gst.update_registry()
        _logger.info("GStreamer plugin registry rescanned (changed=%s)", changed)
