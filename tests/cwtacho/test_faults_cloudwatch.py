"""CWTachometer when CloudWatch is down or throttling.

The frame loop must never stall or see an exception: PutMetricData runs on the sender thread
only (checked with a botocore ``before-send`` hook), failed or overflowing reports are counted
and logged, and once the endpoint recovers statistics arrive again (read back from moto).
"""

from __future__ import annotations

import datetime
import logging
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import boto3
import pytest
import requests
from botocore.config import Config
from moto.server import ThreadedMotoServer

import backpack
from backpack.cwtacho import CWTachometer

_PACKAGE_ROOT = Path(backpack.__file__).resolve().parent.parent  # where backpack is imported from
NAMESPACE = "FaultTest"
METRIC = "frame_processing_time"
FAST_FAIL = Config(
    connect_timeout=1, read_timeout=5, retries={"total_max_attempts": 2, "mode": "standard"}
)


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def _window(tacho: CWTachometer, clock: FakeClock, events: int) -> None:
    """Tick ``events`` evenly spaced frames; the last one closes the current 1 s window."""
    start = clock.now
    for i in range(1, events + 1):
        clock.now = start + i / events
        tacho.tick()


def _sender_threads(session: boto3.Session) -> list[int]:
    threads: list[int] = []
    session.events.register(
        "before-send.cloudwatch.PutMetricData",
        lambda **_kwargs: threads.append(threading.get_ident()),
    )
    return threads


def _sample_count(endpoint: str) -> float:
    cloudwatch = boto3.client("cloudwatch", endpoint_url=endpoint)
    now = datetime.datetime.now(datetime.timezone.utc)
    points = cloudwatch.get_metric_statistics(
        Namespace=NAMESPACE,
        MetricName=METRIC,
        StartTime=now - datetime.timedelta(minutes=10),
        EndTime=now + datetime.timedelta(minutes=10),
        Period=60,
        Statistics=["SampleCount"],
    )["Datapoints"]
    return sum(p["SampleCount"] for p in points)


def _failures(caplog: pytest.LogCaptureFixture, text: str) -> int:
    return sum(
        1
        for r in caplog.records
        if r.name == "backpack.cwtacho" and r.levelno == logging.WARNING and text in r.getMessage()
    )


