"""The preview's HTTP server: the page (``/``), the MJPEG stream and the statistics (JSON).

Routes: ``/`` the page, ``/stream.mjpg`` the ``multipart/x-mixed-replace`` JPEG stream that
browsers show in an ``<img>``, ``/stats.json`` the published statistics. With a token, every
route wants ``?token=...`` (the page passes its own on) or ``Authorization: Bearer ...``.
"""

from __future__ import annotations

import contextlib
import hmac
import json
import logging
import select
import socket
import threading
import urllib.parse
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from typing import Any

from backpack.spyglass._mjpeg import MjpegHub

_logger = logging.getLogger(__name__)
_BOUNDARY = "backpackframe"
_WAIT = 1.0  # s, a viewer's longest wait for a frame before it checks for shutdown
_SEND_TIMEOUT = 10.0  # s, a viewer that takes no data this long is dropped


def _page() -> bytes:
    return resources.files("backpack.spyglass").joinpath("preview_page.html").read_bytes()


class PreviewServer(ThreadingHTTPServer):
    """Serves a :class:`MjpegHub` and a statistics callable; one thread per request.

    ``hub`` is ``None`` until the frame size is known (the first frame): streams wait for it.
    """

    daemon_threads = True
    allow_reuse_address = True

    def __init__(
        self,
        address: tuple[str, int],
        hub: MjpegHub | None,
        stats: Callable[[], dict[str, Any]],
        token: str | None,
        max_viewers: int,
    ) -> None:
        self.hub = hub
        self.stats = stats
        self.token = token
        self.max_viewers = max_viewers
        self.page = _page()
        self.stopping = threading.Event()
        self._connections: set[socket.socket] = set()
        self._connections_lock = threading.Lock()
        super().__init__(address, _Handler)

    def track(self, connection: socket.socket, add: bool) -> None:
        """Remember (or forget) a streaming viewer's socket, to cut it at shutdown."""
        with self._connections_lock:
            if add:
                self._connections.add(connection)
            else:
                self._connections.discard(connection)

    def close_viewers(self) -> None:
        """Cut every streaming viewer's connection (their threads then end at once)."""
        self.stopping.set()
        with self._connections_lock:
            connections = list(self._connections)
        for connection in connections:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)


class _Handler(BaseHTTPRequestHandler):
    server: PreviewServer
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        url = urllib.parse.urlsplit(self.path)
        if not self._authorized(url.query):
            self._send(403, b"preview: missing or wrong token\n", "text/plain; charset=utf-8")
            return
        if url.path in ("/", "/index.html"):
            self._send(200, self.server.page, "text/html; charset=utf-8")
        elif url.path == "/stats.json":
            self._send_stats()
        elif url.path == "/stream.mjpg":
            self._stream()
        else:
            self._send(404, b"preview: no such page\n", "text/plain; charset=utf-8")

    def log_message(self, format: str, *args: Any) -> None:
        _logger.debug("%s %s", self.address_string(), format % args)

    def _authorized(self, query: str) -> bool:
        token = self.server.token
        if token is None:
            return True
        offered = urllib.parse.parse_qs(query).get("token", [""])[0]
        header = self.headers.get("Authorization", "")
        if header.startswith("Bearer "):
            offered = offered or header[len("Bearer ") :]
        return hmac.compare_digest(offered.encode(), token.encode())

    def _hung_up(self) -> bool:
        """Whether the viewer closed its end (checked while no frame comes, once a second)."""
        readable, _, _ = select.select([self.connection], [], [], 0)
        if not readable:
            return False
        try:
            return not self.connection.recv(1, socket.MSG_PEEK)
        except OSError:
            return True

    def _send(self, status: int, body: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(body)

    def _send_stats(self) -> None:
        body = json.dumps(self.server.stats()).encode()
        self._send(200, body, "application/json")

    def _stream(self) -> None:
        hub = self.server.hub
        while hub is None:  # no frame yet: wait for the first one (or the shutdown)
            if self.server.stopping.wait(0.2):
                return
            hub = self.server.hub
        if hub.viewers >= self.server.max_viewers:
            self._send(503, b"preview: too many viewers\n", "text/plain; charset=utf-8")
            return
        self.close_connection = True
        self.send_response(200)
        self.send_header("Content-Type", f"multipart/x-mixed-replace; boundary={_BOUNDARY}")
        self.send_header("Cache-Control", "no-store")
        self.send_header("Connection", "close")
        self.end_headers()
        self.connection.settimeout(_SEND_TIMEOUT)
        hub.add_viewer()
        self.server.track(self.connection, add=True)
        sequence = 0
        try:
            while not self.server.stopping.is_set():
                newest = hub.wait_jpeg(sequence, _WAIT)
                if newest is None:
                    if self._hung_up():
                        break
                    continue
                sequence, jpeg = newest
                head = (
                    f"--{_BOUNDARY}\r\nContent-Type: image/jpeg\r\n"
                    f"Content-Length: {len(jpeg)}\r\n\r\n"
                ).encode()
                self.wfile.write(head)
                self.wfile.write(jpeg)
                self.wfile.write(b"\r\n")
        except OSError as exc:  # the viewer left, vanished or stopped reading
            _logger.debug("viewer %s gone: %s", self.address_string(), exc)
        finally:
            self.server.track(self.connection, add=False)
            hub.remove_viewer()
