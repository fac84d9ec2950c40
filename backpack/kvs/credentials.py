"""One set of AWS credentials for ``kvssink``: :class:`KVSCredentials`."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


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
