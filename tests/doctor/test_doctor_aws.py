"""Doctor checks of AWS access against the session's moto server and local HTTP servers."""

from __future__ import annotations

import email.utils
import re
import time
from http.server import BaseHTTPRequestHandler

from doctor_helpers import local_http_server, reply, run_doctor
from spyglass_helpers import free_port

_IDENTITY = b"""<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <GetCallerIdentityResult>
    <Arn>arn:aws:iam::210987654321:user/skewed</Arn>
    <UserId>AIDASKEWED</UserId>
    <Account>210987654321</Account>
  </GetCallerIdentityResult>
  <ResponseMetadata><RequestId>4f6d1c1e-0000-0000-0000-000000000000</RequestId></ResponseMetadata>
</GetCallerIdentityResponse>"""

_NO_CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": None,
    "AWS_SECRET_ACCESS_KEY": None,
    "AWS_SESSION_TOKEN": None,
    "AWS_PROFILE": None,
    "AWS_CONTAINER_CREDENTIALS_FULL_URI": None,
    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI": None,
    "AWS_WEB_IDENTITY_TOKEN_FILE": None,
}


def _skew(finding: str) -> float:
    match = re.match(r"local clock ([-+][0-9.]+) s", finding)
    assert match, finding
    return float(match.group(1))


def test_credentials_sts_and_clock_pass_against_moto(aws_env: str) -> None:
    run = run_doctor()
    credentials, sts, skew = (run.check(n) for n in ("aws-credentials", "aws-sts", "clock-skew"))
    assert credentials["status"] == "ok" and "provider 'env'" in credentials["finding"]
    assert sts["status"] == "ok" and aws_env in sts["finding"], sts
    assert "account 123456789012" in sts["finding"]
    assert skew["status"] == "ok", skew
    assert "vs STS Date header" in skew["finding"]


def test_no_credentials_fails_and_sts_says_why() -> None:
    run = run_doctor(env=_NO_CREDENTIALS)
    credentials = run.check("aws-credentials")
    assert credentials["status"] == "failed", credentials
    assert "no AWS credentials found" in credentials["finding"]
    assert "AWS_ACCESS_KEY_ID" in credentials["fix"]
    assert run.status("aws-sts") == "failed"
    assert run.returncode == 1


def test_unreachable_sts_fails_and_skew_is_not_measured() -> None:
    down = f"http://127.0.0.1:{free_port()}"
    run = run_doctor(env={"AWS_ENDPOINT_URL": down})
    sts = run.check("aws-sts")
    assert sts["status"] == "failed" and down in sts["finding"], sts
    assert "network" in sts["fix"]
    skew = run.check("clock-skew")
    assert skew["status"] == "warning" and "not measured" in skew["finding"]
    assert run.returncode == 1


def test_clock_ten_minutes_off_fails_while_sts_answers() -> None:
    def respond(handler: BaseHTTPRequestHandler, body: bytes) -> None:
        assert b"GetCallerIdentity" in body
        reply(handler, 200, _IDENTITY, "text/xml")

    ahead = lambda: email.utils.formatdate(time.time() + 600, usegmt=True)  # noqa: E731
    with local_http_server(respond, date=ahead) as url:
        run = run_doctor(env={"AWS_ENDPOINT_URL": url})
    assert run.status("aws-sts") == "ok" and "210987654321" in run.check("aws-sts")["finding"]
    skew = run.check("clock-skew")
    assert skew["status"] == "failed", skew
    assert -605 < _skew(skew["finding"]) < -595
    assert "NTP" in skew["fix"]
    assert run.returncode == 1


def test_clock_two_minutes_off_warns() -> None:
    def respond(handler: BaseHTTPRequestHandler, body: bytes) -> None:
        reply(handler, 200, _IDENTITY, "text/xml")

    behind = lambda: email.utils.formatdate(time.time() - 120, usegmt=True)  # noqa: E731
    with local_http_server(respond, date=behind) as url:
        skew = run_doctor(env={"AWS_ENDPOINT_URL": url}).check("clock-skew")
    assert skew["status"] == "warning", skew
    assert 115 < _skew(skew["finding"]) < 125


def test_missing_region_fails_and_region_option_fixes_it() -> None:
    no_region = {"AWS_DEFAULT_REGION": None, "AWS_REGION": None}
    run = run_doctor(env=no_region)
    region = run.check("aws-region")
    assert region["status"] == "failed" and "--region" in region["fix"]
    assert run.returncode == 1
    run = run_doctor("--region", "eu-west-1", env=no_region)
    assert "aws-region" not in [check["name"] for check in run.report["checks"]]
    assert run.status("aws-sts") == "ok"
