"""The shared part of the handlers that hand over static (not renewed) credentials."""

from __future__ import annotations

import boto3

from backpack.kvs.credentials import KVSCredentials, KVSCredentialsHandler
from backpack.kvs.sources import SessionCredentialsSource


class StaticCredentialsHandler(KVSCredentialsHandler):
    """Credentials given as keys, or read from a boto3 session each time they are needed.

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
