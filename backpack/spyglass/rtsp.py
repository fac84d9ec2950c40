"""RTSPSpyGlass: serve the frames as an RTSP stream (H.264) from this process."""

from __future__ import annotations

import socket
from typing import Any

from backpack.spyglass.base import SpyGlass
from backpack.spyglass.encoder import H264Settings
from backpack.spyglass.rtspserver import RTSPRelayServer
from backpack.spyglass.state import SpyGlassState


def _free_udp_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class RTSPSpyGlass(SpyGlass):
    """Serves the stream at ``rtsp://host:port/path`` with an in-process gst-rtsp-server.

    The cv2 pipeline encodes with low latency and sends RTP over UDP on the loopback
    interface (``... ! x264enc tune=zerolatency ! rtph264pay ! udpsink``); the RTSP server
    relays that RTP to every connected client (see
    :class:`~backpack.spyglass.rtspserver.RTSPRelayServer`). Clients may connect and leave at
    any time; the frame loop is never affected. The server runs from ``start_streaming()`` to
    ``stop_streaming()``.

    Watch it with e.g. ``ffplay -rtsp_transport tcp rtsp://127.0.0.1:8554/stream`` or VLC.
    Bind ``host="0.0.0.0"`` to serve other machines: the video then leaves the camera
    network, so check the application's data-protection requirements first.

    Args:
        path: mount path, e.g. ``"/stream"``.
        port: RTSP (TCP) port; ``0`` picks a free one (see :attr:`url`).
        host: address to listen on.
        udp_port: loopback UDP port between the pipeline and the server; ``None`` picks a
            free one at each ``start_streaming()``.
        encoder: x264 settings (``tune`` defaults to ``zerolatency``).
        fps, width, height, **kwargs: see :class:`~backpack.spyglass.SpyGlass`.

    Example::

        spyglass = RTSPSpyGlass("/stream", port=8554)
        spyglass.start_streaming()
        spyglass.put(frame)  # in the frame loop; watch rtsp://127.0.0.1:8554/stream
    """

    def __init__(
        self,
        path: str = "/stream",
        port: int = 8554,
        host: str = "127.0.0.1",
        *,
        udp_port: int | None = None,
        encoder: H264Settings = H264Settings(  # noqa: B008 (immutable value)
            speed_preset="ultrafast", tune="zerolatency"
        ),
        fps: float | None = None,
        width: int | None = None,
        height: int | None = None,
        **kwargs: Any,
    ) -> None:
        if not isinstance(path, str) or not path.strip("/"):
            raise ValueError(f"path must be a non-empty mount path like '/stream', got {path!r}")
        for name, value in (("port", port), ("udp_port", udp_port)):
            if value is None and name == "udp_port":
                continue
            if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 65535:
                raise ValueError(f"{name} must be an int in [0, 65535], got {value!r}")
        if not isinstance(encoder, H264Settings):
            raise TypeError(f"encoder must be H264Settings, got {type(encoder).__name__}")
        self._path = "/" + path.strip("/")
        self._port = port
        self._host = host
        self._requested_udp_port = udp_port
        self._udp_port = 0
        self._encoder = encoder
        self._server: RTSPRelayServer | None = None
        super().__init__(fps=fps, width=width, height=height, **kwargs)

    @property
    def url(self) -> str:
        """The stream's RTSP URL (with the actually bound port while started)."""
        if self._server is not None:
            return self._server.url
        return f"rtsp://{self._host}:{self._port}{self._path}"

    def start_streaming(
        self,
        fps: float | None = None,
        width: int | None = None,
        height: int | None = None,
    ) -> None:
        """Start the RTSP server, then streaming (see :meth:`SpyGlass.start_streaming`).

        Raises:
            RuntimeError: the RTSP server cannot start (port in use, gst-rtsp-server missing).
        """
        if self.state is not SpyGlassState.STOPPED or self._server is not None:
            self.stop_streaming()
        self._udp_port = self._requested_udp_port or _free_udp_port()
        server = RTSPRelayServer(self._host, self._port, self._path, self._udp_port)
        server.start()
        self._server = server
        super().start_streaming(fps=fps, width=width, height=height)

    def stop_streaming(self) -> None:
        """Stop streaming and the RTSP server (clients are disconnected)."""
        super().stop_streaming()
        server, self._server = self._server, None
        if server is not None:
            server.stop()

    def _get_pipeline(self, fps: float, width: int, height: int) -> str:
        return (
            "appsrc ! videoconvert ! video/x-raw,format=I420 ! "
            f"{self._encoder.element(fps)} ! video/x-h264,profile=baseline ! "
            "rtph264pay config-interval=1 pt=96 mtu=1400 ! "
            f"udpsink host=127.0.0.1 port={self._udp_port} sync=false async=false"
        )
