"""PreviewSpyGlass: the app's annotated frames live in any browser, with its own statistics.

MJPEG over HTTP, which a plain ``<img>`` shows (why: ``docs/design.md``, backpack.spyglass).

Example::

    preview = PreviewSpyGlass(port=8080)  # http://127.0.0.1:8080/
    preview.start_streaming()
    while running:
        preview.put(frame)
        preview.publish("fps", ticker.freq())
    preview.stop_streaming()
"""

from __future__ import annotations

import ipaddress
import logging
import math
import threading
import time
from collections.abc import Callable, Mapping
from typing import Any, Union

from backpack.spyglass._mjpeg import MjpegHub
from backpack.spyglass._preview_http import PreviewServer
from backpack.spyglass.frame import Frame, check_frame
from backpack.spyglass.state import SpyGlassState

Stat = Union[int, float, str, bool, None]
StatsSource = Callable[[], Mapping[str, Stat]]


def _json_value(value: Any) -> Stat:
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    return value  # type: ignore[no-any-return]


def _check_stat(name: Any, value: Any) -> None:
    if not isinstance(name, str) or not name:
        raise ValueError(f"statistic name must be a non-empty str, got {name!r}")
    if value is not None and not isinstance(value, (int, float, str, bool)):
        raise TypeError(
            f"statistic {name!r} must be an int, float, str, bool or None, "
            f"got {type(value).__name__}"
        )


