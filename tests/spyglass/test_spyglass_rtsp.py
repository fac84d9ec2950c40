"""RTSPSpyGlass against real GStreamer: RTSP clients (PyAV/FFmpeg) pull and decode frames."""

from __future__ import annotations

import socket

import pytest
from spyglass_helpers import Feeder, decode_rtsp, free_port, palette_index

from backpack.spyglass import H264Settings, RTSPSpyGlass, SpyGlassState

# Short key-frame interval: a client can decode from the first key frame it receives.
QUICK = H264Settings(speed_preset="ultrafast", tune="zerolatency", key_int=5)


@pytest.fixture
def spyglass() -> RTSPSpyGlass:
    glass = RTSPSpyGlass("/test", port=free_port(), encoder=QUICK, fps=25, width=320, height=240)
    yield glass
    glass.stop_streaming()


@pytest.mark.timeout(60)
def test_client_decodes_frames_of_the_right_size_and_content(spyglass: RTSPSpyGlass) -> None:
    spyglass.start_streaming()
    assert spyglass.state is SpyGlassState.STREAMING
    assert spyglass.url.startswith("rtsp://127.0.0.1:") and spyglass.url.endswith("/test")
    # Frames are 640x480: the SpyGlass resizes them to 320x240.
    with Feeder(spyglass, 640, 480, color=1) as feeder:
        frames = decode_rtsp(spyglass.url, 8)
        assert len(frames) == 8
        assert all(frame.shape == (240, 320, 3) for frame in frames)
        assert [palette_index(frame) for frame in frames] == [1] * 8
        # The stream is live: a new color shows up for the next client.
        feeder.color = 5
        frames = decode_rtsp(spyglass.url, 8)
        assert [palette_index(frame) for frame in frames][-3:] == [5] * 3
    assert spyglass.state is SpyGlassState.STREAMING


@pytest.mark.timeout(60)
def test_clients_come_and_go_and_may_overlap(spyglass: RTSPSpyGlass) -> None:
    spyglass.start_streaming()
    with Feeder(spyglass, 320, 240) as feeder:
        for color in (2, 3, 4):
            feeder.color = color
            frames = decode_rtsp(spyglass.url, 5)
            assert [palette_index(frame) for frame in frames][-2:] == [color] * 2
        # Two clients at the same time share the one stream.
        import av

        options = {"rtsp_transport": "tcp"}
        with av.open(spyglass.url, options=options, timeout=20) as first:
            first_frames = [f for _, f in zip(range(3), first.decode(video=0))]
            second = decode_rtsp(spyglass.url, 3)
            more_first = [f for _, f in zip(range(3), first.decode(video=0))]
        assert len(first_frames) == len(more_first) == len(second) == 3
    assert spyglass.state is SpyGlassState.STREAMING


@pytest.mark.timeout(60)
def test_restart_serves_again(spyglass: RTSPSpyGlass) -> None:
    for color in (6, 1):
        spyglass.start_streaming()
        with Feeder(spyglass, 320, 240, color=color):
            frames = decode_rtsp(spyglass.url, 4)
            assert [palette_index(frame) for frame in frames] == [color] * 4
        spyglass.stop_streaming()
        assert spyglass.state is SpyGlassState.STOPPED
        # The server is down while stopped: its port refuses connections.
        port = int(spyglass.url.rsplit(":", 1)[1].split("/")[0])
        with pytest.raises(ConnectionRefusedError):
            socket.create_connection(("127.0.0.1", port), timeout=5).close()


def test_port_in_use_is_a_clear_error() -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        glass = RTSPSpyGlass("/x", port=port, fps=25, width=64, height=48)
        with pytest.raises(RuntimeError, match=f"cannot listen on 127.0.0.1:{port}"):
            glass.start_streaming()
        assert glass.state is SpyGlassState.STOPPED


def test_bad_configuration_raises_clear_errors() -> None:
    with pytest.raises(ValueError, match="path must be a non-empty mount path"):
        RTSPSpyGlass("/")
    with pytest.raises(ValueError, match="port must be an int in"):
        RTSPSpyGlass("/a", port=70000)
    with pytest.raises(ValueError, match="udp_port must be an int in"):
        RTSPSpyGlass("/a", udp_port=-1)
