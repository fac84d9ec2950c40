"""KVSSpyGlass streaming through the real kvssink to a local fake KVS endpoint.

The endpoint (tests/kvs/kvs_endpoint.py) answers the control plane and keeps every PutMedia body;
what it got is decoded with PyAV and checked frame by frame (count, size, colour sequence).
kvssink is found through GST_PLUGIN_PATH; without it these tests skip, naming the path.
"""

from __future__ import annotations

import logging
import os
import time
from pathlib import Path

import av
import numpy as np
import pytest
from kvs_endpoint import KVSEndpoint
from kvs_helpers import ROLE_ARN
from spyglass_helpers import PALETTE, Feeder, color_frame, palette_index, put_all, wait_for

from backpack.kvs import KVSFileCredentialsHandler, KVSInlineCredentialsHandler, KVSSpyGlass
from backpack.spyglass import SpyGlassState

SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
WIDTH, HEIGHT = 320, 240


def decode_received(endpoint: KVSEndpoint, name: str, directory: Path) -> list[av.VideoFrame]:
    """Every frame the endpoint received for stream ``name``, decoded in order."""
    frames: list[av.VideoFrame] = []
    for path in endpoint.stream(name).write_sessions(directory):
        with av.open(str(path)) as container:
            frames.extend(container.decode(container.streams.video[0]))
    return frames


def colours(frames: list[av.VideoFrame]) -> list[int | None]:
    return [palette_index(frame.to_ndarray(format="bgr24")) for frame in frames]


def stream_known_frames(spyglass: KVSSpyGlass, count: int) -> float:
    """Start, put ``count`` frames (each written before the next), stop; return stop seconds."""
    spyglass.start_streaming()
    assert spyglass.state is SpyGlassState.STREAMING
    put_all(spyglass, (color_frame(index, WIDTH, HEIGHT) for index in range(count)), 30)
    started = time.monotonic()
    spyglass.stop_streaming()
    return time.monotonic() - started


@pytest.mark.timeout(120)
@pytest.mark.parametrize("fixture", ["kvs_endpoint", "kvs_tls_endpoint"])
def test_frames_arrive_decodable_in_order(
    fixture: str,
    request: pytest.FixtureRequest,
    tmp_path: Path,
    capfd: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    endpoint: KVSEndpoint = request.getfixturevalue(fixture)
    caplog.set_level(logging.DEBUG)
    handler = KVSInlineCredentialsHandler("AKIAIOSFODNN7EXAMPLE", SECRET)
    spyglass = KVSSpyGlass("us-east-1", "cam-a", handler, fps=15, width=WIDTH, height=HEIGHT)
    count = 45
    stop_seconds = stream_known_frames(spyglass, count)

    # No loss allowed: every frame was written before the next was put, and the first one is
    # a key frame, so kvssink skips nothing; the endpoint acked every fragment at EOS.
    frames = decode_received(endpoint, "cam-a", tmp_path)
    assert len(frames) == count
    assert {(frame.width, frame.height) for frame in frames} == {(WIDTH, HEIGHT)}
    assert colours(frames) == [index % len(PALETTE) for index in range(count)]
    stream = endpoint.stream("cam-a")
    assert len(stream.sessions) == 1 and stream.persisted
    assert endpoint.access_keys() == ["AKIAIOSFODNN7EXAMPLE"]
    assert [r.path for r in endpoint.requests if r.path != "/describeStream"][-2:] == [
        "/getDataEndpoint",
        "/putMedia",
    ]
    # The SDK's DEBUG flood stays off standard output, and no problem was reported.
    out = capfd.readouterr().out
    print(f"{fixture}: stop_streaming took {stop_seconds:.3f} s")  # reported, not asserted
    assert "DEBUG" not in out and "postReadCallback" not in out
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR], caplog.text
    assert SECRET not in caplog.text


@pytest.mark.timeout(240)
def test_readme_file_credentials_rotate_while_streaming(
    kvs_endpoint: KVSEndpoint,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    # moto STS issues role credentials living 75 s (below STS's 900 s minimum: botocore's
    # client-side check is off for this profile) so that they expire within the run.
    use_short_role_profile(tmp_path, monkeypatch, seconds=75)
    dotenv = tmp_path / ".env"
    dotenv.write_text(f"GST_PLUGIN_PATH={os.environ.get('GST_PLUGIN_PATH', '')}\n")

    # The original README's example, as written.
    credentials_handler = KVSFileCredentialsHandler()
    spyglass = KVSSpyGlass(
        stream_region="us-east-1",
        stream_name="panorama-video",
        credentials_handler=credentials_handler,
        dotenv_path=str(dotenv),
        fps=10,
        width=WIDTH,
        height=HEIGHT,
    )
    spyglass.start_streaming()
    first_key = credentials_handler.status.access_key_id
    assert first_key is not None and spyglass.state is SpyGlassState.STREAMING
    written_keys = {first_key}

    def rotated() -> bool:
        written_keys.add(credentials_handler.status.access_key_id)
        return len(set(kvs_endpoint.access_keys())) >= 2

    with Feeder(spyglass, WIDTH, HEIGHT, fps=10) as feeder:
        assert wait_for(rotated, 150, 0.2), f"PutMedia keys: {kvs_endpoint.access_keys()}"
        feeder.color = 3
        time.sleep(2)  # a few frames of a new colour after the rotation
    spyglass.stop_streaming()
    keys = kvs_endpoint.access_keys()
    assert keys[0] == first_key and keys[-1] != first_key
    assert keys[-1] in written_keys  # a key the handler wrote to the file
    assert not any(SECRET in record.getMessage() for record in caplog.records)

    frames = decode_received(kvs_endpoint, "panorama-video", tmp_path)
    times = [float(frame.time) for frame in frames if frame.time is not None]
    gaps = np.diff(times)
    print(
        f"{len(frames)} frames of {spyglass.written_frames} written, {len(keys)} PutMedia "
        f"sessions, keys {keys}, largest gap {gaps.max():.3f} s"
    )
    assert {(frame.width, frame.height) for frame in frames} == {(WIDTH, HEIGHT)}
    assert colours(frames)[-1] == 3
    assert (gaps > 0).all()  # in order, no frame twice
    assert gaps.max() < 1.0  # the rotation leaves no hole in the stream


def use_short_role_profile(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, seconds: int) -> None:
    """Make the default boto3 session assume a role on moto's STS for ``seconds``."""
    config = tmp_path / "aws_config"
    config.write_text(
        f"[profile kvs]\nrole_arn = {ROLE_ARN}\nsource_profile = base\n"
        f"role_session_name = backpack-test\nduration_seconds = {seconds}\n"
        "parameter_validation = false\n"
    )
    credentials = tmp_path / "aws_credentials"
    credentials.write_text(
        "[base]\naws_access_key_id = AKIABASEEXAMPLE\naws_secret_access_key = base-secret-key\n"
    )
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(credentials))
    monkeypatch.setenv("AWS_PROFILE", "kvs")
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
        monkeypatch.delenv(name, raising=False)
