"""Fixtures of the backpack.kvs tests: the fake KVS endpoint (kvs_endpoint.py), plain or https."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from kvs_endpoint import KVSEndpoint, make_tls

from backpack.kvs import kvssink_available


def require_kvssink() -> None:
    """Skip the calling test, naming what is missing, when GStreamer finds no ``kvssink``."""
    if not kvssink_available():
        pytest.skip(
            "GStreamer element 'kvssink' not found on "
            f"GST_PLUGIN_PATH={os.environ.get('GST_PLUGIN_PATH')!r} (libgstkvssink.so from "
            "the KVS producer SDK); build/test.sh and the base image set it"
        )


def _process_tls() -> tuple[Path, Path, Path]:
    """The test CA and server certificate, made once per process.

    kvssink reads ``KVSSINK_CA_CERT_PATH`` once per process (a function-local static in
    ``KvsSinkDeviceInfoProvider::getCertPath``), at its first start: the variable is set here,
    at import (collection) time, before any test starts kvssink.
    """
    directory = Path(tempfile.mkdtemp(prefix="backpack-kvs-tls-"))
    atexit.register(shutil.rmtree, directory, True)
    return make_tls(directory)


TLS_CA, _TLS_CHAIN, _TLS_KEY = _process_tls()
os.environ.setdefault("KVSSINK_CA_CERT_PATH", str(TLS_CA))


@pytest.fixture
def kvs_endpoint(monkeypatch: pytest.MonkeyPatch) -> Iterator[KVSEndpoint]:
    """A plain-http fake endpoint; kvssink's control plane (``CONTROL_PLANE_URI``) points at it."""
    require_kvssink()
    with KVSEndpoint() as endpoint:
        monkeypatch.setenv("CONTROL_PLANE_URI", endpoint.url)
        yield endpoint


@pytest.fixture
def kvs_tls_endpoint(monkeypatch: pytest.MonkeyPatch) -> Iterator[KVSEndpoint]:
    """An https fake endpoint whose CA kvssink trusts through ``KVSSINK_CA_CERT_PATH``."""
    require_kvssink()
    if os.environ.get("KVSSINK_CA_CERT_PATH") != str(TLS_CA):
        pytest.skip(
            "KVSSINK_CA_CERT_PATH was set before the tests started "
            f"({os.environ.get('KVSSINK_CA_CERT_PATH')!r}); kvssink reads it once per process"
        )
    with KVSEndpoint(tls=(_TLS_CHAIN, _TLS_KEY)) as endpoint:
        monkeypatch.setenv("CONTROL_PLANE_URI", endpoint.url)
        yield endpoint
