"""AWS credentials for ``kvssink`` and the abstract handler that hands them to it.

``kvssink`` (the GStreamer element of the Kinesis Video Streams producer SDK) accepts credentials
as element properties, as ``AWS_*`` environment variables or from a credentials file; a
:class:`KVSCredentialsHandler` subclass picks one of these ways.
"""

from __future__ import annotations

import abc
import logging
from dataclasses import dataclass, field
from datetime import datetime

from backpack.kvs.redaction import add_redaction, install_log_redaction, redact, register_secrets


@dataclass(frozen=True)
class KVSCredentials:
    """One set of AWS credentials; secrets are left out of ``repr``.

    Attributes:
        access_key_id: the access key id (``AKIA...`` static, ``ASIA...`` temporary).
        secret_access_key: the secret access key.
        session_token: the session token of temporary credentials, else ``None``.
        expiration: when temporary credentials expire (timezone-aware), else ``None``.
    """

    access_key_id: str
    secret_access_key: str = field(repr=False)
    session_token: str | None = field(default=None, repr=False)
    expiration: datetime | None = None

    def __post_init__(self) -> None:
        if not self.access_key_id or not self.secret_access_key:
            raise ValueError("KVSCredentials needs a non-empty access_key_id and secret_access_key")
        for name in ("access_key_id", "secret_access_key", "session_token"):
            value = getattr(self, name)
            if value is not None and (not value.isprintable() or any(c.isspace() for c in value)):
                raise ValueError(f"KVSCredentials.{name} must not contain whitespace")
        if self.expiration is not None and self.expiration.tzinfo is None:
            raise ValueError("KVSCredentials.expiration must be timezone-aware")

    @property
    def access_key_hint(self) -> str:
        """The access key id's last four characters (``...MPLE``): enough to tell keys apart."""
        return f"...{self.access_key_id[-4:]}"

    @property
    def is_temporary(self) -> bool:
        """Whether these are temporary credentials (they carry a session token)."""
        return self.session_token is not None


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
