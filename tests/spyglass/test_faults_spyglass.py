"""Fault injection against real GStreamer sinks: the frame loop never stalls, failures are
logged with GStreamer's error text (state ERROR) and streaming recovers by itself.

Every test feeds frames from a thread at 25 fps (like a frame loop) and checks that no
``put()`` took long (a generous 1 s bound: a hang guard, not a speed target; ``put`` only
copies into a mailbox and never calls into GStreamer, which the blocked-sink test proves by
keeping ``put`` prompt while the writer thread is blocked for seconds).
"""

from __future__ import annotations

import fcntl
import logging
import os
import shlex
import shutil
import signal
import subprocess
import threading
from pathlib import Path

import pytest
from spyglass_helpers import Feeder, decode_file, decode_rtsp, free_port, palette_index, wait_for

from backpack.spyglass import (
    Backoff,
    FileSpyGlass,
    H264Settings,
    RTSPSpyGlass,
    SpyGlass,
    SpyGlassState,
)

FAST = H264Settings(speed_preset="ultrafast", tune="zerolatency", key_int=5)
QUICK_RETRY = Backoff(initial=0.05, factor=2.0, maximum=0.4)
PUT_BOUND = 1.0  # s


def _messages(caplog: pytest.LogCaptureFixture, spyglass: str) -> list[str]:
    """Messages the SpyGlass class ``spyglass`` logged, without their ``"<class>: "`` prefix."""
    prefix = f"{spyglass}: "
    return [
        message[len(prefix) :]
        for record in caplog.records
        if record.name == "backpack.spyglass.base"
        for message in [record.getMessage()]
        if message.startswith(prefix)
    ]


