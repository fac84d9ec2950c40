"""Credentials handlers: the abstract :class:`KVSCredentialsHandler` and those of static keys.

``kvssink`` accepts credentials as element properties (:class:`KVSInlineCredentialsHandler`),
as ``AWS_*`` environment variables (:class:`KVSEnvironmentCredentialsHandler`) or from a
credentials file (:class:`~backpack.kvs.credentials_file.KVSFileCredentialsHandler`, the one
that renews them).
"""

from __future__ import annotations

import abc
import logging
import os

import boto3

from backpack._gst_launch import format_properties
from backpack.kvs.credentials import KVSCredentials, SessionCredentialsSource
from backpack.kvs.redaction import add_redaction, install_log_redaction, redact, register_secrets

_VARIABLES = ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN")


class KVSCredentialsHandler(abc.ABC):
    """Provides credentials to ``kvssink``: pipeline properties plus a start/stop lifecycle.

    :class:`~backpack.kvs.KVSSpyGlass` appends :meth:`kvssink_str` to the ``kvssink`` element,
    calls :meth:`start` when its pipeline opens and :meth:`stop` when it closes, and logs its
    pipeline only through :meth:`redact`.

    Creating any handler installs :func:`~backpack.kvs.redaction.install_log_redaction`, so
    credentials do not leak through botocore's DEBUG logs either.
    """

    def __init__(self) -> None:
        self._logger = logging.getLogger(type(self).__module__)
        add_redaction(self._logger)
        install_log_redaction()

    @abc.abstractmethod
    def kvssink_str(self) -> str:
        """The ``kvssink`` properties carrying the credentials (may be empty)."""

    def start(self) -> None:  # noqa: B027 - optional hook, a no-op by default
        """Make credentials available to ``kvssink``; called before the pipeline opens."""

    def stop(self) -> None:  # noqa: B027 - optional hook, a no-op by default
        """Release what :meth:`start` set up; called after the pipeline closed."""

    def redact(self, text: str) -> str:
        """Return ``text`` (e.g. a pipeline description) with every secret masked as ``***``."""
        return redact(text)

    @staticmethod
    def _register(credentials: KVSCredentials) -> None:
        register_secrets(credentials.secret_access_key, credentials.session_token)


class StaticCredentialsHandler(KVSCredentialsHandler):
    """Credentials given as keys, or read from a boto3 session each time they are needed.

    The shared part of the handlers that hand over static (not renewed) credentials.

    Args:
        access_key_id: the access key id; with ``secret_access_key``. When both are omitted,
            the current credentials of ``boto3_session`` are used.
        secret_access_key: the secret access key.
        session_token: the session token of temporary credentials.
        boto3_session: the session used when no keys are given; default ``boto3.Session()``.
    """

    def __init__(
        self,
        access_key_id: str | None = None,
        secret_access_key: str | None = None,
        session_token: str | None = None,
        *,
        boto3_session: boto3.Session | None = None,
    ) -> None:
        super().__init__()
        self._credentials: KVSCredentials | None = None
        self._source: SessionCredentialsSource | None = None
        if access_key_id is None and secret_access_key is None:
            if session_token is not None:
                raise ValueError("session_token given without access_key_id and secret_access_key")
            self._source = SessionCredentialsSource(boto3_session)
        elif access_key_id is None or secret_access_key is None:
            raise ValueError("give both access_key_id and secret_access_key, or neither")
        else:
            self._credentials = KVSCredentials(access_key_id, secret_access_key, session_token)
            self._register(self._credentials)

    def _current(self) -> KVSCredentials:
        """The given keys, or the session's current credentials (registered for redaction)."""
        if self._credentials is not None:
            return self._credentials
        assert self._source is not None
        credentials = self._source.fetch()
        self._register(credentials)
        return credentials


