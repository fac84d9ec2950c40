"""PreviewSpyGlass in a real headless Chromium: the page shows the frames and the statistics."""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from preview_helpers import FrameLoop, chromium, element_index, kill_browser
from spyglass_helpers import wait_for

from backpack.spyglass import PreviewSpyGlass, SpyGlassState


@pytest.fixture
def preview() -> Iterator[PreviewSpyGlass]:
    glass = PreviewSpyGlass(port=0)
    glass.start_streaming()
    yield glass
    glass.stop_streaming()


def _stats_text(driver: object) -> str:
    return str(driver.find_element("id", "stats").text)  # type: ignore[attr-defined]


@pytest.mark.timeout(180)
def test_page_shows_the_frames_put_and_live_statistics(
    preview: PreviewSpyGlass, tmp_path: Path
) -> None:
    with FrameLoop(preview) as loop, chromium(tmp_path / "profile") as driver:
        driver.get(preview.url)
        loaded = "return document.getElementById('video').naturalWidth"
        assert wait_for(lambda: driver.execute_script(loaded) == 320, 60), "no frame shown"
        assert preview.state is SpyGlassState.STREAMING and preview.viewers == 1
        for color in (2, 5, 1):
            loop.color = color
            assert wait_for(lambda c=color: element_index(driver, "video") == c, 30, 0.1), (
                f"video area never showed colour {color}"
            )
        shots = Path(os.environ.get("BACKPACK_TEST_SHOTS", tmp_path))
        assert driver.save_screenshot(str(shots / "preview-page.png"))
        # The table is refreshed twice a second: it soon counts this browser as a viewer.
        assert wait_for(lambda: "viewers 1" in _stats_text(driver), 10, 0.1), _stats_text(driver)
        first = _stats_text(driver)
        assert "frame " in first and "fps " in first and "frames served" in first
        assert wait_for(lambda: _stats_text(driver) != first, 10, 0.1), "statistics frozen"
        frame_rows = [
            line for line in _stats_text(driver).splitlines() if line.startswith("frame ")
        ]
        assert frame_rows and int(frame_rows[0].split()[1]) > 0
    # The browser is gone: so is its viewer, and encoding stops.
    assert wait_for(lambda: preview.viewers == 0, 30)
    encoded = preview.encoded_frames
    with FrameLoop(preview) as loop:
        assert wait_for(lambda: loop.returned >= 25, 30)
    assert preview.encoded_frames == encoded


@pytest.mark.timeout(240)
def test_three_viewers_vanishing_cost_the_frame_loop_nothing(
    preview: PreviewSpyGlass, tmp_path: Path
) -> None:
    with FrameLoop(preview, width=640, height=480) as loop:
        with chromium(tmp_path / "profile") as driver:
            first = driver.current_window_handle
            for _ in range(2):
                driver.switch_to.new_window("window")
            for handle in driver.window_handles:
                driver.switch_to.window(handle)
                driver.get(preview.url)
            driver.switch_to.window(first)
            assert wait_for(lambda: preview.viewers == 3, 60), preview.viewers
            # A raw client that connects and never reads: its socket buffer fills up.
            stalled = socket.create_connection(("127.0.0.1", int(preview.url.split(":")[2][:-1])))
            stalled.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
            stalled.sendall(b"GET /stream.mjpg HTTP/1.1\r\nHost: x\r\n\r\n")
            assert wait_for(lambda: preview.viewers == 4, 30)
            before = loop.returned
            assert kill_browser(driver) > 0
            # The frame loop keeps going while three viewers vanish and one stalls.
            assert wait_for(lambda: loop.returned >= before + 100, 60), "put() stalled"
            assert wait_for(lambda: preview.viewers == 1, 30), preview.viewers
        stalled.close()
        assert wait_for(lambda: preview.viewers == 0, 30), preview.viewers
        # A new viewer still gets the current frames.
        loop.color = 3
        with chromium(tmp_path / "again") as driver:
            driver.get(preview.url)
            assert wait_for(lambda: element_index(driver, "video") == 3, 60, 0.1)
        assert preview.state is SpyGlassState.STREAMING


@pytest.mark.timeout(120)
def test_token_guards_the_page(tmp_path: Path) -> None:
    glass = PreviewSpyGlass(port=0, token="s3cret")
    glass.start_streaming()
    try:
        with FrameLoop(glass) as loop, chromium(tmp_path / "profile") as driver:
            loop.color = 4
            driver.get(glass.url.split("?")[0])
            assert "missing or wrong token" in driver.find_element("tag name", "body").text
            driver.get(glass.url)
            assert wait_for(lambda: element_index(driver, "video") == 4, 60, 0.1)
    finally:
        glass.stop_streaming()
