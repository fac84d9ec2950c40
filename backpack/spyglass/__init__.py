"""SpyGlass: restream processed video frames through GStreamer (file, RTSP, KVS ...).

Example::

    from backpack.spyglass import FileSpyGlass
    spyglass = FileSpyGlass("/tmp/out.mp4")  # fps and size measured from the first frames
    spyglass.start_streaming()
    spyglass.put(frame)  # in the frame loop
    spyglass.stop_streaming()
"""

from __future__ import annotations

from backpack.spyglass.backoff import Backoff
from backpack.spyglass.base import SpyGlass
from backpack.spyglass.encoder import H264Settings
from backpack.spyglass.environment import load_environment
from backpack.spyglass.file import FileSpyGlass
from backpack.spyglass.frame import Frame, check_frame
from backpack.spyglass.preview import PreviewSpyGlass
from backpack.spyglass.rtsp import RTSPSpyGlass
from backpack.spyglass.rtspserver import RTSPRelayServer
from backpack.spyglass.state import SpyGlassState
from backpack.spyglass.warmup import StreamFormat, Warmup

__all__ = [
    "Backoff",
    "FileSpyGlass",
    "Frame",
    "H264Settings",
    "PreviewSpyGlass",
    "RTSPRelayServer",
    "RTSPSpyGlass",
    "SpyGlass",
    "SpyGlassState",
    "StreamFormat",
    "Warmup",
    "check_frame",
    "load_environment",
]
