"""Checks of AWS access: credentials (which provider), STS reachable, clock skew vs STS.

SigV4 signatures carry the signing time: AWS rejects requests more than 5 minutes off, so the
skew is measured against the ``Date`` header of a real STS response (a rejected one counts too).
"""

from __future__ import annotations

import email.utils
import time
from dataclasses import dataclass

import boto3
from botocore import UNSIGNED
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from backpack.doctor.check import Check

MAX_SKEW = 300.0  # s, SigV4's limit
WARN_SKEW = 60.0  # s
_CLIENT_CONFIG = Config(connect_timeout=5, read_timeout=10, retries={"max_attempts": 1})
_CREDENTIALS_FIX = (
    "provide credentials: AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, AWS_PROFILE with "
    "~/.aws/credentials, an IAM role (instance profile) or a container credentials endpoint "
    "(AWS_CONTAINER_CREDENTIALS_FULL_URI, e.g. Greengrass token exchange)"
)


def check_credentials(session: boto3.Session) -> Check:
    """AWS credentials resolve; the finding names the provider (env, profile, role ...)."""
    try:
        credentials = session.get_credentials()
    except BotoCoreError as exc:
        return Check.failed(
            "aws-credentials", f"credentials cannot be resolved: {exc}", _CREDENTIALS_FIX
        )
    if credentials is None:
        return Check.failed("aws-credentials", "no AWS credentials found", _CREDENTIALS_FIX)
    key = credentials.access_key or ""
    hint = f"{key[:4]}...{key[-4:]}" if len(key) > 8 else "(short key)"
    return Check.ok("aws-credentials", f"access key {hint} from provider {credentials.method!r}")


@dataclass(frozen=True)
class StsProbe:
    """One GetCallerIdentity call: who we are or the error, and the server's ``Date``."""

    endpoint: str
    identity: str | None
    error: str | None
    error_code: str | None
    server_date: float | None
    local_time: float


def probe_sts(session: boto3.Session) -> StsProbe:
    """Call ``sts:GetCallerIdentity`` once (5 s connect, 10 s read timeout, no retry)."""
    config = _CLIENT_CONFIG
    if session.get_credentials() is None:  # unsigned: STS still answers, with its Date
        config = config.merge(Config(signature_version=UNSIGNED))
    client = session.client("sts", config=config)
    endpoint = client.meta.endpoint_url
    before = time.time()
    identity = error = code = None
    headers: dict[str, str] = {}
    try:
        response = client.get_caller_identity()
        identity = f"account {response.get('Account')}, {response.get('Arn')}"
        headers = response["ResponseMetadata"].get("HTTPHeaders", {})
    except ClientError as exc:
        code = exc.response.get("Error", {}).get("Code", "?")
        error = f"{code}: {exc.response.get('Error', {}).get('Message', exc)}"
        headers = exc.response.get("ResponseMetadata", {}).get("HTTPHeaders", {})
    except BotoCoreError as exc:
        error = str(exc)
    except Exception as exc:  # an unparsable answer (not STS?) is a finding, not a crash
        error = f"unexpected answer: {type(exc).__name__}: {exc}"
    after = time.time()
    date = headers.get("date")
    parsed = email.utils.parsedate_to_datetime(date).timestamp() if date else None
    return StsProbe(endpoint, identity, error, code, parsed, (before + after) / 2)


def check_sts(probe: StsProbe) -> Check:
    """STS answered GetCallerIdentity with our identity."""
    if probe.identity is not None:
        return Check.ok("aws-sts", f"STS at {probe.endpoint}: {probe.identity}")
    if probe.error_code in ("MissingAuthenticationToken", "MissingAuthenticationTokenException"):
        fix = "no credentials to sign with: see aws-credentials"
    elif probe.error_code in ("ExpiredToken", "ExpiredTokenException", "RequestExpired"):
        fix = "the credentials expired: renew them (or fix the clock, see clock-skew)"
    elif probe.error_code in ("InvalidClientTokenId", "SignatureDoesNotMatch", "AccessDenied"):
        fix = "the credentials are wrong or revoked: check the access key and secret"
    elif probe.error_code is None:
        fix = "check the network, DNS, HTTPS_PROXY/NO_PROXY and AWS_ENDPOINT_URL"
    else:
        fix = "see the error; check the credentials and the region"
    return Check.failed("aws-sts", f"STS at {probe.endpoint}: {probe.error}", fix)


def check_clock_skew(probe: StsProbe) -> Check:
    """The local clock against the STS ``Date`` header (1 s resolution)."""
    if probe.server_date is None:
        return Check.warning(
            "clock-skew",
            "not measured: no Date header from STS" + (f" ({probe.error})" if probe.error else ""),
            "make STS reachable (see aws-sts)",
        )
    skew = probe.local_time - probe.server_date
    finding = f"local clock {skew:+.1f} s vs STS Date header (+/- 1 s)"
    if abs(skew) - 1.0 > MAX_SKEW:
        return Check.failed(
            "clock-skew",
            finding + f"; SigV4 requests fail past {MAX_SKEW:.0f} s",
            "synchronise the clock (NTP: timedatectl set-ntp true, or chrony)",
        )
    if abs(skew) - 1.0 > WARN_SKEW:
        return Check.warning("clock-skew", finding, "synchronise the clock (NTP)")
    return Check.ok("clock-skew", finding)