@pytest.mark.timeout(60)
def test_output_directory_removed_then_recreated(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    directory = tmp_path / "out"
    directory.mkdir()
    spyglass = FileSpyGlass(
        directory / "part-{n}.mkv", encoder=FAST, fps=25, width=160, height=120,
        backoff=QUICK_RETRY,
    )  # fmt: skip
    spyglass.start_streaming()
    with Feeder(spyglass, 160, 120, color=2) as feeder:
        assert wait_for(lambda: spyglass.written_frames > 10, timeout=10)
        shutil.rmtree(directory)
        assert wait_for(lambda: spyglass.state is SpyGlassState.ERROR, timeout=10)
        # Re-opening is retried with backoff and fails while the directory is missing.
        assert wait_for(
            lambda: sum("Could not open file" in m for m in _messages(caplog, "FileSpyGlass")) >= 2,
            timeout=10,
        )
        directory.mkdir()
        feeder.color = 3
        assert wait_for(lambda: spyglass.state is SpyGlassState.STREAMING, timeout=10)
        written = spyglass.written_frames
        assert wait_for(lambda: spyglass.written_frames > written + 10, timeout=10)
    spyglass.stop_streaming()
    assert feeder.max_put_seconds < PUT_BOUND

    messages = _messages(caplog, "FileSpyGlass")
    assert any("disappeared (was its directory removed?)" in m for m in messages)
    assert any("Re-opening the pipeline in 0.05 s" in m for m in messages)
    files = sorted(directory.iterdir())
    assert len(files) == 1  # only the file started after recovery is in the new directory
    video = decode_file(str(files[0]))
    assert len(video.frames) > 10
    assert {palette_index(frame) for frame in video.frames} == {3}


@pytest.mark.timeout(60)
def test_pipeline_error_is_logged_and_retried_with_exponential_backoff(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO)
    # /dev/full opens fine, then every write fails with ENOSPC: filesink posts an error.
    spyglass = FileSpyGlass(
        "/dev/full", container="mkv", encoder=FAST, fps=25, width=160, height=120,
        backoff=QUICK_RETRY,
    )  # fmt: skip
    spyglass.start_streaming()
    with Feeder(spyglass, 160, 120) as feeder:
        assert wait_for(lambda: spyglass.state is SpyGlassState.ERROR, timeout=10)
        assert wait_for(
            lambda: any("in 0.40 s" in m for m in _messages(caplog, "FileSpyGlass")), timeout=20
        )
    spyglass.stop_streaming()
    assert feeder.max_put_seconds < PUT_BOUND
    messages = _messages(caplog, "FileSpyGlass")
    errors = [m for m in messages if m.startswith("GStreamer pipeline error: ")]
    assert any("filesink" in m and "No space left" in m for m in errors), errors
    delays = [m for m in messages if m.startswith("Re-opening the pipeline in")]
    assert delays[:4] == [f"Re-opening the pipeline in {d:.2f} s" for d in (0.05, 0.1, 0.2, 0.4)]


class _TcpSpyGlass(SpyGlass):
    """Streams MPEG-TS to a TCP server (a separate receiver process)."""

    def __init__(self, port: int, **kwargs: object) -> None:
        self.port = port
        super().__init__(**kwargs)  # type: ignore[arg-type]

    def _get_pipeline(self, fps: float, width: int, height: int) -> str:
        return (
            f"appsrc ! videoconvert ! video/x-raw,format=I420 ! {FAST.element(fps)} ! "
            f"h264parse ! mpegtsmux ! tcpclientsink host=127.0.0.1 port={self.port}"
        )


def _gst_launch(description: str) -> subprocess.Popen[bytes]:
    """Run ``gst-launch-1.0 -q <description>`` as a separate process."""
    return subprocess.Popen(
        ["gst-launch-1.0", "-q", *shlex.split(description)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _receiver(port: int, path: Path) -> subprocess.Popen[bytes]:
    location = shlex.quote(f"location={path}")
    return _gst_launch(f"tcpserversrc host=127.0.0.1 port={port} ! filesink {location}")


@pytest.mark.timeout(60)
def test_sink_process_killed_then_back(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    port = free_port()
    first = _receiver(port, tmp_path / "first.ts")
    spyglass = _TcpSpyGlass(port, fps=25, width=160, height=120, backoff=QUICK_RETRY)
    second = None
    try:
        spyglass.start_streaming()  # retried with backoff until the receiver listens
        with Feeder(spyglass, 160, 120, color=4) as feeder:
            assert wait_for(lambda: spyglass.written_frames > 10, timeout=10)
            assert spyglass.state is SpyGlassState.STREAMING
            first.send_signal(signal.SIGKILL)
            first.wait(10)
            assert wait_for(lambda: spyglass.state is SpyGlassState.ERROR, timeout=10)
            second = _receiver(port, tmp_path / "second.ts")
            feeder.color = 5
            assert wait_for(lambda: spyglass.state is SpyGlassState.STREAMING, timeout=15)
            written = spyglass.written_frames
            assert wait_for(lambda: spyglass.written_frames > written + 10, timeout=10)
        spyglass.stop_streaming()  # EOS closes the connection: the receiver finishes
        assert second.wait(10) == 0
    finally:
        spyglass.stop_streaming()
        for process in (first, second):
            if process is not None and process.poll() is None:
                process.kill()
                process.wait(10)
    assert feeder.max_put_seconds < PUT_BOUND
    errors = [m for m in _messages(caplog, "_TcpSpyGlass") if "pipeline error" in m]
    assert any("tcpclientsink" in m for m in errors), errors
    video = decode_file(str(tmp_path / "second.ts"))
    assert len(video.frames) > 10
    assert {palette_index(frame) for frame in video.frames} == {5}


class _PipeSpyGlass(SpyGlass):
    """Streams into a pipe's write end: the sink blocks when the pipe is full and unread.

    ``raw=True`` writes raw I420 frames (115 KB at 320x240): fdsink then blocks inside one
    write(2) system call, which nothing but a reader can end. ``raw=False`` writes small
    H.264/MPEG-TS chunks: fdsink then waits for the pipe in an interruptible poll.
    ``deep_queue=True`` lets the appsrc queue take 1 GB, so writes never block: the stuck sink
    then shows up when ``release()`` waits for the EOS that cannot get through.
    """

    def __init__(self, fd: int, raw: bool, deep_queue: bool = False, **kwargs: object) -> None:
        self.fd = fd
        self.raw = raw
        self.appsrc = "appsrc max-bytes=1000000000" if deep_queue else "appsrc"
        super().__init__(**kwargs)  # type: ignore[arg-type]

    def _get_pipeline(self, fps: float, width: int, height: int) -> str:
        encode = "" if self.raw else f"{FAST.element(fps)} ! h264parse ! mpegtsmux ! "
        return (
            f"{self.appsrc} ! videoconvert ! video/x-raw,format=I420 ! {encode}"
            f"fdsink fd={self.fd} sync=false"
        )


def _small_pipe() -> tuple[int, int]:
    """A pipe holding only one page (4 KiB): fills after a few encoded frames."""
    read_fd, write_fd = os.pipe()
    fcntl.fcntl(write_fd, fcntl.F_SETPIPE_SZ, 4096)
    return read_fd, write_fd


def _stream_threads(name: str = "_PipeSpyGlass-stream") -> list[threading.Thread]:
    return [thread for thread in threading.enumerate() if thread.name == name]


@pytest.mark.timeout(60)
def test_blocked_sink_never_blocks_put_and_recovers_when_unblocked(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO)
    read_fd, write_fd = os.pipe()
    drained = bytearray()
    draining = threading.Event()

    def drain() -> None:
        draining.wait()
        while chunk := os.read(read_fd, 65536):
            drained.extend(chunk)

    drainer = threading.Thread(target=drain, daemon=True)
    drainer.start()
    spyglass = _PipeSpyGlass(
        write_fd, raw=True, fps=25, width=320, height=240, backoff=QUICK_RETRY, stall_timeout=1.0
    )
    try:
        spyglass.start_streaming()
        with Feeder(spyglass, 320, 240) as feeder:
            # Nobody reads: the pipe fills, the sink blocks, the writer thread blocks ...
            assert wait_for(lambda: spyglass.state is SpyGlassState.ERROR, timeout=15)
            puts = feeder.puts
            assert wait_for(lambda: feeder.puts > puts + 25, timeout=10)  # ... put does not.
            assert spyglass.dropped_frames > 0
            assert any(t.name == "_PipeSpyGlass-stream" for t in threading.enumerate())
            draining.set()  # the reader shows up: the sink unblocks, streaming resumes
            assert wait_for(lambda: spyglass.state is SpyGlassState.STREAMING, timeout=15)
            written, received = spyglass.written_frames, len(drained)
            assert wait_for(lambda: spyglass.written_frames > written + 10, timeout=10)
            assert wait_for(lambda: len(drained) > received, timeout=10)  # data flows again
        spyglass.stop_streaming()
    finally:
        draining.set()
        spyglass.stop_streaming()
        os.close(write_fd)
        drainer.join(10)
        os.close(read_fd)
    assert feeder.max_put_seconds < PUT_BOUND
    assert any("sink stalled: a write blocked for" in m for m in _messages(caplog, "_PipeSpyGlass"))


@pytest.mark.timeout(90)
def test_rtsp_client_killed_does_not_disturb_streaming(caplog: pytest.LogCaptureFixture) -> None:
    spyglass = RTSPSpyGlass("/live", port=free_port(), encoder=FAST, fps=25, width=160, height=120)
    spyglass.start_streaming()
    client = None
    try:
        with Feeder(spyglass, 160, 120, color=6) as feeder:
            client = _gst_launch(
                f"rtspsrc location={spyglass.url} protocols=tcp ! rtph264depay ! fakesink"
            )
            assert decode_rtsp(spyglass.url, 3)  # the server serves while that client plays
            client.send_signal(signal.SIGKILL)  # gone without TEARDOWN
            client.wait(10)
            frames = decode_rtsp(spyglass.url, 5)
            assert [palette_index(frame) for frame in frames] == [6] * 5
            assert spyglass.state is SpyGlassState.STREAMING
    finally:
        if client is not None and client.poll() is None:
            client.kill()
            client.wait(10)
        spyglass.stop_streaming()
    assert feeder.max_put_seconds < PUT_BOUND
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


@pytest.mark.timeout(60)
@pytest.mark.parametrize("deep_queue", [False, True], ids=["blocked-push", "blocked-eos"])
def test_stop_while_sink_blocked_forces_the_pipeline_down(
    caplog: pytest.LogCaptureFixture, deep_queue: bool
) -> None:
    read_fd, write_fd = _small_pipe()
    spyglass = _PipeSpyGlass(
        write_fd, raw=False, deep_queue=deep_queue, fps=25, width=320, height=240,
        stall_timeout=30.0, stop_timeout=0.5,
    )  # fmt: skip
    try:
        spyglass.start_streaming()
        with Feeder(spyglass, 320, 240) as feeder:
            # Nobody reads: the pipe fills and the sink waits for it. Without a deep queue the
            # writer thread blocks too and frames are dropped; with one, writes go on.
            if deep_queue:
                assert wait_for(lambda: spyglass.written_frames > 25, timeout=15)
            else:
                assert wait_for(lambda: spyglass.dropped_frames > 10, timeout=15)
        assert spyglass.state is SpyGlassState.STREAMING  # stall_timeout not reached
        # EOS cannot get through: after stop_timeout the pipeline is ended forcibly (NULL
        # state, EOS posted for release()) and the streaming thread finishes.
        spyglass.stop_streaming()
        assert spyglass.state is SpyGlassState.STOPPED
        assert not _stream_threads()
    finally:
        os.close(read_fd)
        os.close(write_fd)
    assert feeder.max_put_seconds < PUT_BOUND
    messages = _messages(caplog, "_PipeSpyGlass")
    assert any("did not finish within 0.5 s after EOS: stopping it forcibly" in m for m in messages)
    assert not any("abandoning it" in m for m in messages)
    if deep_queue:  # release() was waiting for the EOS: the watchdog posted one
        assert any("EOS did not get through within 0.5 s" in m for m in messages)


@pytest.mark.timeout(60)
def test_stop_returns_even_if_the_sink_is_stuck_in_a_system_call(
    caplog: pytest.LogCaptureFixture,
) -> None:
    read_fd, write_fd = os.pipe()
    spyglass = _PipeSpyGlass(write_fd, raw=True, fps=25, width=320, height=240, stop_timeout=0.5)
    spyglass.start_streaming()
    with Feeder(spyglass, 320, 240) as feeder:
        assert wait_for(lambda: spyglass.dropped_frames > 10, timeout=15)
    spyglass.stop_streaming()  # returns after 2 x stop_timeout, leaving the stuck thread
    assert spyglass.state is SpyGlassState.STOPPED
    assert any("abandoning it" in m for m in _messages(caplog, "_PipeSpyGlass"))
    stuck = _stream_threads()
    assert len(stuck) == 1
    os.close(read_fd)  # the write(2) fails (EPIPE): the sink lets go, the thread finishes
    stuck[0].join(15)
    assert not stuck[0].is_alive()
    os.close(write_fd)
    assert feeder.max_put_seconds < PUT_BOUND
