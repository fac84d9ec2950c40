"""AWS credentials for ``kvssink`` (:class:`KVSCredentials`) and where they come from.

A source is anything with a ``fetch() -> KVSCredentials`` method (:class:`KVSCredentialsSource`):
a boto3 session's credentials or an STS role's. ``fetch`` raises what botocore raises; the
caller (e.g. the refresher of :class:`~backpack.kvs.KVSFileCredentialsHandler`) decides when
to retry.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Protocol

import boto3
from botocore.config import Config
from botocore.exceptions import NoCredentialsError

# A background refresher retries on its own schedule: keep botocore's own retries short.
_STS_CONFIG = Config(
    retries={"max_attempts": 2, "mode": "standard"}, connect_timeout=5, read_timeout=10
)


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


class KVSCredentialsSource(Protocol):
    """Something that returns current AWS credentials, raising botocore errors on failure."""

    def fetch(self) -> KVSCredentials:
        """Return the current credentials."""
        ...


class SessionCredentialsSource:
    """Credentials of a boto3 session, refreshed by botocore as they approach expiry.

    This is how an application role's credentials reach ``kvssink``: on AWS Panorama (and in
    ECS, on EC2, with ``role_arn`` profiles, ...) the session holds botocore
    ``RefreshableCredentials`` that renew themselves when they are within 15 minutes of expiry.

    The expiration time comes from botocore's ``RefreshableCredentials`` (it has no public
    accessor; ``_expiry_time`` is read right after ``get_frozen_credentials()``, which is what
    renews them). Credentials without one (static keys, or a token from environment variables)
    have no known expiry.

    Args:
        boto3_session: the session; default ``boto3.Session()``.

    Example (illustrative, not run as a doctest: it needs a ``kvs-writer`` profile and AWS):
        >>> session = boto3.Session(profile_name="kvs-writer")  # doctest: +SKIP
        >>> source = SessionCredentialsSource(session)  # doctest: +SKIP
        >>> source.fetch().expiration  # doctest: +SKIP
        datetime.datetime(2022, 2, 18, 14, 8, 27, tzinfo=tzutc())
    """

    def __init__(self, boto3_session: boto3.Session | None = None) -> None:
        self._session = boto3_session if boto3_session is not None else boto3.Session()

    def fetch(self) -> KVSCredentials:
        """Return the session's current credentials (botocore refreshes them if needed).

        Raises:
            botocore.exceptions.NoCredentialsError: the session has no credentials.
            botocore.exceptions.BotoCoreError / ClientError: a needed refresh failed.
        """
        credentials = self._session.get_credentials()
        if credentials is None:
            raise NoCredentialsError()
        frozen = credentials.get_frozen_credentials()
        expiration = _expiry_of(credentials)
        if not frozen.access_key or not frozen.secret_key:
            raise NoCredentialsError()
        return KVSCredentials(
            access_key_id=frozen.access_key,
            secret_access_key=frozen.secret_key,
            session_token=frozen.token or None,
            expiration=expiration,
        )


class AssumeRoleCredentialsSource:
    """Temporary credentials from STS ``AssumeRole``: a fresh set on every :meth:`fetch`.

    Useful on an edge box whose own identity (an IAM user, an instance role) may assume a role
    allowed only to write to Kinesis Video Streams.

    Args:
        role_arn: the role to assume.
        session_name: the role session name.
        duration: the requested lifetime (STS allows 15 minutes up to the role's maximum).
        boto3_session: the session whose credentials call STS; default ``boto3.Session()``.
        sts_client: an STS client to use instead of creating one from ``boto3_session``.
        external_id: the role's external id, if it requires one.

    Example (illustrative, not run as a doctest: it needs AWS credentials and STS):
        >>> role = "arn:aws:iam::123456789012:role/kvs-writer"
        >>> source = AssumeRoleCredentialsSource(role)  # doctest: +SKIP
        >>> source.fetch().is_temporary  # doctest: +SKIP
        True
    """

    def __init__(
        self,
        role_arn: str,
        *,
        session_name: str = "backpack-kvs",
        duration: timedelta = timedelta(hours=1),
        boto3_session: boto3.Session | None = None,
        sts_client: Any = None,
        external_id: str | None = None,
    ) -> None:
        if not role_arn:
            raise ValueError("role_arn must not be empty")
        seconds = int(duration.total_seconds())
        if seconds < 900:
            raise ValueError(f"duration must be at least 15 minutes (STS minimum), got {duration}")
        self._kwargs: dict[str, Any] = {
            "RoleArn": role_arn,
            "RoleSessionName": session_name,
            "DurationSeconds": seconds,
        }
        if external_id is not None:
            self._kwargs["ExternalId"] = external_id
        if sts_client is None:
            session = boto3_session if boto3_session is not None else boto3.Session()
            sts_client = session.client("sts", config=_STS_CONFIG)
        self._sts = sts_client

    def fetch(self) -> KVSCredentials:
        """Assume the role and return its temporary credentials.

        Raises:
            botocore.exceptions.BotoCoreError / ClientError: the STS call failed.
        """
        answer = self._sts.assume_role(**self._kwargs)["Credentials"]
        return KVSCredentials(
            access_key_id=answer["AccessKeyId"],
            secret_access_key=answer["SecretAccessKey"],
            session_token=answer["SessionToken"],
            expiration=answer["Expiration"],
        )


def _expiry_of(credentials: Any) -> datetime | None:
    expiry = getattr(credentials, "_expiry_time", None)
    return expiry if isinstance(expiry, datetime) else None
