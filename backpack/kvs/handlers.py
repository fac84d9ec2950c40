"""Static credentials handed to ``kvssink`` through the process environment."""

from __future__ import annotations

import os

import boto3

from backpack.kvs.static import StaticCredentialsHandler

_VARIABLES = ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN")


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

    def __init__(
        self,
        access_key_id: str | None = None,
        secret_access_key: str | None = None,
        session_token: str | None = None,
        *,
        boto3_session: boto3.Session | None = None,
    ) -> None:
        super().__init__(
            access_key_id, secret_access_key, session_token, boto3_session=boto3_session
        )
        self._saved: dict[str, str | None] | None = None

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
