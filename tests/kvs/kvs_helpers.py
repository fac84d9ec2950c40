"""Helpers for the backpack.kvs tests: a kvssink-faithful credentials-file parser, an STS role
profile on the moto server, a manual clock, and a reader thread that hammers a file.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

import boto3
import pytest
from spyglass_helpers import free_port

from backpack.kvs import AssumeRoleCredentialsSource, KVSCredentials

ROLE_ARN = "arn:aws:iam::123456789012:role/kvs-writer"
FIFTEEN_MINUTES = timedelta(seconds=900)
ACCOUNT = "123456789012"

# MAX_AUTH_LEN of the KVS producer SDK: the credentials file must be shorter.
_MAX_FILE_LEN = 10000


@dataclass(frozen=True)
class ParsedCredentials:
    """What the KVS producer SDK's file credential provider makes of a credentials file."""

    access_key_id: str
    secret_access_key: str
    session_token: str | None
    expiration: datetime | None


def parse_like_kvssink(text: str, now: datetime) -> ParsedCredentials:
    """Parse a credentials file the way ``readFileCredentials`` does, or raise ValueError.

    Mirrors ``src/source/Common/FileCredentialProvider.c`` (``fscanf("%11s %128s %128s %128s
    %2048s")``, marker ``CREDENTIALS``, the fourth token decides between the two forms, file
    shorter than MAX_AUTH_LEN) and ``convertTimestampToEpoch`` in ``Util.c`` (fixed offsets
    ``YYYY-MM-DDTHH:mm:SS``, must not be in the past).
    """
    if len(text.encode()) >= _MAX_FILE_LEN:
        raise ValueError("file too long")
    tokens = text.split()
    if not tokens:
        raise ValueError("empty file")
    if tokens[0] != "CREDENTIALS":
        raise ValueError(f"bad marker {tokens[0][:11]!r}")
    widths = (128, 128, 128, 2048)  # %128s %128s %128s %2048s after the marker
    values = tokens[1:5]
    for value, width in zip(values, widths):
        if len(value) > width:
            raise ValueError("token longer than the SDK reads")
    if len(values) < 2:
        raise ValueError("access key and secret key required")
    if len(values) < 3:  # fourth token empty: "CREDENTIALS accessKey secretKey"
        return ParsedCredentials(values[0], values[1], None, None)
    access_key, expiration_text, secret_key = values[0], values[1], values[2]
    token = values[3] if len(values) > 3 else ""
    expiration = _parse_expiration(expiration_text)
    if expiration < now.replace(microsecond=0):
        raise ValueError("expiration in the past")
    return ParsedCredentials(access_key, secret_key, token or None, expiration)


def _parse_expiration(text: str) -> datetime:
    fields = (text[0:4], text[5:7], text[8:10], text[11:13], text[14:16], text[17:19])
    if not all(field.isdigit() for field in fields):
        raise ValueError(f"bad expiration {text!r}")
    year, month, day, hour, minute, second = (int(field) for field in fields)
    if not (1 <= month <= 12 and 1 <= day <= 31 and hour < 24 and minute < 60 and second < 61):
        raise ValueError(f"bad expiration {text!r}")
    return datetime(year, month, day, hour, minute, second, tzinfo=timezone.utc)


class ManualClock:
    """A timezone-aware clock that only moves when told to."""

    def __init__(self, start: datetime | None = None) -> None:
        self._now = start if start is not None else datetime.now(timezone.utc)
        self._lock = threading.Lock()

    def __call__(self) -> datetime:
        with self._lock:
            return self._now

    def set(self, when: datetime) -> None:
        with self._lock:
            self._now = when

    def advance(self, delta: timedelta) -> None:
        with self._lock:
            self._now += delta


def role_profile_session(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, duration_seconds: int = 900
) -> boto3.Session:
    """A boto3 session whose credentials come from an STS AssumeRole ``role_arn`` profile.

    botocore assumes the role on the moto server and refreshes the temporary credentials
    itself (``DeferredRefreshableCredentials``), exactly as for any role profile. The static
    ``AWS_*`` variables are removed so the role profile is the only source.
    """
    config = tmp_path / "aws_config"
    config.write_text(
        "[profile kvs]\n"
        f"role_arn = {ROLE_ARN}\n"
        "source_profile = base\n"
        "role_session_name = backpack-test\n"
        f"duration_seconds = {duration_seconds}\n"
    )
    credentials = tmp_path / "aws_credentials"
    credentials.write_text(
        "[base]\naws_access_key_id = AKIABASEEXAMPLE\naws_secret_access_key = base-secret-key\n"
    )
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(credentials))
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    return boto3.Session(profile_name="kvs")


def caller_arn(access_key_id: str, secret_access_key: str, session_token: str | None) -> str:
    """The ARN moto's STS reports for these credentials (proves they are the issued ones)."""
    session = boto3.Session(  # a fresh session: boto3's default one caches its configuration
        aws_access_key_id=access_key_id,
        aws_secret_access_key=secret_access_key,
        aws_session_token=session_token,
    )
    sts = session.client("sts")
    return str(sts.get_caller_identity()["Arn"])


class FileHammer:
    """A thread reading a file as fast as it can, parsing every read like kvssink does.

    Records every distinct content and every read that did not parse (empty, partial, ...).
    A missing file is counted separately (it is never expected after the first write).
    Leaving the ``with`` block waits for one last read that started after the exit, so the
    last recorded content is what the file held then (no race with a write just before).
    """

    def __init__(self, path: str, now: ManualClock | None = None) -> None:
        self.path = path
        self.reads = 0
        self.missing = 0
        self.contents: list[str] = []
        self.bad: list[str] = []
        self._now = now
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="FileHammer", daemon=True)

    def __enter__(self) -> FileHammer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(10)
        assert not self._thread.is_alive(), "FileHammer did not finish its last read"

    def _run(self) -> None:
        final = False
        while not final:
            final = self._stop.is_set()  # a read that starts after the exit is the last one
            try:
                with open(self.path, encoding="ascii") as stream:
                    text = stream.read()
            except FileNotFoundError:
                self.missing += 1
                continue
            self.reads += 1
            if not self.contents or self.contents[-1] != text:
                self.contents.append(text)
            try:
                parse_like_kvssink(text, datetime(2000, 1, 1, tzinfo=timezone.utc))
            except ValueError as exc:
                self.bad.append(f"{exc}: {len(text)} bytes")


def file_mode(path: str) -> int:
    """Permission bits of ``path``."""
    return os.stat(path).st_mode & 0o777


class SwitchableSTS:
    """A credentials source backed by two real AssumeRole sources: moto, or a closed port."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.reachable = True
        self._up = AssumeRoleCredentialsSource(ROLE_ARN, duration=FIFTEEN_MINUTES)
        with monkeypatch.context() as patch:  # the library builds its STS client from the env
            patch.setenv("AWS_ENDPOINT_URL", f"http://127.0.0.1:{free_port()}")
            self._down = AssumeRoleCredentialsSource(ROLE_ARN, duration=FIFTEEN_MINUTES)

    def fetch(self) -> KVSCredentials:
        return (self._up if self.reachable else self._down).fetch()
