"""Helpers for the preview tests: headless Chromium through selenium, a frame loop thread."""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

import cv2
import numpy as np
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from spyglass_helpers import PALETTE, palette_index

from backpack.timepiece import Ticker

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
FLAGS = (
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--window-size=900,700",
)


@contextmanager
def chromium(profile: Path) -> Iterator[webdriver.Chrome]:
    """A headless Chromium with a fresh profile directory; quit on exit."""
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={profile}")
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(30)
    driver.set_script_timeout(30)
    try:
        yield driver
    finally:
        driver.quit()


def _children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*/children"):
        found += [int(child) for child in task.read_text().split()]
    return found


def kill_browser(driver: webdriver.Chrome) -> int:
    """SIGKILL the browser started by ``driver``'s chromedriver (not chromedriver itself).

    Returns the number of processes killed: the viewers vanish without closing anything.
    """
    process = driver.service.process
    assert process is not None
    pids, stack = [], _children(process.pid)
    while stack:
        pid = stack.pop()
        pids.append(pid)
        with suppress(OSError):
            stack += _children(pid)
    for pid in pids:
        with suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    return len(pids)


def element_index(driver: webdriver.Chrome, element_id: str) -> int | None:
    """Palette index of what the element shows on screen (its screenshot's center).

    ``None`` while the element has no size yet (an ``<img>`` before its first frame).
    """
    element = driver.find_element("id", element_id)
    if not element.size["width"] or not element.size["height"]:
        return None
    png = element.screenshot_as_png
    image = cv2.imdecode(np.frombuffer(png, np.uint8), cv2.IMREAD_COLOR)
    return palette_index(image) if image is not None else None


class FrameLoop:
    """Puts solid-colour frames into a preview from a thread at ``fps``, like an app would.

    ``color`` is a :data:`PALETTE` index; :attr:`returned` counts puts that returned.
    Use as a context manager.
    """

    def __init__(self, preview: Any, width: int = 320, height: int = 240, fps: float = 25) -> None:
        self.preview = preview
        self.color = 0
        self.returned = 0
        self._frames = [np.full((height, width, 3), color, np.uint8) for color in PALETTE]
        self._period = 1.0 / fps
        self.ticker = Ticker(max_intervals=25)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.wait(self._period):
            self.preview.put(self._frames[self.color])
            self.returned += 1
            self.ticker.tick()
            self.preview.publish("frame", self.returned)
            self.preview.publish("fps", self.ticker.freq())

    def __enter__(self) -> FrameLoop:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(10)
