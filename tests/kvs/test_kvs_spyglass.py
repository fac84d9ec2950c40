"""KVSSpyGlass: the pipeline it builds encodes for real, it fails clearly without kvssink, and
it drives its credentials handler.

Streaming through the real kvssink to a local fake KVS endpoint is tested in
tests/kvs/test_kvs_streaming.py and tests/kvs/test_kvs_faults_streaming.py.
"""

from __future__ import annotations

import logging
import os
from datetime import timedelta
from pathlib import Path

import cv2
import pytest
from kvs_helpers import ROLE_ARN
from spyglass_helpers import PALETTE, color_frame, decode_file, palette_index, put_all

from backpack.kvs import (
    AssumeRoleCredentialsSource,
    KVSEnvironmentCredentialsHandler,
    KVSFileCredentialsHandler,
    KVSInlineCredentialsHandler,
    KVSSinkNotFoundError,
    KVSSpyGlass,
    kvssink_available,
)
from backpack.spyglass import H264Settings, SpyGlassState

SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
CAPS = "video/x-h264,stream-format=avc,alignment=au,profile=baseline"


def inline_handler() -> KVSInlineCredentialsHandler:
    return KVSInlineCredentialsHandler("AKIAIOSFODNN7EXAMPLE", SECRET)


def split_kvssink_tail(pipeline: str) -> tuple[str, str]:
    """``(everything before, the kvssink element)``; the kvssink element must be last."""
    head, separator, tail = pipeline.rpartition(" ! ")
    assert separator and tail.startswith("kvssink "), pipeline
    return head, tail


def test_pipeline_elements_and_kvssink_properties() -> None:
    spyglass = KVSSpyGlass(
        stream_region="eu-west-1",
        stream_name="panorama video",
        credentials_handler=inline_handler(),
        encoder=H264Settings(bitrate=800, speed_preset="veryfast", tune="zerolatency"),
        storage_size=512,
        retention_period=2,
        fragment_duration=2000,
        frame_timecodes=True,
        absolute_fragment_times=False,
        kvssink_properties={"max-latency": 30},
    )
    pipeline = spyglass._get_pipeline(29.97, 640, 480)
    head, sink = split_kvssink_tail(pipeline)
    assert head == (
        "appsrc ! videoconvert ! x264enc bitrate=800 speed-preset=veryfast key-int-max=60 "
        f"tune=zerolatency bframes=0 ! {CAPS}"
    )
    assert sink == (
        'kvssink stream-name="panorama video" aws-region=eu-west-1 storage-size=512 '
        "retention-period=2 fragment-duration=2000 frame-timecodes=true "
        "absolute-fragment-times=false max-latency=30 framerate=30 stop-stream-timeout=8 "
        f"log-config={spyglass._sdk_log.config_path} "  # type: ignore[union-attr]
        f"access-key=AKIAIOSFODNN7EXAMPLE secret-key={SECRET}"
    )
    assert spyglass._redact(pipeline).endswith("secret-key=***")
    assert SECRET not in spyglass._redact(pipeline)


