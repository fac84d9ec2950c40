"""Output specs create the SpyGlass they name, with the stream's format."""

from __future__ import annotations

import urllib.request

import pytest

from backpack.kvs import KVSEnvironmentCredentialsHandler, KVSSpyGlass
from backpack.panorama import OutputSpec
from backpack.spyglass import FileSpyGlass, RTSPSpyGlass


def test_file_and_rtsp() -> None:
    file_glass = OutputSpec.parse("file:/tmp/x.mkv").create(12.5, 640, 480)
    assert isinstance(file_glass, FileSpyGlass) and file_glass.container == "mkv"
    rtsp = OutputSpec.parse("rtsp:8600/door").create(15, 320, 240)
    assert isinstance(rtsp, RTSPSpyGlass) and rtsp.url == "rtsp://0.0.0.0:8600/door"
    default = OutputSpec.parse("rtsp").create(15, 320, 240)
    assert isinstance(default, RTSPSpyGlass) and default.url == "rtsp://0.0.0.0:8554/stream"


def test_kvs_takes_region_and_credentials_from_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("AWS_REGION", "eu-west-1")
    glass = OutputSpec.parse("kvs:door-camera").create(15, 640, 480)
    assert isinstance(glass, KVSSpyGlass)
    pipeline = glass._get_pipeline(15, 640, 480)
    assert 'stream-name="door-camera"' in pipeline or "stream-name=door-camera" in pipeline
    assert "eu-west-1" in pipeline
    assert glass.stream_region == "eu-west-1"
    assert isinstance(glass.credentials_handler, KVSEnvironmentCredentialsHandler)


def test_kvs_without_region_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AWS_REGION", raising=False)
    monkeypatch.delenv("AWS_DEFAULT_REGION", raising=False)
    with pytest.raises(RuntimeError, match="kvs:door needs AWS_REGION"):
        OutputSpec.parse("kvs:door").create(15, 640, 480)


def test_preview_output_serves_its_page() -> None:
    from backpack.spyglass.preview import PreviewSpyGlass

    glass = OutputSpec.parse("preview:8099").create(15, 320, 240)
    assert isinstance(glass, PreviewSpyGlass)
    glass.start_streaming()
    try:
        with urllib.request.urlopen("http://127.0.0.1:8099/", timeout=10) as page:
            assert page.status == 200 and b"<img" in page.read()
    finally:
        glass.stop_streaming()
