"""Faults of the KVS credential handling: STS unreachable then back, and secrets in DEBUG logs.

STS is the moto server over HTTP; "unreachable" is a real closed port on 127.0.0.1, so every
error is the one botocore really raises (``EndpointConnectionError``) or really swallows
(botocore's advisory refresh of a role profile). A reader thread hammers the credentials file
throughout and parses every read the way kvssink does.
"""

from __future__ import annotations

import logging
import os
import shutil
from datetime import datetime, timedelta, timezone
from pathlib import Path

import boto3
import pytest
from kvs_helpers import (
    ROLE_ARN,
    FileHammer,
    ManualClock,
    SwitchableSTS,
    caller_arn,
    parse_like_kvssink,
)
from kvs_helpers import role_profile_session as profile_session
from spyglass_helpers import free_port, wait_for

from backpack.kvs import (
    AssumeRoleCredentialsSource,
    KVSEnvironmentCredentialsHandler,
    KVSFileCredentialsHandler,
    KVSInlineCredentialsHandler,
    KVSSinkNotFoundError,
    KVSSpyGlass,
    kvssink_available,
)

FIFTEEN_MINUTES = timedelta(seconds=900)


def read(path: str) -> str:
    with open(path, encoding="ascii") as stream:
        return stream.read()


def wait_failures(handler: KVSFileCredentialsHandler, count: int) -> None:
    assert wait_for(lambda: handler.status.consecutive_failures >= count, 30), (
        f"refresher did not fail {count} times: {handler.status}"
    )


@pytest.mark.timeout(120)
def test_sts_down_then_back_keeps_last_valid_file_and_backs_off(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = SwitchableSTS(monkeypatch)
    clock = ManualClock()
    path = str(tmp_path / "creds")
    handler = KVSFileCredentialsHandler(
        path,
        source=source,
        refresh_before=timedelta(minutes=5),
        retry_initial=timedelta(seconds=10),
        retry_max=timedelta(seconds=40),
        clock=clock,
        poll_interval=timedelta(milliseconds=10),
    )
    handler.start()
    try:
        valid = read(path)
        with FileHammer(path) as hammer:
            source.reachable = False
            delays = []
            for attempt in range(1, 5):
                due = handler.status.next_refresh
                assert due is not None
                clock.set(due)
                wait_failures(handler, attempt)
                status = handler.status
                assert status.next_refresh is not None
                delays.append((status.next_refresh - due).total_seconds())
                assert status.last_error is not None
                assert "EndpointConnectionError" in status.last_error
                assert read(path) == valid  # the last valid credentials stay in place
            assert delays == [10.0, 20.0, 40.0, 40.0]  # exponential backoff, capped

            source.reachable = True
            due = handler.status.next_refresh
            assert due is not None
            clock.set(due)
            assert wait_for(lambda: handler.status.consecutive_failures == 0, 30)
            assert wait_for(lambda: hammer.contents[-1] != valid, 10)
        renewed = read(path)
        assert renewed != valid
        parsed = parse_like_kvssink(renewed, clock())
        assert caller_arn(parsed.access_key_id, parsed.secret_access_key, parsed.session_token)
        assert handler.status.last_error is None
        assert hammer.bad == [] and hammer.missing == 0
        assert hammer.contents == [valid, renewed]  # nothing else was ever visible
    finally:
        handler.stop()


@pytest.mark.timeout(120)
def test_role_profile_refresh_failing_in_botocore_then_recovering(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, aws_env: str
) -> None:
    session = profile_session(tmp_path, monkeypatch)  # botocore refreshes the role itself
    monkeypatch.setenv("AWS_RETRY_MODE", "standard")
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "1")
    clock = ManualClock()
    path = str(tmp_path / "creds")
    handler = KVSFileCredentialsHandler(
        path,
        session,
        refresh_before=timedelta(minutes=5),
        retry_initial=timedelta(seconds=10),
        clock=clock,
        poll_interval=timedelta(milliseconds=10),
    )
    handler.start()
    try:
        valid = read(path)
        with FileHammer(path) as hammer:
            # botocore creates the STS client of each role refresh from the environment.
            monkeypatch.setenv("AWS_ENDPOINT_URL", f"http://127.0.0.1:{free_port()}")
            for attempt in (1, 2):
                due = handler.status.next_refresh
                assert due is not None
                clock.set(due)
                wait_failures(handler, attempt)
                assert read(path) == valid
            # botocore logged the failure and kept the old credentials: the handler noticed.
            assert "same credentials" in (handler.status.last_error or "")

            monkeypatch.setenv("AWS_ENDPOINT_URL", aws_env)
            due = handler.status.next_refresh
            assert due is not None
            clock.set(due)
            assert wait_for(lambda: handler.status.consecutive_failures == 0, 30)
        renewed = read(path)
        assert renewed != valid
        parsed = parse_like_kvssink(renewed, clock())
        assert caller_arn(parsed.access_key_id, parsed.secret_access_key, parsed.session_token)
        assert hammer.bad == [] and hammer.missing == 0
        assert hammer.contents == [valid, renewed]
    finally:
        handler.stop()


