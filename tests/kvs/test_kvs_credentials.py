"""Inline and environment credential handlers, the credentials value type and redaction.

Temporary credentials are issued by moto's STS over HTTP; what a handler hands to kvssink is
parsed back and checked against moto's GetCallerIdentity.
"""

from __future__ import annotations

import io
import logging
import os
import re
import warnings
from datetime import timedelta

import boto3
import pytest
from kvs_helpers import ROLE_ARN, caller_arn

from backpack._gst_launch import format_property
from backpack.kvs import (
    AssumeRoleCredentialsSource,
    KVSCredentials,
    KVSEnvironmentCredentialsHandler,
    KVSInlineCredentialsHandler,
)
from backpack.kvs.redaction import redact, register_secrets

ASSUMED_ROLE_ARN = re.compile(r"arn:aws:sts::123456789012:assumed-role/kvs-writer/.+")
PROPERTY = re.compile(r'([a-z-]+)=("(?:[^"\\]|\\.)*"|\S+)')


def kvssink_properties(text: str) -> dict[str, str]:
    """Split ``name=value`` properties as gst-launch does (double quotes, backslash escapes)."""
    properties = {}
    for name, value in PROPERTY.findall(text):
        if value.startswith('"'):
            value = re.sub(r"\\(.)", r"\1", value[1:-1])
        properties[name] = value
    return properties


def assumed_role() -> KVSCredentials:
    return AssumeRoleCredentialsSource(ROLE_ARN, duration=timedelta(seconds=900)).fetch()


def test_inline_explicit_static_keys() -> None:
    handler = KVSInlineCredentialsHandler(
        "AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
    )
    assert handler.kvssink_str() == (
        "access-key=AKIAIOSFODNN7EXAMPLE secret-key=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
    )
    assert handler.redact(handler.kvssink_str()) == "access-key=AKIAIOSFODNN7EXAMPLE secret-key=***"


def test_inline_defaults_to_the_session_credentials_from_sts() -> None:
    issued = assumed_role()
    session = boto3.Session(
        aws_access_key_id=issued.access_key_id,
        aws_secret_access_key=issued.secret_access_key,
        aws_session_token=issued.session_token,
    )
    handler = KVSInlineCredentialsHandler(boto3_session=session)
    properties = kvssink_properties(handler.kvssink_str())
    assert set(properties) == {"access-key", "secret-key", "session-token"}
    assert ASSUMED_ROLE_ARN.fullmatch(
        caller_arn(properties["access-key"], properties["secret-key"], properties["session-token"])
    )
    redacted = handler.redact(handler.kvssink_str())
    assert issued.secret_access_key not in redacted
    assert issued.session_token is not None and issued.session_token not in redacted


def test_inline_default_session_is_boto3_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIADEFAULTSESSION")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "default-session-secret")
    monkeypatch.delenv("AWS_SESSION_TOKEN")
    assert KVSInlineCredentialsHandler().kvssink_str() == (
        "access-key=AKIADEFAULTSESSION secret-key=default-session-secret"
    )


def test_inline_rejects_half_given_keys() -> None:
    with pytest.raises(ValueError, match="both"):
        KVSInlineCredentialsHandler("AKIAONLYKEY")
    with pytest.raises(ValueError, match="both"):
        KVSInlineCredentialsHandler(secret_access_key="only-secret")
    with pytest.raises(ValueError, match="session_token"):
        KVSInlineCredentialsHandler(session_token="only-token")


def test_environment_handler_sets_and_restores_variables() -> None:
    issued = assumed_role()
    before = {name: os.environ.get(name) for name in ("AWS_ACCESS_KEY_ID", "AWS_SESSION_TOKEN")}
    handler = KVSEnvironmentCredentialsHandler(
        issued.access_key_id, issued.secret_access_key, issued.session_token
    )
    assert handler.kvssink_str() == ""
    handler.start()
    try:
        assert os.environ["AWS_ACCESS_KEY_ID"] == issued.access_key_id
        assert os.environ["AWS_SECRET_ACCESS_KEY"] == issued.secret_access_key
        assert os.environ["AWS_SESSION_TOKEN"] == issued.session_token
        # What kvssink would read is what STS issued: a default-chain client agrees.
        arn = boto3.Session().client("sts").get_caller_identity()["Arn"]
        assert ASSUMED_ROLE_ARN.fullmatch(arn)
    finally:
        handler.stop()
    assert {name: os.environ.get(name) for name in before} == before


def test_environment_handler_static_keys_drop_a_stale_session_token() -> None:
    assert os.environ.get("AWS_SESSION_TOKEN") == "testing"  # set by the moto fixture
    handler = KVSEnvironmentCredentialsHandler("AKIASTATICEXAMPLE", "static-secret-example")
    handler.start()
    try:
        assert os.environ["AWS_ACCESS_KEY_ID"] == "AKIASTATICEXAMPLE"
        assert "AWS_SESSION_TOKEN" not in os.environ
    finally:
        handler.stop()
    assert os.environ["AWS_SESSION_TOKEN"] == "testing"
    assert os.environ["AWS_ACCESS_KEY_ID"] == "testing"


