"""Helpers for the doctor tests: run ``python -m backpack doctor --json``, local HTTP servers."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
KVSSINK_DIRS = (
    Path("/var/cache/backpack/kvssink-host/opt/kvs-sdk/plugin"),  # host build (build/test.sh)
    Path("/opt/kvs-sdk/plugin"),  # the base image
)


@dataclass(frozen=True)
class DoctorRun:
    """Exit status and parsed ``--json`` report of one doctor run."""

    returncode: int
    report: dict[str, Any]
    stderr: str

    def check(self, name: str) -> dict[str, str]:
        """The check called ``name`` (fails the test when it did not run)."""
        for check in self.report["checks"]:
            if check["name"] == name:
                return dict(check)
        raise AssertionError(f"no check {name!r} in {self.report}")

    def status(self, name: str) -> str:
        """``ok``, ``warning`` or ``failed``."""
        return self.check(name)["status"]


def kvssink_dir() -> Path | None:
    """A directory holding the natively built ``libgstkvssink.so``, or None."""
    candidates = [Path(p) for p in os.environ.get("GST_PLUGIN_PATH", "").split(":") if p]
    for candidate in (*candidates, *KVSSINK_DIRS):
        if (candidate / "libgstkvssink.so").is_file():
            return candidate
    return None


def run_doctor(
    *args: str,
    env: Mapping[str, str | None] | None = None,
    timeout: float = 120,
) -> DoctorRun:
    """Run ``python -m backpack doctor --json ARGS`` from the checkout, in a subprocess.

    ``env`` entries are added to this process's environment (``None`` removes a variable).
    """
    environment = dict(os.environ)
    for key, value in (env or {}).items():
        if value is None:
            environment.pop(key, None)
        else:
            environment[key] = value
    completed = subprocess.run(
        [sys.executable, "-m", "backpack", "doctor", "--json", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    try:
        report = json.loads(completed.stdout)
    except json.JSONDecodeError as exc:
        raise AssertionError(f"no JSON report: {completed.stdout!r} {completed.stderr!r}") from exc
    return DoctorRun(completed.returncode, report, completed.stderr)


Responder = Callable[[BaseHTTPRequestHandler, bytes], None]


@contextmanager
def local_http_server(respond: Responder, date: Callable[[], str] | None = None) -> Iterator[str]:
    """Serve ``respond(handler, body)`` for every request on 127.0.0.1; yield the base URL.

    ``date`` (when given) makes the ``Date`` header of every response.
    """

    class Handler(BaseHTTPRequestHandler):
        def _handle(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            respond(self, self.rfile.read(length))

        do_GET = do_POST = _handle  # noqa: N815

        def date_time_string(self, timestamp: float | None = None) -> str:
            return date() if date is not None else super().date_time_string(timestamp)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(10)


def reply(handler: BaseHTTPRequestHandler, status: int, body: bytes, content_type: str) -> None:
    """Send a complete response."""
    handler.send_response(status)
    handler.send_header("Content-Type", content_type)
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    handler.wfile.write(body)