@pytest.mark.timeout(60)
def test_built_pipeline_encodes_with_the_real_encoder(tmp_path: Path) -> None:
    spyglass = KVSSpyGlass("us-east-1", "cam", inline_handler(), fps=25, width=320, height=240)
    head, _ = split_kvssink_tail(spyglass._get_pipeline(25.0, 320, 240))
    # Only the kvssink element is replaced: kvssink muxes to Matroska, so does matroskamux.
    output = tmp_path / "kvs.mkv"
    writer = cv2.VideoWriter(
        f"{head} ! matroskamux ! filesink location={output}",
        cv2.CAP_GSTREAMER,
        0,
        25.0,
        (320, 240),
    )
    assert writer.isOpened()
    for index in range(40):
        writer.write(color_frame(index // 5, 320, 240))
    writer.release()

    video = decode_file(str(output))
    assert (video.width, video.height) == (320, 240)
    assert len(video.frames) == 40
    assert [palette_index(frame) for frame in video.frames] == [
        (index // 5) % len(PALETTE) for index in range(40)
    ]


@pytest.mark.timeout(60)
def test_streaming_cycle_with_debug_sink_runs_the_handler(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    source = AssumeRoleCredentialsSource(ROLE_ARN, duration=timedelta(seconds=900))
    handler = KVSFileCredentialsHandler(tmp_path / "creds", source=source)
    output = tmp_path / "kvs.mkv"
    spyglass = KVSSpyGlass(
        "us-east-1",
        "cam",
        handler,
        fps=25,
        width=320,
        height=240,
        sink=f"matroskamux ! filesink location={output}",
    )
    spyglass.start_streaming()
    assert spyglass.state is SpyGlassState.STREAMING
    assert os.path.exists(handler.credentials_path)  # the base called _on_start
    put_all(spyglass, (color_frame(index, 320, 240) for index in range(24)))
    spyglass.stop_streaming()
    assert not os.path.exists(handler.credentials_path)  # ... and _on_stop
    assert handler.status.next_refresh is None

    video = decode_file(str(output))
    assert (video.width, video.height) == (320, 240)
    assert len(video.frames) == 24
    assert [palette_index(frame) for frame in video.frames] == [i % len(PALETTE) for i in range(24)]
    assert any(
        record.name == "backpack.spyglass.base"
        and message.startswith("KVSSpyGlass: ")
        and "Streaming 25.000 fps 320x240 to pipeline: appsrc ! videoconvert ! x264enc" in message
        and f"bframes=0 ! {CAPS} ! matroskamux" in message
        for record in caplog.records
        for message in [record.getMessage()]
    )


def test_readme_usage_fails_clearly_without_kvssink(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if kvssink_available():
        pytest.skip("kvssink is installed here: the missing-element error cannot be produced")
    plugins = tmp_path / "kvs-plugins"
    plugins.mkdir()
    dotenv = tmp_path / ".env"
    dotenv.write_text(f"GST_PLUGIN_PATH={plugins}\n")
    monkeypatch.setenv("GST_PLUGIN_PATH", "")  # restored after the test; the .env overwrites it
    credentials_handler = KVSFileCredentialsHandler()  # exactly as in the README
    spyglass = KVSSpyGlass(
        stream_region="us-east-1",
        stream_name="panorama-video",
        credentials_handler=credentials_handler,
        dotenv_path=str(dotenv),
    )
    assert os.environ["GST_PLUGIN_PATH"] == str(plugins)
    with pytest.raises(KVSSinkNotFoundError) as error:
        spyglass.start_streaming()
    message = str(error.value)
    assert "'kvssink'" in message
    assert f"GST_PLUGIN_PATH={str(plugins)!r}" in message
    assert f"dotenv_path={str(dotenv)!r}" in message
    assert spyglass.state is SpyGlassState.STOPPED
    assert not os.path.exists(credentials_handler.credentials_path)  # nothing was started
    assert spyglass.put(color_frame(0, 64, 48)) is False


def test_hooks_start_and_stop_the_credentials_handler(monkeypatch: pytest.MonkeyPatch) -> None:
    handler = KVSEnvironmentCredentialsHandler("AKIAHOOKEXAMPLE", "hook-secret-example")
    spyglass = KVSSpyGlass("us-east-1", "cam", handler, fps=25, width=320, height=240)
    assert os.environ["AWS_ACCESS_KEY_ID"] == "testing"
    spyglass._on_start()  # the base calls it before each attempt to open the pipeline
    assert os.environ["AWS_ACCESS_KEY_ID"] == "AKIAHOOKEXAMPLE"
    assert "access-key" not in spyglass._get_pipeline(25.0, 320, 240)
    spyglass._on_stop()  # ... and after each close
    assert os.environ["AWS_ACCESS_KEY_ID"] == "testing"


def test_file_handler_pipeline_carries_only_the_path(tmp_path: Path) -> None:
    handler = KVSFileCredentialsHandler(tmp_path / "kvs creds")
    spyglass = KVSSpyGlass("us-east-1", "cam", handler)
    _, sink = split_kvssink_tail(spyglass._get_pipeline(15.0, 640, 480))
    assert sink == (
        f"kvssink stream-name=cam aws-region=us-east-1 framerate=15 stop-stream-timeout=8 "
        f"log-config={spyglass._sdk_log.config_path} "  # type: ignore[union-attr]
        f'credential-path="{tmp_path / "kvs creds"}"'
    )


def test_given_framerate_property_wins() -> None:
    spyglass = KVSSpyGlass(
        "us-east-1", "cam", inline_handler(), kvssink_properties={"framerate": 5}
    )
    _, sink = split_kvssink_tail(spyglass._get_pipeline(25.0, 320, 240))
    assert sink.split().count("framerate=5") == 1 and "framerate=25" not in sink


def test_bad_arguments_are_rejected() -> None:
    handler = inline_handler()
    with pytest.raises(ValueError, match="stream_region"):
        KVSSpyGlass("", "cam", handler)
    with pytest.raises(ValueError, match="stream_name"):
        KVSSpyGlass("us-east-1", "", handler)
    with pytest.raises(TypeError, match="KVSCredentialsHandler"):
        KVSSpyGlass("us-east-1", "cam", "access-key=x")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="storage-size"):
        KVSSpyGlass("us-east-1", "cam", handler, storage_size=-1)
    with pytest.raises(ValueError, match="frame-timecodes"):
        KVSSpyGlass("us-east-1", "cam", handler, frame_timecodes=1)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="credentials handler"):
        KVSSpyGlass("us-east-1", "cam", handler, kvssink_properties={"secret-key": "x"})
    with pytest.raises(ValueError, match="property name"):
        KVSSpyGlass("us-east-1", "cam", handler, kvssink_properties={"Max Latency": 1})
    with pytest.raises(ValueError, match="sink"):
        KVSSpyGlass("us-east-1", "cam", handler, sink=" ")
    with pytest.raises(ValueError, match="fps"):
        KVSSpyGlass("us-east-1", "cam", handler, fps=0)
