"""Doctor checks of a KVS stream: DescribeStream on moto, PutMedia against local endpoints."""

from __future__ import annotations

import json
import re
import socket
from http.server import BaseHTTPRequestHandler

import boto3
from doctor_helpers import local_http_server, reply, run_doctor
from spyglass_helpers import free_port

_SIGNATURE = re.compile(
    r"AWS4-HMAC-SHA256 Credential=testing/\d{8}/us-east-1/kinesisvideo/aws4_request, "
    r"SignedHeaders=[a-z0-9;-]*x-amzn-stream-name[a-z0-9;-]*, Signature=[0-9a-f]{64}"
)


def _create(stream: str) -> None:
    boto3.client("kinesisvideo").create_stream(StreamName=stream, DataRetentionInHours=24)


def test_existing_stream_and_signed_put_media_pass() -> None:
    _create("doctor-ok")
    seen: list[dict[str, str]] = []

    def respond(handler: BaseHTTPRequestHandler, body: bytes) -> None:
        seen.append({"path": handler.path, **dict(handler.headers.items())})
        authorized = _SIGNATURE.fullmatch(handler.headers.get("Authorization", ""))
        named = handler.headers.get("x-amzn-stream-name") == "doctor-ok"
        if handler.path == "/putMedia" and authorized and named:
            reply(handler, 200, b'{"EventType":"RECEIVED"}', "application/json")
        else:
            reply(handler, 403, b'{"message":"bad signature"}', "application/json")

    with local_http_server(respond) as url:
        run = run_doctor(
            "--kvs-stream", "doctor-ok", env={"AWS_ENDPOINT_URL_KINESIS_VIDEO_MEDIA": url}
        )
    stream, put_media = run.check("kvs-stream"), run.check("kvs-putmedia")
    assert stream["status"] == "ok", stream
    assert "'doctor-ok' in us-east-1: ACTIVE, retention 24 h" in stream["finding"]
    assert put_media["status"] == "ok", (put_media, seen)
    assert f"HTTP 200 from {url}/putMedia" in put_media["finding"]
    assert len(seen) == 1 and seen[0]["path"] == "/putMedia"


def test_unknown_stream_fails_with_the_create_command() -> None:
    run = run_doctor("--kvs-stream", "doctor-missing")
    stream = run.check("kvs-stream")
    assert stream["status"] == "failed", stream
    assert "ResourceNotFoundException" in stream["finding"]
    assert "create-stream --stream-name doctor-missing" in stream["fix"]
    assert run.status("kvs-putmedia") == "failed"
    assert run.returncode == 1


def test_put_media_rejecting_the_signature_fails() -> None:
    _create("doctor-denied")

    def respond(handler: BaseHTTPRequestHandler, body: bytes) -> None:
        message = {"message": "The security token included in the request is invalid."}
        reply(handler, 403, json.dumps(message).encode(), "application/json")

    with local_http_server(respond) as url:
        run = run_doctor(
            "--kvs-stream", "doctor-denied", env={"AWS_ENDPOINT_URL_KINESIS_VIDEO_MEDIA": url}
        )
    assert run.status("kvs-stream") == "ok"
    put_media = run.check("kvs-putmedia")
    assert put_media["status"] == "failed", put_media
    assert "HTTP 403" in put_media["finding"] and "security token" in put_media["finding"]
    assert "credentials" in put_media["fix"]
    assert run.returncode == 1


def test_put_media_endpoint_down_fails() -> None:
    _create("doctor-down")
    down = f"http://127.0.0.1:{free_port()}"
    run = run_doctor(
        "--kvs-stream", "doctor-down", env={"AWS_ENDPOINT_URL_KINESIS_VIDEO_MEDIA": down}
    )
    put_media = run.check("kvs-putmedia")
    assert put_media["status"] == "failed", put_media
    assert f"cannot connect to {down}" in put_media["finding"]
    assert "outbound HTTPS" in put_media["fix"]


def test_put_media_endpoint_that_never_answers_fails() -> None:
    _create("doctor-silent")
    with socket.socket() as silent:  # listens (the kernel accepts), never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        url = f"http://127.0.0.1:{silent.getsockname()[1]}"
        run = run_doctor(
            "--kvs-stream", "doctor-silent", env={"AWS_ENDPOINT_URL_KINESIS_VIDEO_MEDIA": url}
        )
    put_media = run.check("kvs-putmedia")
    assert put_media["status"] == "failed", put_media
    assert "no HTTP answer within 10 s" in put_media["finding"]
