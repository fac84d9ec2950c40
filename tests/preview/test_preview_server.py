"""PreviewSpyGlass over plain HTTP: MJPEG content, encode-once, binding, tokens, bad input."""

from __future__ import annotations

import json
import socket
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator

import cv2
import numpy as np
import pytest
from spyglass_helpers import color_frame, palette_index, wait_for

from backpack.spyglass import PreviewSpyGlass, SpyGlassState


class MjpegClient:
    """Reads ``/stream.mjpg`` in a thread; keeps the palette index of every JPEG received."""

    def __init__(self, url: str) -> None:
        host, port = url.split("//")[1].split("/")[0].split(":")
        self.sock = socket.create_connection((host, int(port)), timeout=30)
        self.sock.sendall(b"GET /stream.mjpg HTTP/1.1\r\nHost: preview\r\n\r\n")
        self.stream = self.sock.makefile("rb")
        self.status = self.stream.readline().decode()
        self.content_type = ""
        self.colors: list[int | None] = []
        self._thread = threading.Thread(target=self._read, daemon=True)
        self._thread.start()

    def _read(self) -> None:
        try:
            while True:
                length = 0
                while True:
                    line = self.stream.readline()
                    if not line:
                        return
                    if line.lower().startswith(b"content-type: multipart"):
                        self.content_type = line.decode().split(":", 1)[1].strip()
                    if line.lower().startswith(b"content-length:"):
                        length = int(line.split(b":")[1])
                    if line == b"\r\n" and length:
                        break
                jpeg = self.stream.read(length)
                image = cv2.imdecode(np.frombuffer(jpeg, np.uint8), cv2.IMREAD_COLOR)
                self.colors.append(palette_index(image))
        except (OSError, ValueError):
            return

    def close(self) -> None:
        """Hang up (the reader thread sees the end of the stream)."""
        self.sock.shutdown(socket.SHUT_RDWR)
        self._thread.join(10)
        self.stream.close()
        self.sock.close()


@pytest.fixture
def preview() -> Iterator[PreviewSpyGlass]:
    glass = PreviewSpyGlass(port=0, width=160, height=120)
    glass.start_streaming()
    yield glass
    glass.stop_streaming()


def _port(glass: PreviewSpyGlass) -> int:
    return int(glass.url.split(":")[2].split("/")[0])


@pytest.mark.timeout(60)
def test_each_frame_is_encoded_once_for_three_viewers(preview: PreviewSpyGlass) -> None:
    assert preview.state is SpyGlassState.STREAMING
    for index in range(30):  # nobody watches: nothing is encoded
        assert preview.put(color_frame(index, 320, 240))
    assert preview.encoded_frames == 0
    clients = [MjpegClient(preview.url) for _ in range(3)]
    try:
        assert wait_for(lambda: preview.viewers == 3, 10)
        assert clients[0].status.startswith("HTTP/1.1 200")
        for index in range(20):
            target = preview.encoded_frames + 1
            preview.put(color_frame(index, 320, 240))  # resized to 160x120
            assert wait_for(lambda t=target: preview.encoded_frames >= t, 10)
            assert wait_for(lambda n=index + 1: all(len(c.colors) >= n for c in clients), 10)
        assert preview.encoded_frames == 20
        assert clients[0].content_type.startswith("multipart/x-mixed-replace; boundary=")
        for client in clients:
            assert client.colors == [index % 8 for index in range(20)]
    finally:
        for client in clients:
            client.close()
    assert wait_for(lambda: preview.viewers == 0, 10)


def test_stats_endpoint_merges_published_and_callable_statistics() -> None:
    glass = PreviewSpyGlass(port=0, stats=lambda: {"inference ms": 12.5, "model": "yolo"})
    glass.start_streaming()
    try:
        glass.publish("fps", 24.9)
        glass.publish("fps", 25.1)
        glass.publish("weird", float("nan"))
        assert glass.put(color_frame(0, 64, 48))
        with urllib.request.urlopen(glass.url + "stats.json", timeout=10) as response:
            stats = json.load(response)
        assert stats["stats"] == {
            "fps": 25.1,
            "weird": "nan",
            "inference ms": 12.5,
            "model": "yolo",
        }
        assert (stats["width"], stats["height"], stats["frames"], stats["viewers"]) == (
            64,
            48,
            1,
            0,
        )
        with urllib.request.urlopen(glass.url, timeout=10) as response:
            page = response.read().decode()
        assert '<img id="video"' in page and "stats.json" in page
    finally:
        glass.stop_streaming()