class KVSInlineCredentialsHandler(StaticCredentialsHandler):
    """Passes credentials as ``kvssink`` ``access-key``/``secret-key``/``session-token`` properties.

    The credentials are part of the pipeline description, so they are as exposed as the
    process's memory; pipelines are only logged through :meth:`redact`. Nothing renews them:
    meant for long-lived IAM user keys in development. For an application role use
    :class:`~backpack.kvs.KVSFileCredentialsHandler`.

    Args:
        access_key_id: the access key id; with ``secret_access_key``. When both are omitted, the
            current credentials of ``boto3_session`` are used each time a pipeline is built.
        secret_access_key: the secret access key.
        session_token: the session token of temporary credentials.
        boto3_session: the session used when no keys are given; default ``boto3.Session()``.

    Example:
        >>> handler = KVSInlineCredentialsHandler("AKIAEXAMPLE", "secret/example")
        >>> handler.kvssink_str()
        'access-key=AKIAEXAMPLE secret-key=secret/example'
    """

    def kvssink_str(self) -> str:
        """``access-key=... secret-key=...`` (plus ``session-token=...`` for temporary ones)."""
        credentials = self._current()
        properties = {
            "access-key": credentials.access_key_id,
            "secret-key": credentials.secret_access_key,
        }
        if credentials.session_token is not None:
            properties["session-token"] = credentials.session_token
        return format_properties(properties)

    def _current(self) -> KVSCredentials:
        fetched = self._credentials is None
        credentials = super()._current()
        if fetched and credentials.expiration is not None:
            self._logger.warning(
                "Inline credentials expire at %s and are not renewed while the pipeline runs; "
                "use KVSFileCredentialsHandler for temporary credentials",
                credentials.expiration.isoformat(),
            )
        return credentials


class KVSEnvironmentCredentialsHandler(StaticCredentialsHandler):
    """Puts credentials in ``AWS_ACCESS_KEY_ID``/``AWS_SECRET_ACCESS_KEY``/``AWS_SESSION_TOKEN``.

    ``kvssink`` reads these variables when it initializes (when no ``access-key`` property is
    set), so the pipeline description carries no credentials. :meth:`start` sets them (and
    removes a stale ``AWS_SESSION_TOKEN`` when the credentials have none); :meth:`stop`
    restores the previous values. The variables are process-wide: boto3 clients created in the
    meantime use them too. Nothing renews them: meant for long-lived IAM user keys in
    development.

    Args:
        access_key_id: the access key id; with ``secret_access_key``. When both are omitted, the
            current credentials of ``boto3_session`` are used at each :meth:`start`.
        secret_access_key: the secret access key.
        session_token: the session token of temporary credentials.
        boto3_session: the session used when no keys are given; default ``boto3.Session()``.

    Example:
        >>> handler = KVSEnvironmentCredentialsHandler("AKIAEXAMPLE", "secret/example")
        >>> handler.start()
        >>> os.environ["AWS_ACCESS_KEY_ID"]
        'AKIAEXAMPLE'
        >>> handler.stop()
    """

    _saved: dict[str, str | None] | None = None  # the variables before start(), for stop()

    def kvssink_str(self) -> str:
        """Empty: ``kvssink`` finds the credentials in the environment."""
        return ""

    def start(self) -> None:
        """Set the ``AWS_*`` variables, remembering the previous values for :meth:`stop`."""
        credentials = self._current()
        if self._saved is None:
            self._saved = {name: os.environ.get(name) for name in _VARIABLES}
        os.environ["AWS_ACCESS_KEY_ID"] = credentials.access_key_id
        os.environ["AWS_SECRET_ACCESS_KEY"] = credentials.secret_access_key
        if credentials.session_token is not None:
            os.environ["AWS_SESSION_TOKEN"] = credentials.session_token
        else:
            os.environ.pop("AWS_SESSION_TOKEN", None)
        self._logger.info(
            "AWS credentials of access key %s set in the environment for kvssink",
            credentials.access_key_hint,
        )

    def stop(self) -> None:
        """Restore the ``AWS_*`` variables as they were before :meth:`start`."""
        if self._saved is None:
            return
        for name, value in self._saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        self._saved = None