@pytest.mark.timeout(120)
def test_moto_stopped_then_restarted(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    monkeypatch.setenv("AWS_ENDPOINT_URL", endpoint)
    session = boto3.Session()
    threads = _sender_threads(session)
    clock = FakeClock()
    tacho = CWTachometer(
        NAMESPACE,
        METRIC,
        stats_interval=datetime.timedelta(seconds=1),
        boto3_session=session,
        botocore_config=FAST_FAIL,
        clock=clock,
    )
    restarted = None
    try:
        with caplog.at_level(logging.WARNING):
            tacho.tick()
            _window(tacho, clock, 2)
            assert tacho.flush(timeout=60)
            assert (tacho.sent_stats, tacho.dropped_stats) == (1, 0)

            server.stop()  # CloudWatch is gone
            for _ in range(3):
                _window(tacho, clock, 3)
            assert tacho.flush(timeout=60)
            assert (tacho.sent_stats, tacho.dropped_stats) == (1, 3)
            assert _failures(caplog, "PutMetricData failed") == 3

            restarted = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
            restarted.start()  # ... and back
            _window(tacho, clock, 4)
            assert tacho.flush(timeout=60)
            assert (tacho.sent_stats, tacho.dropped_stats) == (2, 3)
            assert _sample_count(endpoint) == 2 + 4  # the three dropped windows never arrived
    finally:
        tacho.close(timeout=60)
        if restarted is not None:
            restarted.stop()
        else:
            server.stop()
    # every attempt (2 per failed report) ran on the sender, none on this thread
    assert len(threads) == 1 + 3 * 2 + 1
    assert threading.get_ident() not in threads


class _FlakyCloudWatch(ThreadingHTTPServer):
    """A CloudWatch endpoint on 127.0.0.1 that answers with ``mode``.

    ``mode`` is an HTTP status to fail with (500, 429), ``"proxy"`` (forward to moto) or
    ``"hold"`` (keep the request open until ``release`` is set, then forward). Serves at most
    ``lifetime`` seconds, then stops by itself.
    """

    daemon_threads = True

    def __init__(self, upstream: str, lifetime: float = 90.0) -> None:
        super().__init__(("127.0.0.1", 0), _FlakyHandler)
        self.upstream = upstream
        self.mode: Any = "proxy"
        self.answers: list[Any] = []
        self.received = threading.Event()
        self.release = threading.Event()
        self.timeout = 0.1
        self._deadline = time.monotonic() + lifetime
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    @property
    def endpoint(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host!s}:{port}"

    def _serve(self) -> None:
        while not self._stop.is_set() and time.monotonic() < self._deadline:
            self.handle_request()
        self.server_close()

    def stop(self) -> None:
        self._stop.set()
        self.release.set()
        self._thread.join(timeout=10)


class _FlakyHandler(BaseHTTPRequestHandler):
    server: _FlakyCloudWatch
    protocol_version = "HTTP/1.1"

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        mode = self.server.mode
        self.server.answers.append(mode)
        if mode == "hold":
            self.server.received.set()
            self.server.release.wait(30)
            mode = "proxy"
        if mode == "proxy":
            headers = {k: v for k, v in self.headers.items() if k.lower() != "host"}
            upstream = requests.post(
                self.server.upstream + self.path, data=body, headers=headers, timeout=10
            )
            status, payload = upstream.status_code, upstream.content
            out_headers = {
                k: v
                for k, v in upstream.headers.items()
                if k.lower() in ("content-type", "smithy-protocol", "x-amzn-requestid")
            }
        else:
            status, payload, out_headers = int(mode), b"", {}
        self.send_response(status)
        for key, value in out_headers.items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def flaky(aws_env: str) -> Iterator[_FlakyCloudWatch]:
    server = _FlakyCloudWatch(upstream=aws_env)
    try:
        yield server
    finally:
        server.stop()


@pytest.mark.timeout(120)
def test_500_429_and_stalled_endpoint(
    flaky: _FlakyCloudWatch,
    aws_env: str,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL", flaky.endpoint)
    session = boto3.Session()
    threads = _sender_threads(session)
    clock = FakeClock()
    tacho = CWTachometer(
        NAMESPACE,
        METRIC,
        stats_interval=datetime.timedelta(seconds=1),
        boto3_session=session,
        max_backlog=2,
        botocore_config=FAST_FAIL,
        clock=clock,
    )
    try:
        with caplog.at_level(logging.WARNING):
            tacho.tick()
            for status in (500, 429):
                flaky.mode = status
                _window(tacho, clock, 1)
                _window(tacho, clock, 1)
                assert tacho.flush(timeout=60)
            assert (tacho.sent_stats, tacho.dropped_stats) == (0, 4)
            assert _failures(caplog, "PutMetricData failed") == 4
            assert flaky.answers.count(500) >= 2 and flaky.answers.count(429) >= 2

            # The endpoint accepts a request and never answers (until released): the frame
            # loop keeps ticking through four more windows; the backlog holds two of them.
            flaky.mode = "hold"
            _window(tacho, clock, 5)
            assert flaky.received.wait(30)
            flaky.mode = "proxy"
            for events in (1, 1, 2, 3):
                _window(tacho, clock, events)
            assert tacho.dropped_stats == 6
            assert _failures(caplog, "backlog full") == 2
            flaky.release.set()
            assert tacho.flush(timeout=60)
            assert (tacho.sent_stats, tacho.dropped_stats) == (3, 6)
    finally:
        tacho.close(timeout=60)
    assert _sample_count(aws_env) == 5 + 2 + 3
    assert threads and threading.get_ident() not in threads


class _Silent:
    """A TCP endpoint on 127.0.0.1 that accepts connections and never answers.

    Holds every accepted connection open until :meth:`stop` (at most ``lifetime`` seconds).
    """

    def __init__(self, lifetime: float = 120.0) -> None:
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.1)
        self.connections: list[socket.socket] = []
        self.accepted = threading.Event()
        self._deadline = time.monotonic() + lifetime
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    @property
    def endpoint(self) -> str:
        host, port = self._listener.getsockname()[:2]
        return f"http://{host}:{port}"

    def _serve(self) -> None:
        while not self._stop.is_set() and time.monotonic() < self._deadline:
            try:
                connection, _ = self._listener.accept()
            except socket.timeout:
                continue
            self.connections.append(connection)
            self.accepted.set()
        for connection in self.connections:
            connection.close()
        self._listener.close()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=10)


