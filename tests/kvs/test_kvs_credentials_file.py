"""KVSFileCredentialsHandler writes exactly what kvssink's file credential provider parses,
atomically, mode 0600, and refreshes it before expiry on its own schedule.

Credentials come from the moto server over HTTP (STS AssumeRole) and are checked back through
the API: moto's GetCallerIdentity must report the assumed role for the keys read from the file.
"""

from __future__ import annotations

import logging
import os
import re
import time
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
    file_mode,
    parse_like_kvssink,
    role_profile_session,
)
from spyglass_helpers import wait_for

from backpack.kvs import (
    AssumeRoleCredentialsSource,
    KVSCredentials,
    KVSFileCredentialsHandler,
    format_credentials_file,
)

TEMPORARY_LINE = re.compile(
    r"CREDENTIALS (ASIA[A-Z0-9]{16}) (\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ) (\S{40}) (\S+)\n"
)
ASSUMED_ROLE_ARN = re.compile(r"arn:aws:sts::123456789012:assumed-role/kvs-writer/.+")


def read(path: str) -> str:
    with open(path, encoding="ascii") as stream:
        return stream.read()


def test_static_credentials_file_is_the_two_value_form(tmp_path: Path) -> None:
    session = boto3.Session(
        aws_access_key_id="AKIAIOSFODNN7EXAMPLE",
        aws_secret_access_key="wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    )
    path = tmp_path / "creds"
    handler = KVSFileCredentialsHandler(path, session)
    handler.start()
    try:
        text = read(str(path))
        assert text == "CREDENTIALS AKIAIOSFODNN7EXAMPLE wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n"
        parsed = parse_like_kvssink(text, datetime.now(timezone.utc))
        assert parsed.secret_access_key == "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
        assert parsed.session_token is None and parsed.expiration is None
        assert file_mode(str(path)) == 0o600
        assert handler.kvssink_str() == f"credential-path={path}"
    finally:
        handler.stop()
    assert not path.exists()  # credentials do not outlive the pipeline


def test_temporary_credentials_from_sts_in_kvssink_order(tmp_path: Path) -> None:
    source = AssumeRoleCredentialsSource(ROLE_ARN, duration=timedelta(seconds=900))
    path = str(tmp_path / "creds")
    handler = KVSFileCredentialsHandler(path, source=source)
    before = datetime.now(timezone.utc)
    handler.start()
    try:
        text = read(path)
        match = TEMPORARY_LINE.fullmatch(text)
        assert match is not None, "not 'CREDENTIALS <key> <expiration> <secret> <token>\\n'"
        access_key, expiration_text, secret_key, token = match.groups()
        expiration = datetime.strptime(expiration_text, "%Y-%m-%dT%H:%M:%SZ").replace(
            tzinfo=timezone.utc
        )
        status = handler.status
        assert status.access_key_id == access_key
        assert status.expiration is not None
        assert expiration == status.expiration.astimezone(timezone.utc).replace(microsecond=0)
        lifetime = expiration - before
        assert timedelta(seconds=840) <= lifetime <= timedelta(seconds=901)
        parsed = parse_like_kvssink(text, datetime.now(timezone.utc))
        assert (parsed.access_key_id, parsed.secret_access_key, parsed.session_token) == (
            access_key,
            secret_key,
            token,
        )
        assert parsed.expiration == expiration
        # Read back through the API: moto knows these keys as the assumed role's.
        assert ASSUMED_ROLE_ARN.fullmatch(caller_arn(access_key, secret_key, token))
        assert file_mode(path) == 0o600
    finally:
        handler.stop()


def test_role_profile_session_credentials(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    session = role_profile_session(tmp_path, monkeypatch)
    handler = KVSFileCredentialsHandler(tmp_path / "creds", session)
    handler.start()
    try:
        parsed = parse_like_kvssink(read(handler.credentials_path), datetime.now(timezone.utc))
        assert parsed.access_key_id.startswith("ASIA")
        assert parsed.session_token is not None
        assert ASSUMED_ROLE_ARN.fullmatch(
            caller_arn(parsed.access_key_id, parsed.secret_access_key, parsed.session_token)
        )
    finally:
        handler.stop()


def test_default_path_is_private(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    session = role_profile_session(tmp_path, monkeypatch)
    handler = KVSFileCredentialsHandler(boto3_session=session)  # README: no path given
    path = handler.credentials_path
    assert handler.kvssink_str() == f"credential-path={path}"
    assert file_mode(os.path.dirname(path)) == 0o700
    handler.start()
    try:
        assert file_mode(path) == 0o600
        parse_like_kvssink(read(path), datetime.now(timezone.utc))
    finally:
        handler.stop()
    assert not os.path.exists(path)
    handler.start()  # restartable: the file is written again
    try:
        parse_like_kvssink(read(path), datetime.now(timezone.utc))
    finally:
        handler.stop()


def test_atomic_replace_never_shows_a_partial_file(tmp_path: Path) -> None:
    source = AssumeRoleCredentialsSource(ROLE_ARN, duration=timedelta(seconds=900))
    path = str(tmp_path / "creds")
    handler = KVSFileCredentialsHandler(path, source=source, poll_interval=timedelta(hours=1))
    handler.start()
    try:
        with FileHammer(path) as hammer:
            for _ in range(60):
                assert handler.refresh()
            assert wait_for(lambda: hammer.reads > 200, 10)
        assert hammer.bad == []
        assert hammer.missing == 0
        assert len(hammer.contents) >= 2  # it saw rotations
        assert sorted(os.listdir(tmp_path)) == ["creds"]  # no temporary files left behind
        assert file_mode(path) == 0o600
    finally:
        handler.stop()


@pytest.mark.timeout(60)
def test_refreshes_before_expiry_on_its_own_schedule(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    session = role_profile_session(tmp_path, monkeypatch)  # 900 s credentials from moto STS
    clock = ManualClock()
    handler = KVSFileCredentialsHandler(
        tmp_path / "creds",
        session,
        refresh_before=timedelta(minutes=5),
        clock=clock,
        poll_interval=timedelta(milliseconds=20),
    )
    handler.start()
    try:
        first = read(handler.credentials_path)
        status = handler.status
        assert status.expiration is not None and status.next_refresh is not None
        assert status.next_refresh == status.expiration - timedelta(minutes=5)
        # No frames, no calls: only the clock moves. Just before the refresh time, nothing.
        clock.set(status.next_refresh - timedelta(seconds=1))
        time.sleep(0.2)
        assert read(handler.credentials_path) == first
        clock.set(status.next_refresh)
        assert wait_for(lambda: read(handler.credentials_path) != first, 10)
        second = parse_like_kvssink(read(handler.credentials_path), clock())
        assert second.access_key_id != parse_like_kvssink(first, clock()).access_key_id
        assert ASSUMED_ROLE_ARN.fullmatch(
            caller_arn(second.access_key_id, second.secret_access_key, second.session_token)
        )
        new_status = handler.status
        assert new_status.access_key_id == second.access_key_id
        assert new_status.consecutive_failures == 0
        assert new_status.next_refresh is not None and new_status.next_refresh > clock()
    finally:
        handler.stop()


def test_credentials_shorter_than_the_margin_refresh_halfway(tmp_path: Path) -> None:
    clock = ManualClock()
    source = AssumeRoleCredentialsSource(ROLE_ARN, duration=timedelta(seconds=900))
    handler = KVSFileCredentialsHandler(
        tmp_path / "creds", source=source, refresh_before=timedelta(minutes=20), clock=clock
    )
    handler.start()
    try:
        status = handler.status
        assert status.expiration is not None and status.next_refresh is not None
        assert status.next_refresh == clock() + (status.expiration - clock()) / 2
    finally:
        handler.stop()


def test_format_rejects_what_kvssink_cannot_read() -> None:
    expiration = datetime(2030, 1, 1, tzinfo=timezone.utc)
    assert (
        format_credentials_file(KVSCredentials("ASIAX", "secret", "token", expiration))
        == "CREDENTIALS ASIAX 2030-01-01T00:00:00Z secret token\n"
    )
    with pytest.raises(ValueError, match="expiration"):
        format_credentials_file(KVSCredentials("ASIAX", "secret", "token"))
    with pytest.raises(ValueError, match="session token longer"):
        format_credentials_file(KVSCredentials("ASIAX", "secret", "t" * 2049, expiration))
    with pytest.raises(ValueError, match="whitespace"):
        KVSCredentials("AKIA X", "secret")
    with pytest.raises(ValueError, match="timezone-aware"):
        KVSCredentials("ASIAX", "secret", "token", datetime(2030, 1, 1))


def test_bad_arguments_are_rejected(tmp_path: Path) -> None:
    source = AssumeRoleCredentialsSource(ROLE_ARN)
    with pytest.raises(ValueError, match="either boto3_session or source"):
        KVSFileCredentialsHandler(tmp_path / "c", boto3.Session(), source=source)
    with pytest.raises(ValueError, match="refresh_before"):
        KVSFileCredentialsHandler(tmp_path / "c", refresh_before=timedelta(0))
    with pytest.raises(ValueError, match="retry_max"):
        KVSFileCredentialsHandler(
            tmp_path / "c", retry_initial=timedelta(seconds=5), retry_max=timedelta(seconds=1)
        )
    with pytest.raises(ValueError, match="15 minutes"):
        AssumeRoleCredentialsSource(ROLE_ARN, duration=timedelta(minutes=5))


def _warnings(caplog: pytest.LogCaptureFixture) -> list[str]:
    """The handler's warnings about failed refreshes."""
    return [
        r.getMessage()
        for r in caplog.records
        if r.name == "backpack.kvs.credentials_file"
        and r.levelno == logging.WARNING
        and "refresh attempt" in r.getMessage()
    ]


def test_no_credentials_at_all_is_said_as_it_is_and_recovers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
        monkeypatch.delenv(name)  # no credentials anywhere (config files are /dev/null)
    clock = ManualClock()
    path = tmp_path / "creds"
    handler = KVSFileCredentialsHandler(
        path, boto3.Session(), clock=clock, poll_interval=timedelta(milliseconds=10)
    )
    with caplog.at_level(logging.WARNING):
        handler.start()  # does not raise
    try:
        assert not path.exists()
        status = handler.status
        assert status.consecutive_failures == 1 and status.access_key_id is None
        assert "NoCredentialsError" in (status.last_error or "")
        (message,) = _warnings(caplog)
        assert "keeps the last valid credentials" not in message
        assert f"{path} has no credentials yet" in message
        assert "kvssink cannot authenticate until a refresh succeeds" in message

        monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAIOSFODNN7EXAMPLE")
        monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")
        assert status.next_refresh is not None
        clock.set(status.next_refresh)
        assert wait_for(lambda: handler.status.consecutive_failures == 0, 30)
        assert read(str(path)) == (
            "CREDENTIALS AKIAIOSFODNN7EXAMPLE wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n"
        )
    finally:
        handler.stop()


def test_failure_after_a_write_says_the_file_keeps_its_credentials(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    source = SwitchableSTS(monkeypatch)
    path = tmp_path / "creds"
    handler = KVSFileCredentialsHandler(path, source=source)
    handler.start()
    try:
        written = handler.status
        assert written.access_key_id is not None and written.expiration is not None
        source.reachable = False
        with caplog.at_level(logging.WARNING):
            assert not handler.refresh()
            path.unlink()  # e.g. a /tmp cleaner, and STS still down
            assert not handler.refresh()
        kept, missing = _warnings(caplog)
        hint = f"...{written.access_key_id[-4:]}"
        assert (
            f"the file keeps the last valid credentials (access key {hint}, expiring "
            f"{written.expiration.isoformat()})" in kept
        )
        assert f"{path} is missing; kvssink cannot authenticate until a refresh succeeds" in (
            missing
        )
    finally:
        handler.stop()


def test_parent_that_is_a_file_is_reported_not_raised(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("in the way\n")
    path = blocker / "creds"
    clock = ManualClock()
    session = boto3.Session(
        aws_access_key_id="AKIAIOSFODNN7EXAMPLE", aws_secret_access_key="s" * 40
    )
    handler = KVSFileCredentialsHandler(
        path, session, clock=clock, poll_interval=timedelta(milliseconds=10)
    )
    with caplog.at_level(logging.WARNING):
        handler.start()  # as documented: logged and retried, not raised
    try:
        status = handler.status
        assert status.consecutive_failures == 1
        assert f"{blocker} exists and is not a directory" in (status.last_error or "")
        (message,) = _warnings(caplog)
        assert f"{blocker} exists and is not a directory" in message
        assert "has no credentials yet" in message

        blocker.unlink()  # the operator fixes it: the next attempt writes the file
        assert status.next_refresh is not None
        clock.set(status.next_refresh)
        assert wait_for(lambda: handler.status.consecutive_failures == 0, 30)
        assert read(str(path)).startswith("CREDENTIALS AKIAIOSFODNN7EXAMPLE ")
        assert file_mode(str(blocker)) == 0o700
    finally:
        handler.stop()
