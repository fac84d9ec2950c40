"""FileSpyGlass against real GStreamer: the written files are decoded with PyAV and checked."""

from __future__ import annotations

import logging
import subprocess
import sys
from pathlib import Path

import cv2
import numpy as np
import pytest
from spyglass_helpers import (
    PALETTE,
    FakeClock,
    color_frame,
    decode_file,
    palette_index,
    put_all,
    wait_for,
)

from backpack.spyglass import FileSpyGlass, SpyGlassState
from backpack.spyglass.encoder import H264Settings

FAST = H264Settings(speed_preset="ultrafast")


def _check_colors(frames: list[np.ndarray], first: int = 0) -> None:
    indices = [palette_index(frame) for frame in frames]
    assert indices == [(first + i) % len(PALETTE) for i in range(len(frames))]


@pytest.mark.timeout(60)
@pytest.mark.parametrize("suffix", [".mp4", ".mkv"])
def test_frames_are_written_in_order_with_size_and_colors(tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"out{suffix}"
    spyglass = FileSpyGlass(path, encoder=FAST, fps=25, width=320, height=240)
    assert spyglass.container == suffix[1:]
    spyglass.start_streaming()
    assert spyglass.state is SpyGlassState.STREAMING
    put_all(spyglass, (color_frame(i, 320, 240) for i in range(24)))
    spyglass.stop_streaming()
    assert spyglass.state is SpyGlassState.STOPPED

    video = decode_file(str(path))  # an MP4 only decodes when EOS finalized it
    assert (video.width, video.height) == (320, 240)
    assert len(video.frames) == 24
    assert video.rate == pytest.approx(25, rel=0.01)
    _check_colors(video.frames)
    assert spyglass.dropped_frames == 0


@pytest.mark.timeout(60)
def test_warmup_measures_fractional_fps_and_size_with_injected_clock(tmp_path: Path) -> None:
    path = tmp_path / "warm.mp4"
    clock = FakeClock(step=1 / 29.97)
    spyglass = FileSpyGlass(path, encoder=FAST, warmup_frames=10, clock=clock)
    spyglass.start_streaming()
    assert spyglass.state is SpyGlassState.START_WARMUP
    for i in range(9):
        assert spyglass.put(color_frame(i, 256, 144)) is False
        assert spyglass.state is SpyGlassState.WARMUP
    assert spyglass.put(color_frame(100, 256, 144)) is False  # completes the warmup
    fmt = spyglass.stream_format
    assert fmt is not None
    assert fmt.fps == pytest.approx(29.97, abs=1e-6)
    assert (fmt.width, fmt.height) == (256, 144)
    # The pipeline opens in the streaming thread, which then writes the warmup's last frame.
    assert wait_for(lambda: spyglass.written_frames == 1, timeout=10)
    assert spyglass.state is SpyGlassState.STREAMING
    put_all(spyglass, (color_frame(100 + i, 256, 144) for i in range(1, 12)))
    spyglass.stop_streaming()

    video = decode_file(str(path))
    assert (video.width, video.height) == (256, 144)
    # The frame that completed the warmup is streamed first, then the 11 that followed.
    assert len(video.frames) == 12
    _check_colors(video.frames, first=100 % len(PALETTE))
    if int(cv2.__version__.split(".")[0]) >= 5 and abs(video.rate - 29.97) > 0.01:
        # Upstream bug, not ours: OpenCV 5.0's GStreamer writer (cap_gstreamer.cpp) passes the
        # double fps to gst_util_uint64_scale_int, truncating 29.97 to 29 in the buffer
        # timestamps. The warmup measured 29.97 and asked the writer for it (checked above).
        pytest.xfail(f"OpenCV {cv2.__version__} truncates fractional fps: file rate {video.rate}")
    assert video.rate == pytest.approx(29.97, abs=0.01)


@pytest.mark.timeout(60)
def test_only_size_missing_needs_a_single_frame(tmp_path: Path) -> None:
    path = tmp_path / "size.mkv"
    spyglass = FileSpyGlass(path, encoder=FAST, fps=10)
    spyglass.start_streaming(width=None)
    assert spyglass.state is SpyGlassState.START_WARMUP
    spyglass.put(color_frame(0, 160, 96))
    assert wait_for(lambda: spyglass.written_frames == 1, timeout=10)
    fmt = spyglass.stream_format
    assert fmt is not None and (fmt.fps, fmt.width, fmt.height) == (10, 160, 96)
    put_all(spyglass, (color_frame(i, 160, 96) for i in range(1, 5)))
    spyglass.stop_streaming()
    video = decode_file(str(path))
    assert len(video.frames) == 5
    _check_colors(video.frames)


@pytest.mark.timeout(60)
def test_frames_of_other_sizes_are_resized_and_callers_frame_untouched(tmp_path: Path) -> None:
    path = tmp_path / "resized.mp4"
    spyglass = FileSpyGlass(path, encoder=FAST, fps=25, width=320, height=240)
    spyglass.start_streaming()
    big = color_frame(1, 640, 480)
    small = color_frame(2, 160, 100)
    odd = np.ascontiguousarray(color_frame(3, 500, 333)[:, ::-1])  # other size, other layout
    view = color_frame(4, 640, 480)[::2, ::2]  # non-contiguous view, already 320x240
    originals = [frame.copy() for frame in (big, small, odd, view)]
    put_all(spyglass, [big, small, odd, view])
    spyglass.stop_streaming()
    for frame, original in zip((big, small, odd, view), originals):
        np.testing.assert_array_equal(frame, original)

    video = decode_file(str(path))
    assert (video.width, video.height) == (320, 240)
    assert [palette_index(frame) for frame in video.frames] == [1, 2, 3, 4]


@pytest.mark.timeout(60)
def test_restart_writes_a_new_decodable_file_each_time(tmp_path: Path) -> None:
    spyglass = FileSpyGlass(tmp_path / "clip-{n}.mp4", encoder=FAST, fps=25, width=192, height=108)
    for run in range(3):
        spyglass.start_streaming()
        assert spyglass.state is SpyGlassState.STREAMING
        put_all(spyglass, (color_frame(run + i, 192, 108) for i in range(5 + run)))
        spyglass.stop_streaming()
    assert spyglass.written_paths == tuple(str(tmp_path / f"clip-{n}.mp4") for n in range(3))
    for run, path in enumerate(spyglass.written_paths):
        video = decode_file(path)
        assert len(video.frames) == 5 + run
        _check_colors(video.frames, first=run)


@pytest.mark.timeout(60)
def test_start_while_streaming_restarts_and_overwrites_without_template(tmp_path: Path) -> None:
    path = tmp_path / "same.mkv"
    spyglass = FileSpyGlass(path, encoder=FAST, fps=25, width=128, height=96)
    spyglass.start_streaming()
    put_all(spyglass, (color_frame(i, 128, 96) for i in range(6)))
    spyglass.start_streaming(fps=10)  # restart with another rate: the file is overwritten
    put_all(spyglass, (color_frame(5 + i, 128, 96) for i in range(3)))
    spyglass.stop_streaming()
    video = decode_file(str(path))
    assert len(video.frames) == 3
    assert video.rate == pytest.approx(10, rel=0.01)
    _check_colors(video.frames, first=5)


@pytest.mark.timeout(60)
def test_bad_frames_raise_clear_errors_and_streaming_continues(tmp_path: Path) -> None:
    path = tmp_path / "valid.mp4"
    spyglass = FileSpyGlass(path, encoder=FAST, fps=25, width=64, height=48)
    spyglass.start_streaming()
    bad: list[tuple[object, type[Exception], str]] = [
        (None, TypeError, "numpy.ndarray, got NoneType"),
        ([[1, 2, 3]], TypeError, "numpy.ndarray, got list"),
        (np.zeros((48, 64, 3), np.float32), TypeError, "dtype must be uint8, got float32"),
        (np.zeros((48, 64), np.uint8), ValueError, "HxWx3 BGR image, got shape (48, 64)"),
        (np.zeros((48, 64, 4), np.uint8), ValueError, "got shape (48, 64, 4)"),
        (np.zeros((0, 64, 3), np.uint8), ValueError, "frame is empty"),
    ]
    for frame, error, text in bad:
        with pytest.raises(error) as info:
            spyglass.put(frame)  # type: ignore[arg-type]
        assert text in str(info.value)
    assert spyglass.state is SpyGlassState.STREAMING
    put_all(spyglass, (color_frame(i, 64, 48) for i in range(4)))
    spyglass.stop_streaming()
    assert len(decode_file(str(path)).frames) == 4


def test_bad_configuration_raises_clear_errors(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="cannot infer the container"):
        FileSpyGlass(tmp_path / "out.avi")
    with pytest.raises(ValueError, match="container must be 'mp4' or 'mkv'"):
        FileSpyGlass(tmp_path / "out", container="avi")
    with pytest.raises(ValueError, match="fps must be"):
        FileSpyGlass(tmp_path / "out.mp4", fps=0)
    with pytest.raises(ValueError, match="width must be a positive int"):
        FileSpyGlass(tmp_path / "out.mp4", width=-5)
    with pytest.raises(ValueError, match="warmup frames must be an int >= 2"):
        FileSpyGlass(tmp_path / "out.mp4", warmup_frames=1)
    with pytest.raises(ValueError, match="speed_preset must be one of"):
        H264Settings(speed_preset="warp")
    spyglass = FileSpyGlass(tmp_path / "out.mp4")
    with pytest.raises(ValueError, match="height must be a positive int"):
        spyglass.start_streaming(height=0)
    assert spyglass.state is SpyGlassState.STOPPED


def test_put_while_stopped_is_ignored(tmp_path: Path) -> None:
    spyglass = FileSpyGlass(tmp_path / "never.mp4", fps=25, width=64, height=48)
    assert spyglass.put(color_frame(0, 64, 48)) is False
    assert spyglass.state is SpyGlassState.STOPPED
    assert not (tmp_path / "never.mp4").exists()


@pytest.mark.timeout(60)
def test_missing_directory_is_an_error_naming_the_pipeline(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    path = tmp_path / "missing" / "out.mp4"
    spyglass = FileSpyGlass(path, encoder=FAST, fps=25, width=64, height=48)
    spyglass.start_streaming()
    assert spyglass.state is SpyGlassState.ERROR
    spyglass.stop_streaming()
    messages = [r.getMessage() for r in caplog.records if r.name == "backpack.spyglass.base"]
    assert any(
        "FileSpyGlass: Could not open pipeline: appsrc ! videoconvert" in m for m in messages
    )
    assert any(f'Could not open file "{path}" for writing' in m for m in messages)


_NO_GI_SCRIPT = """
import logging, sys
sys.modules["gi"] = None  # PyGObject missing, as in images without python3-gi
sys.path.insert(0, {tests!r})
logging.basicConfig(level=logging.WARNING)
from backpack.spyglass import FileSpyGlass, H264Settings, SpyGlassState
from spyglass_helpers import color_frame, decode_file, palette_index, put_all
spyglass = FileSpyGlass({out!r}, encoder=H264Settings(speed_preset="ultrafast"),
                        fps=25, width=64, height=48)
spyglass.start_streaming()
assert spyglass.state is SpyGlassState.STREAMING
put_all(spyglass, [color_frame(i, 64, 48) for i in range(6)])
spyglass.stop_streaming()
video = decode_file({out!r})
assert [palette_index(f) for f in video.frames] == list(range(6))
print("ok")
"""


@pytest.mark.timeout(60)
def test_streams_without_pygobject(tmp_path: Path) -> None:
    tests = Path(__file__).resolve().parent
    out = tmp_path / "nogi.mp4"
    result = subprocess.run(
        [sys.executable, "-c", _NO_GI_SCRIPT.format(tests=str(tests), out=str(out))],
        cwd=str(tests.parents[1]),
        capture_output=True,
        text=True,
        timeout=50,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.strip().endswith("ok")
    assert "PyGObject GStreamer bindings unavailable" in result.stderr