@pytest.fixture
def silent() -> Iterator[_Silent]:
    server = _Silent()
    try:
        yield server
    finally:
        server.stop()


# Far longer than any test bound: only close()'s own timeout can end the wait.
_PATIENT = Config(read_timeout=3600, retries={"total_max_attempts": 1, "mode": "standard"})


@pytest.mark.timeout(120)
def test_close_is_bounded_when_the_endpoint_never_answers(
    silent: _Silent, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL", silent.endpoint)
    clock = FakeClock()
    tacho = CWTachometer(
        NAMESPACE,
        METRIC,
        stats_interval=datetime.timedelta(seconds=1),
        botocore_config=_PATIENT,
        clock=clock,
    )
    with caplog.at_level(logging.WARNING):
        tacho.tick()
        _window(tacho, clock, 2)
        assert silent.accepted.wait(60)  # the first report is in flight, never answered
        _window(tacho, clock, 2)
        _window(tacho, clock, 2)  # two more wait behind it
        assert not tacho.close(timeout=0.5)
        # The backlog was dropped and counted at once; the in-flight report is still open.
        assert (tacho.sent_stats, tacho.dropped_stats) == (0, 2)
        assert any(
            r.name == "backpack.cwtacho" and "dropped 2 queued" in r.getMessage()
            for r in caplog.records
        )
        _window(tacho, clock, 2)  # ticks after close still work, and are counted
        assert tacho.dropped_stats == 3
        silent.stop()  # the connection drops: the in-flight report fails and is counted
        assert tacho.flush(timeout=60)
    assert (tacho.sent_stats, tacho.dropped_stats) == (0, 4)


_EXIT_SCRIPT = """
import datetime, sys
from botocore.config import Config
from backpack.cwtacho import CWTachometer

now = [0.0]
tacho = CWTachometer("NS", "m", stats_interval=datetime.timedelta(seconds=1),
                     botocore_config=Config(read_timeout=3600,
                                            retries={"total_max_attempts": 1}),
                     clock=lambda: now[0])
for step in range(1, 8):  # three reports: one in flight, two queued
    tacho.tick()
    now[0] = step * 0.5
tacho.tick()
print("close", tacho.close(timeout=1.0), "dropped", tacho.dropped_stats, flush=True)
"""


@pytest.mark.timeout(120)
def test_process_exits_while_a_request_hangs(silent: _Silent, tmp_path: Path) -> None:
    # With a sender the interpreter joins at exit, this process would wait for the endpoint,
    # which answers only when the test stops it.
    env = {**os.environ, "AWS_ENDPOINT_URL": silent.endpoint}
    env["PYTHONPATH"] = os.pathsep.join([str(_PACKAGE_ROOT), env.get("PYTHONPATH", "")])
    process = subprocess.Popen(
        [sys.executable, "-c", _EXIT_SCRIPT],
        env=env,
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        out, err = process.communicate(timeout=90)
    except subprocess.TimeoutExpired:
        process.kill()
        process.communicate()
        pytest.fail("the process did not exit while its PutMetricData request hung")
    assert process.returncode == 0, err
    assert out.split() == ["close", "False", "dropped", "2"]
    assert silent.accepted.is_set()
    assert silent.connections and not silent._stop.is_set()  # never answered, still open