class PreviewSpyGlass:
    """Serves the frames put into it, and published statistics, on a web page.

    Open ``http://HOST:PORT/`` in a browser: the page shows the stream and a table of the
    statistics, refreshed twice a second. The public surface is SpyGlass's
    (``start_streaming``/``put``/``stop_streaming``): :meth:`put` never blocks. Frames are
    copied and JPEG-encoded only while at least one viewer is connected, once per new frame
    whatever the number of viewers; a viewer that vanishes costs nothing (its socket errors
    end its own thread; one that stops reading is dropped after 10 s).

    Args:
        port: TCP port (0: any free port, see :attr:`url`).
        host: address to bind: ``127.0.0.1`` (default) keeps it on the box; ``0.0.0.0`` exposes
            it on every interface (then give a ``token``).
        token: when given, the page and stream require ``?token=TOKEN`` (or a Bearer header).
        quality: JPEG quality (1..100).
        stats: called (from a server thread, so it must be thread-safe) for extra statistics
            each time the page refreshes; merged over :meth:`publish`'s.
        max_viewers: simultaneous streams served (more get HTTP 503).
        width: served width (default: the first frame's); other sizes are resized.
        height: served height (default: the first frame's).

    Example::

        preview = PreviewSpyGlass(port=8080, host="0.0.0.0", token="s3cret")
        preview.start_streaming()  # http://<box>:8080/?token=s3cret
    """

    def __init__(
        self,
        port: int = 8080,
        host: str = "127.0.0.1",
        token: str | None = None,
        *,
        quality: int = 80,
        stats: StatsSource | None = None,
        max_viewers: int = 8,
        width: int | None = None,
        height: int | None = None,
    ) -> None:
        self._logger = logging.getLogger(__name__)
        if isinstance(port, bool) or not isinstance(port, int) or not 0 <= port <= 65535:
            raise ValueError(f"port must be an int in 0..65535, got {port!r}")
        try:
            ipaddress.ip_address(host)
        except ValueError:
            raise ValueError(f"host must be an IP address to bind, got {host!r}") from None
        if token is not None and (not isinstance(token, str) or not token):
            raise ValueError("token must be a non-empty str (or None for no token)")
        if isinstance(quality, bool) or not isinstance(quality, int) or not 1 <= quality <= 100:
            raise ValueError(f"quality must be an int in 1..100, got {quality!r}")
        if isinstance(max_viewers, bool) or not isinstance(max_viewers, int) or max_viewers < 1:
            raise ValueError(f"max_viewers must be a positive int, got {max_viewers!r}")
        for name, value in (("width", width), ("height", height)):
            if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
                raise ValueError(f"{name} must be a positive int, got {value!r}")
            if value is not None and value <= 0:
                raise ValueError(f"{name} must be a positive int, got {value!r}")
        if stats is not None and not callable(stats):
            raise TypeError(f"stats must be a callable returning a mapping, got {stats!r}")
        self._port = port
        self._host = host
        self._token = token
        self._quality = quality
        self._stats_source = stats
        self._max_viewers = max_viewers
        self._size = (width, height)
        self._published: dict[str, Stat] = {}
        self._published_lock = threading.Lock()
        self._state = SpyGlassState.STOPPED
        self._hub: MjpegHub | None = None
        self._server: PreviewServer | None = None
        self._thread: threading.Thread | None = None
        self._bound_port = port
        self._frames = 0
        if ipaddress.ip_address(host).is_loopback is False and token is None:
            self._logger.warning(
                "PreviewSpyGlass on %s without a token: anyone who reaches port %d sees it",
                host,
                port,
            )

    # -- public API ---------------------------------------------------------------------------

    @property
    def state(self) -> SpyGlassState:
        """``STOPPED``, or ``STREAMING`` while serving (``START_WARMUP`` until the first frame
        when the size is not given)."""
        return self._state

    @property
    def url(self) -> str:
        """The page's URL (with the token, when there is one)."""
        host = "127.0.0.1" if self._host in ("0.0.0.0", "::") else self._host
        shown = f"[{host}]" if ":" in host else host
        suffix = f"?token={self._token}" if self._token else ""
        return f"http://{shown}:{self._bound_port}/{suffix}"

    @property
    def viewers(self) -> int:
        """Viewers streaming right now."""
        hub = self._hub
        return hub.viewers if hub is not None else 0

    @property
    def encoded_frames(self) -> int:
        """JPEGs encoded in this streaming session (0 while nobody watches)."""
        hub = self._hub
        return hub.encoded if hub is not None else 0

    def publish(self, name: str, value: Stat) -> None:
        """Show ``name: value`` on the page (e.g. ``publish("fps", ticker.freq())``).

        Raises:
            ValueError: ``name`` is not a non-empty str.
            TypeError: ``value`` is not an int, float, str, bool or None.
        """
        _check_stat(name, value)
        with self._published_lock:
            self._published[name] = value

    def start_streaming(
        self, fps: float | None = None, width: int | None = None, height: int | None = None
    ) -> None:
        """Bind the port and serve (``fps`` is accepted for SpyGlass compatibility, unused).

        Raises:
            RuntimeError: the port cannot be bound (names host and port).
        """
        del fps
        self.stop_streaming()
        if width is not None or height is not None:
            self._size = (width or self._size[0], height or self._size[1])
        try:
            server = PreviewServer(
                (self._host, self._port),
                None,  # set by _open_hub once the frame size is known
                self._stats,
                self._token,
                self._max_viewers,
            )
        except OSError as exc:
            raise RuntimeError(
                f"PreviewSpyGlass cannot listen on {self._host}:{self._port}: {exc}"
            ) from exc
        self._server = server
        self._bound_port = int(server.server_address[1])
        self._frames = 0
        self._state = SpyGlassState.START_WARMUP
        if self._size[0] and self._size[1]:
            self._open_hub(self._size[0], self._size[1])
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.2}, name="preview-http"
        )
        self._thread.daemon = True
        self._thread.start()
        self._logger.info("Preview at %s", self.url.split("?")[0])

    def put(self, frame: Frame) -> bool:
        """Offer a frame (uint8 HxWx3 BGR); never blocks. Copied only while someone watches.

        Returns:
            True when serving, False when stopped.

        Raises:
            TypeError: ``frame`` is not a uint8 numpy array.
            ValueError: ``frame`` is not a non-empty HxWx3 image.
        """
        check_frame(frame)
        hub = self._hub
        if hub is None:
            if self._state is not SpyGlassState.START_WARMUP:
                return False
            hub = self._open_hub(frame.shape[1], frame.shape[0])
        self._frames += 1
        hub.put(frame)
        return True

    def stop_streaming(self) -> None:
        """Disconnect the viewers, stop serving and free the port."""
        server, hub, thread = self._server, self._hub, self._thread
        self._server = self._hub = self._thread = None
        self._state = SpyGlassState.STOPPED
        if server is None:
            return
        server.close_viewers()
        server.shutdown()
        if hub is not None:
            hub.close()
        server.server_close()
        if thread is not None:
            thread.join(5)
        self._logger.info("Preview stopped")

    # -- internals ----------------------------------------------------------------------------

    def _open_hub(self, width: int, height: int) -> MjpegHub:
        hub = MjpegHub(width, height, self._quality)
        self._size = (width, height)
        if self._server is not None:
            self._server.hub = hub
        self._hub = hub
        self._state = SpyGlassState.STREAMING
        return hub

    def _stats(self) -> dict[str, Any]:
        with self._published_lock:
            stats: dict[str, Stat] = dict(self._published)
        if self._stats_source is not None:
            try:
                extra = self._stats_source()
                stats.update({str(key): value for key, value in extra.items()})
            except Exception as exc:
                stats["stats error"] = f"{type(exc).__name__}: {exc}"
        hub = self._hub
        width, height = self._size
        return {
            "stats": {key: _json_value(value) for key, value in stats.items()},
            "viewers": hub.viewers if hub is not None else 0,
            "frames": self._frames,
            "encoded": hub.encoded if hub is not None else 0,
            "width": width,
            "height": height,
            "time": time.time(),
        }
