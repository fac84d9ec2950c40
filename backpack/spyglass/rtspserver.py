"""An in-process RTSP server (gst-rtsp-server) relaying an RTP/H.264 stream received on UDP."""

from __future__ import annotations

import logging
import threading
from typing import Any

_CAPS = "application/x-rtp,media=video,clock-rate=90000,encoding-name=H264,payload=96"

_logger = logging.getLogger(__name__)


class RTSPRelayServer:
    """Serves ``rtsp://host:port/path``; the media is the RTP stream arriving on ``udp_port``.

    The media factory is shared (one pipeline for all clients) and its pipeline is
    ``( udpsrc name=pay0 port=udp_port caps=... )``: RTP packets are forwarded as they arrive,
    so clients may come and go at any time without affecting the sender. The server's GLib
    main loop runs in a daemon thread with its own main context.

    Example::

        server = RTSPRelayServer("127.0.0.1", 8554, "/stream", udp_port=5400)
        server.start()
        server.url
        'rtsp://127.0.0.1:8554/stream'
        server.stop()
    """

    def __init__(self, host: str, port: int, path: str, udp_port: int) -> None:
        self._host = host
        self._port = port
        self._path = path
        self._udp_port = udp_port
        self._thread: threading.Thread | None = None
        self._loop: Any = None
        self._server: Any = None
        self._context: Any = None
        self._source_id = 0
        self._bound_port = port

    @property
    def url(self) -> str:
        """The RTSP URL clients open."""
        return f"rtsp://{self._host}:{self._bound_port}{self._path}"

    @property
    def running(self) -> bool:
        """Whether the server is serving."""
        return self._thread is not None

    def start(self) -> None:
        """Bind the port and serve in a background thread.

        Raises:
            RuntimeError: gst-rtsp-server is unavailable or the port cannot be bound.
        """
        if self._thread is not None:
            return
        try:
            import gi

            gi.require_version("Gst", "1.0")
            gi.require_version("GstRtspServer", "1.0")
            from gi.repository import GLib, Gst, GstRtspServer
        except (ImportError, ValueError) as exc:
            raise RuntimeError(
                "RTSPSpyGlass needs PyGObject with GstRtspServer "
                "(Debian: gir1.2-gst-rtsp-server-1.0)"
            ) from exc
        Gst.init(None)
        context = GLib.MainContext.new()
        server = GstRtspServer.RTSPServer.new()
        server.set_address(self._host)
        server.set_service(str(self._port))
        factory = GstRtspServer.RTSPMediaFactory.new()
        factory.set_launch(
            f'( udpsrc port={self._udp_port} caps="{_CAPS}" ! rtph264depay ! '
            "rtph264pay name=pay0 pt=96 config-interval=1 )"
        )
        factory.set_shared(True)
        server.get_mount_points().add_factory(self._path, factory)
        try:
            source_id = server.attach(context)
        except GLib.Error as exc:
            raise RuntimeError(
                f"RTSP server cannot listen on {self._host}:{self._port}: {exc}"
            ) from exc
        if not source_id:
            raise RuntimeError(f"RTSP server cannot listen on {self._host}:{self._port}")
        self._bound_port = server.get_bound_port()
        loop = GLib.MainLoop.new(context, False)
        self._server, self._context, self._loop, self._source_id = (
            server,
            context,
            loop,
            source_id,
        )
        self._thread = threading.Thread(
            target=self._run, args=(context, loop), name="rtsp-server", daemon=True
        )
        self._thread.start()
        _logger.info("Serving %s (RTP from udp://127.0.0.1:%d)", self.url, self._udp_port)

    def stop(self) -> None:
        """Disconnect the clients, stop serving and free the port."""
        thread = self._thread
        if thread is None:
            return
        from gi.repository import GstRtspServer

        server, context = self._server, self._context
        server.client_filter(lambda _server, _client: GstRtspServer.RTSPFilterResult.REMOVE)
        self._loop.quit()
        thread.join(5)
        source = context.find_source_by_id(self._source_id)
        if source is not None:
            source.destroy()
        server.get_mount_points().remove_factory(self._path)
        self._thread = self._loop = self._server = self._context = None
        _logger.info("Stopped serving %s", self.url)

    @staticmethod
    def _run(context: Any, loop: Any) -> None:
        context.push_thread_default()
        try:
            loop.run()
        finally:
            context.pop_thread_default()
