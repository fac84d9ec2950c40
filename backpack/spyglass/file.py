"""FileSpyGlass: write the frames to a local H.264 MP4 or Matroska file."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from backpack._gst_launch import quote
from backpack._types import PathLike
from backpack.spyglass.base import SpyGlass
from backpack.spyglass.encoder import H264Settings

_MUXERS = {"mp4": "mp4mux", "mkv": "matroskamux"}
_SUFFIXES = {".mp4": "mp4", ".m4v": "mp4", ".mov": "mp4", ".mkv": "mkv"}


class FileSpyGlass(SpyGlass):
    """Writes the stream to a local file: ``appsrc ! videoconvert ! x264enc ! h264parse ! mux``.

    Each time the pipeline opens (every ``start_streaming()`` and every re-open after an error)
    a file is started. If ``path`` contains ``{n}`` it is replaced by the open counter
    (0, 1, 2 ...) so every open writes a new file; otherwise the file is overwritten.
    ``stop_streaming()`` sends EOS, so the MP4 is finalized (its index written) before it
    returns; a process exiting without it finalizes the file at interpreter exit. The parent
    directory is not created; while it is missing the state is ``ERROR`` and opening is
    retried with backoff. If the file disappears while streaming (e.g. its directory is
    removed) the state becomes ``ERROR`` and a new file is started once possible.

    Args:
        path: output file, ``.mp4`` or ``.mkv`` (or use ``container``); may contain ``{n}``.
        container: ``"mp4"`` or ``"mkv"``; inferred from the suffix when ``None``.
        encoder: x264 settings.
        fps, width, height, **kwargs: see :class:`~backpack.spyglass.SpyGlass`.

    Example::

        spyglass = FileSpyGlass("/tmp/debug-{n}.mkv", fps=29.97, width=1280, height=720)
        spyglass.start_streaming()
        spyglass.put(frame)
        spyglass.stop_streaming()  # /tmp/debug-0.mkv is complete
    """

    def __init__(
        self,
        path: PathLike,
        *,
        container: str | None = None,
        encoder: H264Settings = H264Settings(),  # noqa: B008 (immutable value)
        fps: float | None = None,
        width: int | None = None,
        height: int | None = None,
        **kwargs: Any,
    ) -> None:
        template = os.fspath(path)
        if not template:
            raise ValueError("path must not be empty")
        if container is None:
            suffix = Path(template).suffix.lower()
            if suffix not in _SUFFIXES:
                raise ValueError(
                    f"cannot infer the container from {template!r}: use a suffix in "
                    f"{sorted(_SUFFIXES)} or pass container='mp4' or 'mkv'"
                )
            container = _SUFFIXES[suffix]
        if container not in _MUXERS:
            raise ValueError(f"container must be 'mp4' or 'mkv', got {container!r}")
        if not isinstance(encoder, H264Settings):
            raise TypeError(f"encoder must be H264Settings, got {type(encoder).__name__}")
        try:
            template.format(n=0)
        except (KeyError, IndexError, ValueError) as exc:
            raise ValueError(
                f"path template {template!r} is invalid: only {{n}} is allowed"
            ) from exc
        self._template = template
        self._container = container
        self._encoder = encoder
        self._opens = 0
        self._current: str | None = None
        self._written: list[str] = []
        super().__init__(fps=fps, width=width, height=height, **kwargs)

    @property
    def container(self) -> str:
        """``"mp4"`` or ``"mkv"``."""
        return self._container

    @property
    def current_path(self) -> str | None:
        """The file the pipeline writes (or last wrote); ``None`` before the first open."""
        return self._current

    @property
    def written_paths(self) -> tuple[str, ...]:
        """Every file a pipeline was opened for, oldest first (without duplicates)."""
        return tuple(self._written)

    def _get_pipeline(self, fps: float, width: int, height: int) -> str:
        path = self._template.format(n=self._opens)
        self._opens += 1
        self._current = path
        if path not in self._written:
            self._written.append(path)
        return (
            "appsrc ! videoconvert ! video/x-raw,format=I420 ! "
            f"{self._encoder.element(fps)} ! h264parse ! {_MUXERS[self._container]} ! "
            f"filesink location={quote(path)}"
        )

    def _check_sink(self) -> str | None:
        path = self._current
        if path is not None and not os.path.exists(path):
            return f"output file {path} disappeared (was its directory removed?)"
        return None

    def _explain_open_failure(self) -> str | None:
        path = self._current
        if path is None:
            return None
        directory = os.path.dirname(path) or "."
        if not os.path.isdir(directory):
            return f'Could not open file "{path}" for writing: no directory {directory}'
        if not os.access(directory, os.W_OK | os.X_OK):
            return f'Could not open file "{path}" for writing: cannot write in {directory}'
        return None
