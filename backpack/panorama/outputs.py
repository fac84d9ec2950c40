"""Output specs for ``video_out``: which SpyGlass sink a stream goes to.

``file:PATH`` (:class:`~backpack.spyglass.FileSpyGlass`, ``.mp4``/``.mkv``),
``rtsp[:PORT[/PATH]]`` (:class:`~backpack.spyglass.RTSPSpyGlass` on all interfaces, default
``8554/stream``), ``kvs:STREAM`` (:class:`~backpack.kvs.KVSSpyGlass`, region from
``AWS_REGION``/``AWS_DEFAULT_REGION``, credentials from the environment) and
``preview[:PORT]`` (``backpack.spyglass.preview.PreviewSpyGlass``). Prefix ``STREAM_ID=`` to
bind a camera other than the first, e.g. ``camera_1=file:/out/door.mkv``.
"""

from __future__ import annotations

import importlib
import os
import re
from dataclasses import dataclass
from typing import Any

from backpack.spyglass.base import SpyGlass

_BINDING = re.compile(r"^([A-Za-z_][\w-]*)=(.+)$")
_KINDS = ("file", "rtsp", "kvs", "preview")


@dataclass(frozen=True)
class OutputSpec:
    """A parsed ``--output``: the sink kind, its argument and the stream it shows.

    Example:
        >>> OutputSpec.parse("camera_1=rtsp:8555/door")
        OutputSpec(kind='rtsp', target='8555/door', stream_id='camera_1')
    """

    kind: str
    target: str
    stream_id: str = "camera_0"

    @classmethod
    def parse(cls, text: str) -> OutputSpec:
        """Parse ``[STREAM_ID=]KIND[:TARGET]``.

        Raises:
            ValueError: unknown kind or malformed target, naming what was expected.
        """
        stream_id = "camera_0"
        match = _BINDING.match(text)
        if match and match.group(2).split(":", 1)[0] in _KINDS:
            stream_id, text = match.group(1), match.group(2)
        kind, _, target = text.partition(":")
        if kind not in _KINDS:
            raise ValueError(
                f"output {text!r}: expected file:PATH, rtsp[:PORT[/PATH]], kvs:STREAM or "
                "preview[:PORT]"
            )
        if kind in ("file", "kvs") and not target:
            raise ValueError(
                f"output {text!r}: {kind} needs a {'path' if kind == 'file' else 'stream name'}"
            )
        if kind == "rtsp" and target:
            port = target.partition("/")[0]
            if not port.isdigit() or not 0 < int(port) < 65536:
                raise ValueError(f"output {text!r}: rtsp port must be 1-65535")
        if kind == "preview" and target and not target.isdigit():
            raise ValueError(f"output {text!r}: preview port must be a number")
        return cls(kind, target, stream_id)

    def create(self, fps: float, width: int, height: int) -> SpyGlass:
        """A SpyGlass for this output with the stream's format (not started).

        Raises:
            RuntimeError: the sink cannot be created (no region for KVS, preview missing).
        """
        common: dict[str, Any] = {"fps": fps, "width": width, "height": height}
        if self.kind == "file":
            from backpack.spyglass.file import FileSpyGlass

            return FileSpyGlass(self.target, **common)
        if self.kind == "rtsp":
            from backpack.spyglass.rtsp import RTSPSpyGlass

            port, _, path = (self.target or "8554/stream").partition("/")
            return RTSPSpyGlass("/" + (path or "stream"), port=int(port), host="0.0.0.0", **common)
        if self.kind == "kvs":
            from backpack.kvs import KVSEnvironmentCredentialsHandler, KVSSpyGlass

            region = os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION")
            if not region:
                raise RuntimeError(
                    f"output kvs:{self.target} needs AWS_REGION (or AWS_DEFAULT_REGION)"
                )
            return KVSSpyGlass(region, self.target, KVSEnvironmentCredentialsHandler(), **common)
        try:
            module = importlib.import_module("backpack.spyglass.preview")
        except ImportError as exc:
            raise RuntimeError(
                "output preview needs backpack.spyglass.preview, which this backpack lacks"
            ) from exc
        kwargs = {"port": int(self.target)} if self.target else {}
        # PreviewSpyGlass has SpyGlass's public surface (start/put/stop) without GStreamer;
        # it serves frames at the rate they come, so it takes no fps.
        preview: SpyGlass = module.PreviewSpyGlass(**kwargs, width=width, height=height)
        return preview
