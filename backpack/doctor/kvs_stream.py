"""Checks of a Kinesis Video stream: it exists (DescribeStream) and PutMedia accepts us.

The PutMedia check asks GetDataEndpoint for the stream's data endpoint (the
``AWS_ENDPOINT_URL_KINESIS_VIDEO_MEDIA`` variable overrides it, as for boto3), connects to it
and sends a SigV4-signed ``POST /putMedia`` with an empty body: an answer other than 401/403
proves the network path, TLS and the signature; no media is written.
"""

from __future__ import annotations

import datetime
import os

import boto3
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError, ReadTimeoutError
from botocore.httpsession import URLLib3Session

from backpack.doctor.check import Check

MEDIA_ENDPOINT_VARIABLE = "AWS_ENDPOINT_URL_KINESIS_VIDEO_MEDIA"
_CLIENT_CONFIG = Config(connect_timeout=5, read_timeout=10, retries={"max_attempts": 1})


def _error(exc: ClientError) -> tuple[str, str]:
    error = exc.response.get("Error", {})
    return error.get("Code", "?"), error.get("Message", str(exc))


def check_kvs_stream(session: boto3.Session, stream: str) -> Check:
    """DescribeStream: the stream exists and is ACTIVE."""
    client = session.client("kinesisvideo", config=_CLIENT_CONFIG)
    try:
        info = client.describe_stream(StreamName=stream)["StreamInfo"]
    except ClientError as exc:
        code, message = _error(exc)
        if code == "ResourceNotFoundException":
            fix = (
                f"create it: aws kinesisvideo create-stream --stream-name {stream} "
                f"--data-retention-in-hours 24 --region {session.region_name}"
            )
        else:
            fix = "allow kinesisvideo:DescribeStream for these credentials"
        return Check.failed("kvs-stream", f"stream {stream!r}: {code}: {message}", fix)
    except BotoCoreError as exc:
        return Check.failed(
            "kvs-stream", f"Kinesis Video unreachable: {exc}", "check the network and region"
        )
    status = info.get("Status", "?")
    finding = (
        f"stream {stream!r} in {session.region_name}: {status}, "
        f"retention {info.get('DataRetentionInHours', '?')} h"
    )
    if status != "ACTIVE":
        return Check.failed("kvs-stream", finding, "wait until the stream is ACTIVE")
    return Check.ok("kvs-stream", finding)


def _data_endpoint(session: boto3.Session, stream: str) -> tuple[str, str]:
    client = session.client("kinesisvideo", config=_CLIENT_CONFIG)
    endpoint = client.get_data_endpoint(StreamName=stream, APIName="PUT_MEDIA")["DataEndpoint"]
    override = os.environ.get(MEDIA_ENDPOINT_VARIABLE)
    if override:
        return override.rstrip("/"), f"{MEDIA_ENDPOINT_VARIABLE} (instead of {endpoint})"
    return str(endpoint).rstrip("/"), "GetDataEndpoint"


def check_put_media(session: boto3.Session, stream: str, timeout: int = 10) -> Check:
    """Connect to the PutMedia endpoint and send a signed, empty PutMedia request."""
    try:
        endpoint, source = _data_endpoint(session, stream)
    except ClientError as exc:
        code, message = _error(exc)
        return Check.failed(
            "kvs-putmedia",
            f"GetDataEndpoint for {stream!r}: {code}: {message}",
            "allow kinesisvideo:GetDataEndpoint and check the stream (see kvs-stream)",
        )
    except BotoCoreError as exc:
        return Check.failed("kvs-putmedia", f"GetDataEndpoint: {exc}", "check the network")
    credentials = session.get_credentials()
    if credentials is None:
        return Check.failed("kvs-putmedia", "no credentials to sign with", "see aws-credentials")
    now = datetime.datetime.now(datetime.timezone.utc)
    request = AWSRequest(
        method="POST",
        url=f"{endpoint}/putMedia",
        data=b"",
        stream_output=True,  # PutMedia answers with a stream of acks: read only its start
        headers={
            "x-amzn-stream-name": stream,
            "x-amzn-fragment-timecode-type": "ABSOLUTE",
            "x-amzn-producer-start-timestamp": f"{now.timestamp():.3f}",
        },
    )
    SigV4Auth(credentials.get_frozen_credentials(), "kinesisvideo", session.region_name).add_auth(
        request
    )
    http = URLLib3Session(timeout=timeout)
    try:
        response = http.send(request.prepare())
        status = response.status_code
        detail = response.raw.read(300).decode("utf-8", "replace").strip() if status >= 400 else ""
        response.raw.release_conn()
    except ReadTimeoutError:
        return Check.failed(
            "kvs-putmedia",
            f"connected to {endpoint} ({source}), but no HTTP answer within {timeout} s",
            "check proxies or firewalls that intercept HTTPS to the Kinesis Video endpoint",
        )
    except BotoCoreError as exc:
        return Check.failed(
            "kvs-putmedia",
            f"cannot connect to {endpoint} ({source}): {exc}",
            "allow outbound HTTPS to the Kinesis Video data endpoint (proxy, firewall, DNS)",
        )
    finally:
        http.close()
    answer = f"HTTP {status} from {endpoint}/putMedia ({source})"
    if status in (401, 403):
        return Check.failed(
            "kvs-putmedia",
            f"{answer}: signed request rejected: {detail}",
            "check the credentials, kinesisvideo:PutMedia permission and the clock",
        )
    if status >= 500 or status == 404:
        return Check.failed("kvs-putmedia", f"{answer}: {detail}", "check the stream")
    return Check.ok("kvs-putmedia", f"{answer}: connection and signature accepted")
