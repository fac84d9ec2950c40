"""Shared fixtures: a real moto server over HTTP for every AWS call the tests make.

Every test runs with ``AWS_ENDPOINT_URL`` pointing at a ``ThreadedMotoServer`` bound to
127.0.0.1 and with dummy credentials, so no test can reach a real AWS endpoint.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
import requests
from moto.server import ThreadedMotoServer

_DUMMY_AWS_ENV = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_CONFIG_FILE": os.devnull,
    "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
    "AWS_EC2_METADATA_DISABLED": "true",
}


@pytest.fixture(scope="session")
def moto_endpoint() -> Iterator[str]:
    """Start one moto server for the session; yield its ``http://127.0.0.1:PORT`` URL."""
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    try:
        yield f"http://{host}:{port}"
    finally:
        server.stop()


@pytest.fixture(autouse=True)
def aws_env(moto_endpoint: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """Point boto3 at the moto server with dummy credentials; reset moto's state after."""
    for key, value in _DUMMY_AWS_ENV.items():
        monkeypatch.setenv(key, value)
    monkeypatch.setenv("AWS_ENDPOINT_URL", moto_endpoint)
    yield moto_endpoint
    requests.post(f"{moto_endpoint}/moto-api/reset", timeout=10)
