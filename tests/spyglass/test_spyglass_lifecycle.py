"""SpyGlass's life cycle at its edges, against real GStreamer (files decoded with PyAV).

Frames fed in a burst (from a list or a file), streaming stopped before the warmup ends,
a process that exits without ``stop_streaming()``, and where the library logs.
"""

from __future__ import annotations

import logging
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from spyglass_helpers import (
    PALETTE,
    FakeClock,
    assert_file_rate,
    color_frame,
    decode_file,
    palette_index,
)

from backpack.spyglass import FileSpyGlass, H264Settings, SpyGlassState, load_environment

FAST = H264Settings(speed_preset="ultrafast")
README = Path(__file__).resolve().parents[2] / "README.md"
TESTS = Path(__file__).resolve().parent
FALLBACK_FPS = 30.0  # the stated default rate when none can be measured


def _readme_loop() -> str:
    """The README's "A frame loop on any edge box" example, verbatim."""
    text = README.read_text()
    start = text.index("A frame loop on any edge box")
    match = re.compile(r"```python\n(.*?)```", re.DOTALL).search(text, start)
    assert match is not None
    return match.group(1)


def _pipelines(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [m for r in caplog.records for m in [r.getMessage()] if "to pipeline: appsrc" in m]


@pytest.mark.timeout(90)
@pytest.mark.parametrize("count", [60, 300], ids=["shorter-than-warmup", "longer"])
def test_readme_loop_fed_from_a_list_writes_a_decodable_file(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, count: int
) -> None:
    caplog.set_level(logging.INFO)
    code = _readme_loop()
    assert '"/tmp/debug-{n}.mkv"' in code
    code = code.replace("/tmp/debug-{n}.mkv", str(tmp_path / "debug-{n}.mkv"))
    frames = [color_frame(i, 320, 240) for i in range(count)]
    exec(compile(code, str(README), "exec"), {"frames": frames})

    video = decode_file(str(tmp_path / "debug-0.mkv"))
    assert (video.width, video.height) == (320, 240)
    # A list arrives in a burst: its "rate" is meaningless; the stated default is used.
    assert_file_rate(video.rate, FALLBACK_FPS)
    assert any("key-int-max=60 " in m for m in _pipelines(caplog)), _pipelines(caplog)
    assert any("outside" in r.getMessage() and r.levelno == logging.WARNING for r in caplog.records)
    indices = [palette_index(frame) for frame in video.frames]
    if count == 60:  # stopped during the warmup: every frame put is written, in order
        assert indices == [i % len(PALETTE) for i in range(count)]
    else:  # most frames are replaced in the mailbox, but the last one put is written
        assert 1 <= len(indices) <= count
        assert indices[-1] == (count - 1) % len(PALETTE)


@pytest.mark.timeout(60)
def test_stop_during_warmup_writes_the_frames_at_the_rate_measured_so_far(tmp_path: Path) -> None:
    path = tmp_path / "short.mp4"
    spyglass = FileSpyGlass(path, encoder=FAST, warmup_frames=100, clock=FakeClock(step=1 / 12.5))
    spyglass.start_streaming()
    for i in range(40):
        assert spyglass.put(color_frame(i, 192, 108)) is False
    assert spyglass.state is SpyGlassState.WARMUP
    spyglass.stop_streaming()
    assert spyglass.state is SpyGlassState.STOPPED
    assert spyglass.written_frames == 40

    video = decode_file(str(path))
    assert (video.width, video.height) == (192, 108)
    assert_file_rate(video.rate, 12.5)
    assert [palette_index(frame) for frame in video.frames] == [i % 8 for i in range(40)]


@pytest.mark.timeout(60)
def test_stop_after_a_single_warmup_frame_writes_it_at_the_default_rate(tmp_path: Path) -> None:
    path = tmp_path / "one.mkv"
    spyglass = FileSpyGlass(path, encoder=FAST, clock=FakeClock(step=0.04))
    spyglass.start_streaming()
    spyglass.put(color_frame(5, 128, 96))
    spyglass.stop_streaming()
    video = decode_file(str(path))
    assert_file_rate(video.rate, FALLBACK_FPS)
    assert [palette_index(frame) for frame in video.frames] == [5]


_EXIT_SCRIPT = """
import sys
sys.path.insert(0, {tests!r})
from backpack.spyglass import FileSpyGlass, H264Settings
from spyglass_helpers import FakeClock, color_frame, put_all
fast = H264Settings(speed_preset="ultrafast")
streaming = FileSpyGlass({streaming!r}, encoder=fast, fps=25, width=160, height=120)
streaming.start_streaming()
put_all(streaming, [color_frame(i, 160, 120) for i in range(12)])
warming = FileSpyGlass({warming!r}, encoder=fast, clock=FakeClock(step=0.1))
warming.start_streaming()
for i in range(7):
    warming.put(color_frame(i, 96, 64))
print("leaving without stop_streaming()")
"""


@pytest.mark.timeout(90)
def test_exit_without_stop_finalizes_open_files(tmp_path: Path) -> None:
    streaming, warming = tmp_path / "streaming.mp4", tmp_path / "warming.mp4"
    script = _EXIT_SCRIPT.format(tests=str(TESTS), streaming=str(streaming), warming=str(warming))
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=TESTS.parents[1],
        capture_output=True,
        text=True,
        timeout=80,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.strip() == "leaving without stop_streaming()"
    video = decode_file(str(streaming))  # an MP4 only decodes when EOS finalized it
    assert [palette_index(frame) for frame in video.frames] == [i % 8 for i in range(12)]
    video = decode_file(str(warming))
    assert_file_rate(video.rate, 10)
    assert [palette_index(frame) for frame in video.frames] == list(range(7))


_STUCK_EXIT_SCRIPT = """
import os, sys
sys.path.insert(0, {tests!r})
from backpack.spyglass import SpyGlass
from spyglass_helpers import color_frame, wait_for

class Stuck(SpyGlass):
    def _get_pipeline(self, fps, width, height):
        return f"appsrc ! videoconvert ! video/x-raw,format=I420 ! fdsink fd={{FD}} sync=false"

read_fd, FD = os.pipe()  # nobody reads: fdsink blocks in write(2) for good
spyglass = Stuck(fps=25, width=320, height=240, stop_timeout=0.5, stall_timeout=60)
spyglass.start_streaming()
for i in range(40):
    spyglass.put(color_frame(i, 320, 240))
    wait_for(lambda: False, 0.02)
print("leaving with a stuck sink")
"""


@pytest.mark.timeout(60)
def test_exit_with_a_stuck_sink_still_exits() -> None:
    script = _STUCK_EXIT_SCRIPT.format(tests=str(TESTS))
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=TESTS.parents[1],
        capture_output=True,
        text=True,
        timeout=50,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.strip() == "leaving with a stuck sink"
    assert "abandoning it" in result.stderr


@pytest.mark.timeout(60)
def test_every_record_comes_from_a_logger_under_backpack(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    dotenv = tmp_path / ".env"
    dotenv.write_text("BACKPACK_TEST_VALUE=1\n")
    load_environment(dotenv)
    spyglass = FileSpyGlass(
        tmp_path / "missing" / "x.mkv", encoder=FAST, fps=25, width=64, height=48
    )
    spyglass.start_streaming()  # fails: the directory is missing
    spyglass.stop_streaming()
    spyglass = FileSpyGlass(tmp_path / "ok.mkv", encoder=FAST, clock=FakeClock(step=1e-6))
    spyglass.start_streaming()
    for _ in range(3):
        spyglass.put(np.zeros((48, 64, 3), np.uint8))
    spyglass.stop_streaming()
    names = {r.name for r in caplog.records if r.name.startswith("backpack")}
    assert names >= {"backpack.spyglass.base", "backpack.spyglass.environment"}
    strangers = {r.name for r in caplog.records} - names
    assert not strangers
    # The instance is named in the message, not in the logger name.
    errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert errors and all(m.startswith("FileSpyGlass: ") for m in errors), errors
