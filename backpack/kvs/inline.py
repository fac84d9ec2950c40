"""Static credentials written into the pipeline as ``kvssink`` properties."""

from __future__ import annotations

from backpack._gst_launch import format_properties
from backpack.kvs.credentials import KVSCredentials
from backpack.kvs.static import StaticCredentialsHandler


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