def test_environment_handler_from_session(monkeypatch: pytest.MonkeyPatch) -> None:
    issued = assumed_role()
    session = boto3.Session(
        aws_access_key_id=issued.access_key_id,
        aws_secret_access_key=issued.secret_access_key,
        aws_session_token=issued.session_token,
    )
    handler = KVSEnvironmentCredentialsHandler(boto3_session=session)
    handler.start()
    try:
        assert os.environ["AWS_ACCESS_KEY_ID"] == issued.access_key_id
        assert os.environ["AWS_SESSION_TOKEN"] == issued.session_token
    finally:
        handler.stop()


def test_credentials_repr_hides_secrets() -> None:
    credentials = KVSCredentials("ASIAEXAMPLE", "the-secret-key", "the-session-token")
    text = repr(credentials)
    assert "ASIAEXAMPLE" in text
    assert "the-secret-key" not in text and "the-session-token" not in text
    assert credentials.is_temporary
    assert credentials.access_key_hint == "...MPLE"
    assert not KVSCredentials("AKIAEXAMPLE", "the-secret-key").is_temporary


def test_redact_masks_secret_shapes_and_registered_secrets() -> None:
    body = (
        "b'<AssumeRoleResult><Credentials><AccessKeyId>ASIAXYZ</AccessKeyId>"
        "<SecretAccessKey>abc/def+ghi</SecretAccessKey><SessionToken>FQoGZXIvYXdzE=="
        "</SessionToken></Credentials></AssumeRoleResult>'"
    )
    assert redact(body) == (
        "b'<AssumeRoleResult><Credentials><AccessKeyId>ASIAXYZ</AccessKeyId>"
        "<SecretAccessKey>***</SecretAccessKey><SessionToken>***"
        "</SessionToken></Credentials></AssumeRoleResult>'"
    )
    assert redact('{"AccessKeyId": "ASIA1", "SecretAccessKey": "s/1", "Token": "t+2"}') == (
        '{"AccessKeyId": "ASIA1", "SecretAccessKey": "***", "Token": "***"}'
    )
    assert redact("headers={'X-Amz-Security-Token': b'FQoGZX+/=='}") == (
        "headers={'X-Amz-Security-Token': b'***'}"
    )
    assert redact('kvssink secret-key="a b\\"c" session-token=tok stream-name=x') == (
        "kvssink secret-key=*** session-token=*** stream-name=x"
    )
    register_secrets("registered-secret-value")
    assert redact("error: registered-secret-value was rejected") == "error: *** was rejected"


def test_property_formatting() -> None:
    assert format_property("stream-name", "cam 1") == 'stream-name="cam 1"'
    assert format_property("stream-name", 'a"b') == 'stream-name="a\\"b"'
    assert format_property("storage-size", 512) == "storage-size=512"
    assert format_property("frame-timecodes", True) == "frame-timecodes=true"
    with pytest.raises(ValueError, match="property name"):
        format_property("Bad Name", 1)
    with pytest.raises(ValueError, match="non-printable"):
        format_property("stream-name", "a\nb")


def test_log_records_are_redacted_including_tracebacks(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    handler = KVSInlineCredentialsHandler("AKIALOGEXAMPLE", "log-secret-value-123")
    body = b"<SecretAccessKey>unregistered/secret+1</SecretAccessKey>"
    logging.getLogger("botocore.parsers").debug("Response body:\n%r", body)
    try:
        raise RuntimeError("rejected log-secret-value-123")
    except RuntimeError:
        logging.getLogger("KVSInlineCredentialsHandler").exception("failed")
    assert handler.kvssink_str()  # the handler is alive; its secret is registered
    text = caplog.text
    assert "unregistered/secret+1" not in text
    assert "log-secret-value-123" not in text
    assert "<SecretAccessKey>***</SecretAccessKey>" in text
    assert "RuntimeError: rejected ***" in text


def test_secrets_are_redacted_on_every_logger_and_later_handler(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    secret = "later-logger-secret-9876"
    handler = KVSInlineCredentialsHandler("AKIALATEREXAMPLE", secret)
    # Loggers and a handler that appear after the credentials handler: one application logger
    # that does not propagate, with its own handler (not the root's).
    stream = io.StringIO()
    late_handler = logging.StreamHandler(stream)
    late_handler.setFormatter(logging.Formatter("%(name)s %(message)s"))
    isolated = logging.getLogger("myapp.isolated")
    isolated.propagate = False
    isolated.addHandler(late_handler)
    names = ("myapp", "backpack", "backpack.kvs", "concurrent.futures", "KVSSpyGlass")
    try:
        for name in names:
            logging.getLogger(name).warning("using %s", secret)
        isolated.error("token %s", secret)
        try:
            raise ValueError(f"rejected {secret}")
        except ValueError:
            isolated.exception("request failed")
            logging.getLogger("myapp").exception("request failed")
        logging.captureWarnings(True)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("always")
                warnings.warn(f"deprecated key {secret}", UserWarning, stacklevel=1)
        finally:
            logging.captureWarnings(False)
    finally:
        isolated.removeHandler(late_handler)
        isolated.propagate = True
    assert handler.kvssink_str()  # alive: its secret stays registered
    by_name = {record.name for record in caplog.records}
    assert by_name >= {*names, "py.warnings"}
    for record in caplog.records:
        assert secret not in record.getMessage() and secret not in (record.exc_text or "")
    assert secret not in caplog.text
    assert caplog.text.count("***") == len(names) + 2  # plus the traceback and the warning
    isolated_text = stream.getvalue()
    assert secret not in isolated_text
    assert "myapp.isolated token ***" in isolated_text
    assert "ValueError: rejected ***" in isolated_text