def test_binds_loopback_by_default_and_all_interfaces_when_asked() -> None:
    local, everywhere = PreviewSpyGlass(port=0), PreviewSpyGlass(port=0, host="0.0.0.0")
    local.start_streaming()
    everywhere.start_streaming()
    try:
        # 127.0.0.2 is another address of this host: only the all-interfaces server is there.
        with pytest.raises(ConnectionRefusedError):
            socket.create_connection(("127.0.0.2", _port(local)), timeout=5)
        socket.create_connection(("127.0.0.2", _port(everywhere)), timeout=5).close()
        socket.create_connection(("127.0.0.1", _port(local)), timeout=5).close()
    finally:
        local.stop_streaming()
        everywhere.stop_streaming()


def test_token_is_required_when_set() -> None:
    glass = PreviewSpyGlass(port=0, token="s3cret")
    glass.start_streaming()
    try:
        base = glass.url.split("?")[0]
        for url in (base, base + "stats.json?token=wrong", base + "stream.mjpg"):
            with pytest.raises(urllib.error.HTTPError) as denied:
                urllib.request.urlopen(url, timeout=10)
            assert denied.value.code == 403
        request = urllib.request.Request(
            base + "stats.json", headers={"Authorization": "Bearer s3cret"}
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            assert response.status == 200
        assert glass.url.endswith("/?token=s3cret")
    finally:
        glass.stop_streaming()


@pytest.mark.timeout(60)
def test_stop_cuts_a_stalled_viewer_and_frees_the_port(preview: PreviewSpyGlass) -> None:
    port = _port(preview)
    preview.put(color_frame(0, 160, 120))
    stalled = socket.create_connection(("127.0.0.1", port))
    stalled.sendall(b"GET /stream.mjpg HTTP/1.1\r\nHost: x\r\n\r\n")
    assert wait_for(lambda: preview.viewers == 1, 10)
    noise = np.random.default_rng(1).integers(0, 255, (120, 160, 3), np.uint8)
    for _ in range(200):  # incompressible JPEGs fill the socket buffers
        preview.put(noise)
    stopper = threading.Thread(target=preview.stop_streaming)
    stopper.start()
    stopper.join(30)
    assert not stopper.is_alive()
    stalled.close()
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.1", port), timeout=5)
    assert preview.put(noise) is False


def test_too_many_viewers_get_503() -> None:
    glass = PreviewSpyGlass(port=0, max_viewers=1)
    glass.start_streaming()
    try:
        glass.put(color_frame(0, 32, 32))
        first = MjpegClient(glass.url)
        assert wait_for(lambda: glass.viewers == 1, 10)
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(glass.url + "stream.mjpg", timeout=10)
        assert refused.value.code == 503
        first.close()
    finally:
        glass.stop_streaming()


def test_port_in_use_is_a_clear_error() -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        with pytest.raises(RuntimeError, match=f"cannot listen on 127.0.0.1:{port}"):
            PreviewSpyGlass(port=port).start_streaming()


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"port": 70000}, ValueError, "port must be"),
        ({"host": "localhost"}, ValueError, "host must be an IP address"),
        ({"token": ""}, ValueError, "token must be a non-empty str"),
        ({"quality": 0}, ValueError, "quality must be"),
        ({"max_viewers": 0}, ValueError, "max_viewers must be"),
        ({"width": -1}, ValueError, "width must be"),
        ({"stats": 3}, TypeError, "stats must be a callable"),
    ],
)
def test_bad_arguments_are_clear_errors(kwargs: dict, error: type, message: str) -> None:
    with pytest.raises(error, match=message):
        PreviewSpyGlass(**kwargs)


def test_bad_frames_and_statistics_are_clear_errors(preview: PreviewSpyGlass) -> None:
    with pytest.raises(ValueError, match="HxWx3"):
        preview.put(np.zeros((4, 4), np.uint8))
    with pytest.raises(TypeError, match=r"numpy\.ndarray"):
        preview.put([[0]])  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="'fps' must be an int, float, str, bool or None"):
        preview.publish("fps", [25])  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="non-empty str"):
        preview.publish("", 1)
