"""A bounded check of the Kinesis Video Streams control plane before kvssink is started.

:func:`check_stream` makes kvssink's DescribeStream (and CreateStream) calls with boto3 first
and raises :class:`KVSStreamUnavailableError` naming the problem: kvssink itself blocks for
minutes on a refusal and then crashed the process (``docs/design.md``, backpack.kvs). The calls
go where kvssink's would: ``CONTROL_PLANE_URI`` when set (with ``KVSSINK_CA_CERT_PATH`` as the
CA for https), the region from ``AWS_DEFAULT_REGION`` when set (it overrides ``aws-region`` in
kvssink), and the credentials kvssink will use.
"""

from __future__ import annotations

import os
from datetime import datetime, timezone

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from backpack.kvs.credentials import KVSCredentials

_CONFIG = Config(
    connect_timeout=5, read_timeout=10, retries={"max_attempts": 1, "mode": "standard"}
)
_DEFAULT_RETENTION_HOURS = 2  # kvssink's retention-period default


class KVSStreamUnavailableError(RuntimeError):
    """The stream cannot be used: the control plane refused, or could not be reached."""


def effective_region(stream_region: str) -> str:
    """The region kvssink signs for: ``AWS_DEFAULT_REGION`` when set, else ``stream_region``."""
    return os.environ.get("AWS_DEFAULT_REGION") or stream_region


def check_stream(
    stream_name: str,
    stream_region: str,
    credentials: KVSCredentials,
    retention_hours: int | None = None,
) -> None:
    """Make sure ``stream_name`` exists (create it if missing) with these credentials.

    Raises:
        KVSStreamUnavailableError: expired credentials, a refusal by the service (its error
            code and message are in the text), or an unreachable endpoint.
    """
    region = effective_region(stream_region)
    expiration = credentials.expiration
    if expiration is not None and expiration <= datetime.now(timezone.utc):
        raise KVSStreamUnavailableError(
            f"credentials of access key {credentials.access_key_hint} expired at "
            f"{expiration.isoformat()}: kvssink cannot sign requests"
        )
    endpoint = os.environ.get("CONTROL_PLANE_URI") or None
    ca = os.environ.get("KVSSINK_CA_CERT_PATH") or None
    client = boto3.Session(
        aws_access_key_id=credentials.access_key_id,
        aws_secret_access_key=credentials.secret_access_key,
        aws_session_token=credentials.session_token,
        region_name=region,
    ).client(
        "kinesisvideo",
        endpoint_url=endpoint,
        verify=ca if ca and endpoint and endpoint.startswith("https") else None,
        config=_CONFIG,
    )
    where = f"stream {stream_name!r} in region {region!r}"
    try:
        try:
            client.describe_stream(StreamName=stream_name)
            return
        except ClientError as error:
            if _code(error) != "ResourceNotFoundException":
                raise
        client.create_stream(
            StreamName=stream_name,
            MediaType="video/h264",
            DataRetentionInHours=(
                retention_hours if retention_hours is not None else _DEFAULT_RETENTION_HOURS
            ),
        )
    except ClientError as error:
        operation = error.operation_name
        message = error.response.get("Error", {}).get("Message", "")
        raise KVSStreamUnavailableError(
            f"Kinesis Video Streams refused {operation} for {where} with access key "
            f"{credentials.access_key_hint}: {_code(error)}: {message}"
        ) from None
    except BotoCoreError as error:
        raise KVSStreamUnavailableError(
            f"Kinesis Video Streams control plane unreachable for {where}: {error}"
        ) from None


def _code(error: ClientError) -> str:
    return str(error.response.get("Error", {}).get("Code", ""))