def test_removed_file_and_directory_are_restored_on_the_next_refresh(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A role profile session: its credentials stay the same until botocore renews them.
    session = profile_session(tmp_path, monkeypatch, duration_seconds=3600)
    directory = tmp_path / "private"
    handler = KVSFileCredentialsHandler(
        directory / "creds", session, poll_interval=timedelta(milliseconds=10)
    )
    handler.start()
    try:
        first = read(handler.credentials_path)
        # e.g. a /tmp cleaner. Rename first so the 10 ms poller cannot recreate the file
        # between the unlink and the rmdir: for the handler the directory vanishes at once.
        doomed = tmp_path / "doomed"
        directory.rename(doomed)
        shutil.rmtree(doomed)
        # The refresher notices on its own; the credentials are still valid: the same are back.
        assert wait_for(lambda: os.path.exists(handler.credentials_path), 10)
        assert read(handler.credentials_path) == first
        assert (directory.stat().st_mode & 0o777) == 0o700
        assert (os.stat(handler.credentials_path).st_mode & 0o777) == 0o600
    finally:
        handler.stop()


@pytest.mark.timeout(120)
def test_no_secret_reaches_any_log_record_at_debug(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    aws_env: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)  # root logger: botocore, urllib3, backpack, everything
    monkeypatch.setenv("AWS_RETRY_MODE", "standard")
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "1")
    secrets: list[str] = []

    def collect(text: str) -> None:
        parsed = parse_like_kvssink(text, datetime.now(timezone.utc))
        assert parsed.session_token is not None
        secrets.extend([parsed.secret_access_key, parsed.session_token])

    # 1. File handler on a role profile: botocore logs the STS response body at DEBUG.
    session = profile_session(tmp_path, monkeypatch)
    clock = ManualClock()
    file_handler = KVSFileCredentialsHandler(
        tmp_path / "creds",
        session,
        refresh_before=timedelta(minutes=5),
        clock=clock,
        poll_interval=timedelta(milliseconds=10),
    )
    file_handler.start()
    collect(read(file_handler.credentials_path))
    # ... a refresh that fails in botocore (logged with its traceback), then one that works.
    monkeypatch.setenv("AWS_ENDPOINT_URL", f"http://127.0.0.1:{free_port()}")
    due = file_handler.status.next_refresh
    assert due is not None
    clock.set(due)
    wait_failures(file_handler, 1)
    monkeypatch.setenv("AWS_ENDPOINT_URL", aws_env)
    first = read(file_handler.credentials_path)
    due = file_handler.status.next_refresh
    assert due is not None
    clock.set(due)
    assert wait_for(lambda: read(file_handler.credentials_path) != first, 30)
    collect(read(file_handler.credentials_path))
    file_handler.stop()

    # 2. Inline and environment handlers with STS credentials, and KVSSpyGlass pipelines.
    issued = AssumeRoleCredentialsSource(
        ROLE_ARN, duration=FIFTEEN_MINUTES, boto3_session=session
    ).fetch()
    assert issued.session_token is not None
    secrets.extend([issued.secret_access_key, issued.session_token])
    inline = KVSInlineCredentialsHandler(
        issued.access_key_id, issued.secret_access_key, issued.session_token
    )
    spyglass = KVSSpyGlass("us-east-1", "cam", inline, fps=25, width=320, height=240)
    pipeline = spyglass._get_pipeline(25.0, 320, 240)
    assert issued.secret_access_key in pipeline  # the secret is there, only logs hide it
    if not kvssink_available():
        with pytest.raises(KVSSinkNotFoundError):
            spyglass.start_streaming()
    environment = KVSEnvironmentCredentialsHandler(
        issued.access_key_id, issued.secret_access_key, issued.session_token
    )
    environment.start()
    boto3.Session().client("sts").get_caller_identity()  # signed with the session token
    environment.stop()
    env_spyglass = KVSSpyGlass("us-east-1", "cam", environment)
    env_spyglass._get_pipeline(25.0, 320, 240)

    assert len(secrets) == 6 and all(len(secret) >= 16 for secret in secrets)
    for record in caplog.records:
        texts = [record.getMessage(), record.exc_text or ""]
        for secret in secrets:
            assert all(secret not in text for text in texts), (
                f"secret in a {record.name} {record.levelname} record"
            )
    assert all(secret not in caplog.text for secret in secrets)
    # The dangerous records were produced, and masked:
    messages = [(record.name, record.getMessage()) for record in caplog.records]
    assert any(
        name == "botocore.parsers" and "<SecretAccessKey>***</SecretAccessKey>" in message
        for name, message in messages
    )
    assert any(
        name == "botocore.credentials" and "advisory refresh" in message
        for name, message in messages
    )
    assert any(
        name == "backpack.spyglass.base"
        and "kvssink stream-name=cam" in message
        and "secret-key=***" in message
        for name, message in messages
    )
