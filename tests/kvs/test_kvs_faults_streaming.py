"""KVSSpyGlass under faults, through the real kvssink and the local fake KVS endpoint.

The endpoint really goes away (listening socket and connections closed) and comes back on the
same port; it really refuses credentials, regions and stream creation with KVS's error bodies.
Every test runs a frame loop (a feeder thread at the stream's rate) and checks that put() never
blocks, what is logged (all loggers at DEBUG, no secret anywhere), and what arrived decodes.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta, timezone
from pathlib import Path

import av
import pytest
from kvs_endpoint import KVSEndpoint
from spyglass_helpers import Feeder, palette_index, wait_for

from backpack.kvs import (
    KVSCredentials,
    KVSFileCredentialsHandler,
    KVSInlineCredentialsHandler,
    KVSSpyGlass,
)
from backpack.spyglass import Backoff, SpyGlassState

SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
TOKEN = "FwoGZXIvYXdzEXAMPLETOKENdGhpcyBpcyBub3QgYSByZWFsIHRva2Vu"
WIDTH, HEIGHT = 320, 240
PUT_BOUND = 1.0  # s; put() copies a frame into a mailbox: far below this unless it blocks
QUICK_RETRY = Backoff(initial=0.2, factor=2.0, maximum=1.0)


def inline() -> KVSInlineCredentialsHandler:
    return KVSInlineCredentialsHandler("AKIAIOSFODNN7EXAMPLE", SECRET)


def kvs_errors(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [
        record.getMessage()
        for record in caplog.records
        if record.name.startswith("backpack.") and record.levelno >= logging.ERROR
    ]


def kvs_retries(caplog: pytest.LogCaptureFixture) -> list[str]:
    """The start attempts after the first failure (logged at DEBUG: once per incident)."""
    return [r.getMessage() for r in caplog.records if "Still cannot start" in r.getMessage()]


def assert_no_secret(caplog: pytest.LogCaptureFixture, capfd: pytest.CaptureFixture[str]) -> None:
    captured = capfd.readouterr()
    for text in (caplog.text, captured.out, captured.err):
        assert SECRET not in text and TOKEN not in text


@pytest.mark.timeout(180)
def test_endpoint_gone_then_back(
    kvs_endpoint: KVSEndpoint,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
    capfd: pytest.CaptureFixture[str],
) -> None:
    caplog.set_level(logging.DEBUG)
    spyglass = KVSSpyGlass("us-east-1", "cam-c", inline(), fps=15, width=WIDTH, height=HEIGHT)
    spyglass.start_streaming()
    assert spyglass.state is SpyGlassState.STREAMING
    with Feeder(spyglass, WIDTH, HEIGHT, fps=15, color=0) as feeder:
        assert wait_for(lambda: len(kvs_endpoint.stream("cam-c").persisted) >= 3, 30)
        feeder.color = 1
        comeback = kvs_endpoint.go_away(4.0)
        comeback.join(30)
        assert not comeback.is_alive()
        feeder.color = 2
        sessions = len(kvs_endpoint.stream("cam-c").sessions)
        # kvssink reconnects by itself; fragments made after the comeback get acknowledged.
        assert wait_for(lambda: len(kvs_endpoint.stream("cam-c").sessions) > sessions, 60)
        persisted = len(kvs_endpoint.stream("cam-c").persisted)
        assert wait_for(lambda: len(kvs_endpoint.stream("cam-c").persisted) >= persisted + 5, 60)
        assert wait_for(lambda: any("quiet again" in m for m in caplog.messages), 30)
    assert spyglass.state is SpyGlassState.STREAMING  # the pipeline itself never failed
    spyglass.stop_streaming()
    assert feeder.max_put_seconds < PUT_BOUND

    # One error for the incident, naming the reason; then the recovery.
    errors = kvs_errors(caplog)
    assert len(errors) == 1, errors
    # How curl names the endpoint going away mid-stream depends on its version (trixie's
    # curl 8.14 reports the open PutMedia response as a partial transfer).
    reasons = ("Couldn't connect", "Failed sending data", "Transferred a partial file")
    assert "kvssink" in errors[0] and any(reason in errors[0] for reason in reasons), errors[0]
    assert_no_secret(caplog, capfd)

    frames = []
    for path in kvs_endpoint.stream("cam-c").write_sessions(tmp_path):
        with av.open(str(path)) as container:
            frames.extend(
                palette_index(frame.to_ndarray(format="bgr24"))
                for frame in container.decode(container.streams.video[0])
            )
    assert frames[0] == 0 and frames[-1] == 2
    assert 2 in frames and None not in frames
    # Order kept: the colours run 0..., 1..., 2... (a resent frame may repeat at the break).
    assert frames == sorted(frames)
    # Allowed loss: at most 1 s of frames (15), at the break: bytes in flight when the endpoint
    # closed the connection are gone, and kvssink resumed after them on the new connection.
    written = spyglass.written_frames
    runs = [(colour, frames.count(colour)) for colour in sorted(set(frames))]
    print(f"{len(frames)} decoded of {written} written ({spyglass.dropped_frames} dropped); {runs}")
    assert written - 15 <= len(frames) <= written + 5  # resent frames repeat (measured <= 2)


@pytest.mark.timeout(180)
def test_credentials_refused_on_reconnect_then_accepted(
    kvs_endpoint: KVSEndpoint,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
    capfd: pytest.CaptureFixture[str],
) -> None:
    caplog.set_level(logging.DEBUG)
    spyglass = KVSSpyGlass("us-east-1", "cam-r", inline(), fps=15, width=WIDTH, height=HEIGHT)
    spyglass.start_streaming()
    with Feeder(spyglass, WIDTH, HEIGHT, fps=15, color=0) as feeder:
        assert wait_for(lambda: len(kvs_endpoint.stream("cam-r").persisted) >= 3, 30)
        # A real PutMedia connection is authorized once: the refusal meets the reconnection.
        kvs_endpoint.reject_credentials = True
        kvs_endpoint.drop_connections()
        feeder.color = 1
        assert wait_for(lambda: kvs_errors(caplog), 30)
        refused = len(kvs_endpoint.access_keys())
        assert wait_for(lambda: len(kvs_endpoint.access_keys()) >= refused + 3, 30)
        kvs_endpoint.reject_credentials = False
        feeder.color = 2
        persisted = len(kvs_endpoint.stream("cam-r").persisted)
        assert wait_for(lambda: len(kvs_endpoint.stream("cam-r").persisted) >= persisted + 5, 60)
        assert wait_for(lambda: any("quiet again" in m for m in caplog.messages), 30)
    spyglass.stop_streaming()
    assert feeder.max_put_seconds < PUT_BOUND
    # One incident: its first report, and a second only if the service's answer (the most
    # telling reason) came after a first, less telling one. The refusal reaches the SDK
    # either as the 403 or, when the endpoint answers while kvssink is still sending the
    # chunked body, as a broken connection: both are named.
    errors = kvs_errors(caplog)
    assert 1 <= len(errors) <= 2, errors
    assert any(
        ("HTTP Error 403" in e and "refused the credentials" in e)
        or "Broken pipe" in e
        or "Send failure" in e
        for e in errors
    ), errors
    assert_no_secret(caplog, capfd)
    frames = []
    for path in kvs_endpoint.stream("cam-r").write_sessions(tmp_path):
        with av.open(str(path)) as container:
            frames.extend(
                palette_index(frame.to_ndarray(format="bgr24"))
                for frame in container.decode(container.streams.video[0])
            )
    assert frames[0] == 0 and frames[-1] == 2 and frames == sorted(frames)
    # Allowed loss: at most 4 s of frames (60), all from the refused span; kvssink's own
    # handling of the refusals decides (measured: 0 to 25 frames lost, a resent one repeated).
    written = spyglass.written_frames
    runs = [(colour, frames.count(colour)) for colour in sorted(set(frames))]
    print(f"{len(frames)} decoded of {written} written; colour runs {runs}")
    assert written - 60 <= len(frames) <= written + 5  # resent frames repeat (measured <= 2)
    assert frames.count(0) >= 3 * 15 and frames.count(2) >= 5


class ExpiredSource:
    """A credentials source whose temporary credentials expired a minute ago."""

    def fetch(self) -> KVSCredentials:
        expired = datetime.now(timezone.utc) - timedelta(minutes=1)
        return KVSCredentials("ASIAEXPIREDEXAMPLE", SECRET, TOKEN, expired)


@pytest.mark.timeout(120)
@pytest.mark.parametrize("fault", ["rejected", "expired", "region", "create"])
def test_refusals_are_logged_with_their_reason(
    fault: str,
    kvs_endpoint: KVSEndpoint,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    capfd: pytest.CaptureFixture[str],
) -> None:
    caplog.set_level(logging.DEBUG)
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
        monkeypatch.delenv(name)
    monkeypatch.delenv("AWS_DEFAULT_REGION")  # it would override the stream's region
    region = "xx-nowhere-1" if fault == "region" else "us-east-1"
    handler = (
        KVSFileCredentialsHandler(tmp_path / "creds", source=ExpiredSource())
        if fault == "expired"
        else inline()
    )
    kvs_endpoint.reject_credentials = fault == "rejected"
    kvs_endpoint.refuse_create = fault == "create"
    spyglass = KVSSpyGlass(
        region, "cam-d", handler, fps=15, width=WIDTH, height=HEIGHT, backoff=QUICK_RETRY
    )
    spyglass.start_streaming()
    with Feeder(spyglass, WIDTH, HEIGHT, fps=15) as feeder:
        assert wait_for(lambda: len(kvs_retries(caplog)) >= 2, 30)  # it keeps retrying
        assert spyglass.state is SpyGlassState.ERROR
        assert len(kvs_errors(caplog)) == 1, kvs_errors(caplog)  # logged once per incident
    spyglass.stop_streaming()
    assert feeder.max_put_seconds < PUT_BOUND and feeder.puts > 0

    expected = {
        "rejected": "UnrecognizedClientException: The security token included in the "
        "request is invalid",
        "expired": "no credentials for kvssink in",
        "region": "Credential should be scoped to a valid region, not 'xx-nowhere-1'",
        "create": "refused CreateStream for stream 'cam-d' in region 'us-east-1'",
    }[fault]
    text = caplog.text
    assert expected in text, text[-3000:]
    if fault == "expired":  # the handler keeps expired credentials out of the file
        assert "the source returned credentials that expired at" in text
    assert "/putMedia" not in [request.path for request in kvs_endpoint.requests]
    assert "cam-d" not in kvs_endpoint.streams or fault != "create"
    assert_no_secret(caplog, capfd)
