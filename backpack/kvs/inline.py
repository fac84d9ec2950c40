"""Static credentials written into the pipeline as ``kvssink`` properties."""

from __future__ import annotations

import boto3

from backpack.kvs.credentials import KVSCredentials, KVSCredentialsHandler
from backpack.kvs.properties import format_properties
from backpack.kvs.sources import SessionCredentialsSource


class KVSInlineCredentialsHandler(KVSCredentialsHandler):
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
        if self._credentials is not None:
            return self._credentials
        assert self._source is not None
        credentials = self._source.fetch()
        self._register(credentials)
        if credentials.expiration is not None:
            self._logger.warning(
                "Inline credentials expire at %s and are not renewed while the pipeline runs; "
                "use KVSFileCredentialsHandler for temporary credentials",
                credentials.expiration.isoformat(),
            )
        return credentials
