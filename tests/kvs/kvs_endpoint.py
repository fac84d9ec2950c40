"""A local fake Kinesis Video Streams endpoint for kvssink: control plane and PutMedia.

kvssink (the KVS producer SDK's GStreamer plugin) is pointed at it with ``CONTROL_PLANE_URI``.
The server answers DescribeStream/CreateStream/TagStream/GetDataEndpoint itself (moto's
GetDataEndpoint names an unreachable AWS host and moto has no TagStream/PutMedia) and names
itself as the data endpoint. PutMedia bodies (chunked Matroska) are kept per stream and
session, with every request's headers; each Matroska cluster (a KVS fragment) is acknowledged
with BUFFERING, RECEIVED and PERSISTED events as the real service does, so kvssink's end of
stream completes on the last PERSISTED ack.

Faults, switchable while kvssink streams: :meth:`KVSEndpoint.go_away` (the listening socket
and every open connection are closed; the port is bound again later), ``reject_credentials``
(403 with a KVS-style error body), ``refuse_create`` (CreateStream answers 403, so a new
stream cannot be created). Requests signed for a region not in ``regions`` get the 403 the
service gives for a credential scoped to an unknown region.

Everything binds 127.0.0.1, and the server stops by itself after ``lifetime`` seconds.
Plain module (no pytest): bench/kvssink_cost.py uses it too; the fixtures are in
tests/kvs/conftest.py.
"""

from __future__ import annotations

import contextlib
import datetime
import ipaddress
import json
import re
import socket
import ssl
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

_SEGMENT, _CLUSTER, _INFO = 0x18538067, 0x1F43B675, 0x1549A966
_CLUSTER_TIMECODE, _TIMECODE_SCALE, _TAGS = 0xE7, 0x2AD7B1, 0x1254C367
_EBML = b"\x1a\x45\xdf\xa3"
_CREDENTIAL = re.compile(r"Credential=([^/,\s]+)/\d{8}/([^/,\s]+)/([^/,\s]+)/aws4_request")


@dataclass(frozen=True)
class Request:
    """One HTTP request the endpoint received (path, headers, signing key and region)."""

    path: str
    headers: dict[str, str]
    access_key: str | None
    region: str | None


@dataclass
class ReceivedStream:
    """What one stream got: PutMedia sessions (bytes each) and acknowledged fragment timecodes."""

    name: str
    sessions: list[bytearray] = field(default_factory=list)
    persisted: list[int] = field(default_factory=list)

    def write_sessions(self, directory: Path) -> list[Path]:
        """The received Matroska as decodable files: one per session with a stream header.

        A PutMedia session that kvssink opens after a broken connection does not start with
        an EBML header: it continues the stream of the session before (it re-sends the last
        frame it was not sure of), so it is appended to that session's file.
        """
        groups: list[bytearray] = []
        for data in self.sessions:
            if data.startswith(_EBML) or not groups:
                groups.append(bytearray())
            groups[-1] += data
        paths = []
        for index, data in enumerate(groups):
            path = directory / f"{self.name}-{index}.mkv"
            path.write_bytes(bytes(data))
            paths.append(path)
        return paths


class _Fragments:
    """Incremental Matroska reader of fragment boundaries.

    :meth:`feed` returns, in stream order, each cluster's timecode (ms) when the cluster starts
    and ``None`` for a level-1 ``Tags`` element, which ends the cluster before it (kvssink's
    end-of-fragment marker at end of stream is such a ``Tags`` element).
    """

    def __init__(self) -> None:
        self._buffer = bytearray()
        self._skip = 0
        self._scale = 1_000_000  # ns per timecode tick (Matroska default)

    def feed(self, data: bytes) -> list[int | None]:
        self._buffer += data
        found: list[int | None] = []
        while True:
            if self._skip:
                taken = min(self._skip, len(self._buffer))
                del self._buffer[:taken]
                self._skip -= taken
                if self._skip:
                    return found
            header = _element_header(self._buffer)
            if header is None:
                return found
            element, size, length = header
            if element in (_SEGMENT, _CLUSTER, _INFO):
                del self._buffer[:length]  # descend into the master element
                continue
            if element in (_CLUSTER_TIMECODE, _TIMECODE_SCALE):
                if len(self._buffer) < length + size:
                    return found
                value = int.from_bytes(self._buffer[length : length + size], "big")
                del self._buffer[: length + size]
                if element == _TIMECODE_SCALE:
                    self._scale = value
                else:
                    found.append(value * self._scale // 1_000_000)
                continue
            if element == _TAGS:
                found.append(None)
            del self._buffer[:length]
            self._skip = size


def _vint(data: bytearray, offset: int, keep_marker: bool) -> tuple[int, int] | None:
    if offset >= len(data):
        return None
    first = data[offset]
    length = 1
    while length <= 8 and not first & (0x80 >> (length - 1)):
        length += 1
    if length > 8 or offset + length > len(data):
        return None
    value = first if keep_marker else first & (0xFF >> length)
    for byte in data[offset + 1 : offset + length]:
        value = value << 8 | byte
    return value, length


def _element_header(data: bytearray) -> tuple[int, int, int] | None:
    element = _vint(data, 0, keep_marker=True)
    if element is None:
        return None
    size = _vint(data, element[1], keep_marker=False)
    if size is None:
        return None
    return element[0], size[0], element[1] + size[1]


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_POST(self) -> None:
        endpoint = self.server.endpoint
        endpoint.track(self.connection, True)
        try:
            self._serve(endpoint)
        except OSError:
            self.close_connection = True
        finally:
            endpoint.track(self.connection, False)

    def _serve(self, endpoint: KVSEndpoint) -> None:
        match = _CREDENTIAL.search(self.headers.get("Authorization", ""))
        request = Request(
            self.path,
            dict(self.headers.items()),
            match.group(1) if match else None,
            match.group(2) if match else None,
        )
        endpoint.record(request)
        if self.path == "/putMedia":
            self._put_media(endpoint, request)
            return
        body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
        refusal = endpoint.refusal(request)
        if refusal is not None:
            self._json(*refusal)
            return
        self._json(*endpoint.control(self.path, body))

    def _json(self, status: int, body: dict[str, Any]) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        if status >= 400:
            self.send_header("x-amzn-ErrorType", str(body.get("__type", "")))
        self.end_headers()
        self.wfile.write(data)

    def _put_media(self, endpoint: KVSEndpoint, request: Request) -> None:
        name = request.headers.get("x-amzn-stream-name", "")
        refusal = endpoint.refusal(request)
        stream = endpoint.streams.get(name)
        if refusal is None and stream is None:
            refusal = _error(404, "ResourceNotFoundException", f"Stream {name} not found")
        if refusal is not None:
            self.close_connection = True
            self._json(*refusal)
            return
        assert stream is not None
        data = bytearray()
        with endpoint.lock:
            stream.sessions.append(data)
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        fragments = _Fragments()
        pending: int | None = None
        number = 0
        while True:
            size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
            chunk = self.rfile.read(size) if size else b""
            self.rfile.readline()
            if not size:
                break
            with endpoint.lock:
                data += chunk
            for timecode in fragments.feed(chunk):
                if pending is not None:
                    number += 1
                    self._ack(endpoint, stream, pending, number)
                pending = timecode
                if timecode is not None:
                    self._event({"EventType": "BUFFERING", "FragmentTimecode": timecode})
        if pending is not None:
            self._ack(endpoint, stream, pending, number + 1)
        self.wfile.write(b"0\r\n\r\n")
        self.close_connection = True

    def _ack(self, endpoint: KVSEndpoint, stream: ReceivedStream, timecode: int, n: int) -> None:
        number = f"9134385233318150{n:06d}"
        for kind in ("RECEIVED", "PERSISTED"):
            self._event({"EventType": kind, "FragmentTimecode": timecode, "FragmentNumber": number})
        with endpoint.lock:
            stream.persisted.append(timecode)

    def _event(self, event: dict[str, Any]) -> None:
        data = json.dumps(event, separators=(",", ":")).encode()
        self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
        self.wfile.flush()


def _error(status: int, kind: str, message: str) -> tuple[int, dict[str, Any]]:
    return status, {"__type": kind, "Message": message}


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    endpoint: KVSEndpoint


class KVSEndpoint:
    """The fake endpoint; use as a context manager (or the fixtures below).

    Args:
        tls: ``(certificate chain file, key file)`` to serve https, else plain http.
        regions: regions whose signed requests are accepted.
        lifetime: seconds after which the server stops by itself.
    """

    def __init__(
        self,
        tls: tuple[Path, Path] | None = None,
        regions: tuple[str, ...] = ("us-east-1",),
        lifetime: float = 600.0,
    ) -> None:
        self.lock = threading.Lock()
        self.streams: dict[str, ReceivedStream] = {}
        self.requests: list[Request] = []
        self.reject_credentials = False
        self.refuse_create = False
        self._regions = regions
        self._tls = tls
        self._lifetime = lifetime
        self._connections: set[socket.socket] = set()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._timer: threading.Timer | None = None
        self.port = 0

    @property
    def url(self) -> str:
        """``http(s)://127.0.0.1:PORT`` (control plane and data endpoint)."""
        return f"{'https' if self._tls else 'http'}://127.0.0.1:{self.port}"

    def __enter__(self) -> KVSEndpoint:
        self._listen()
        self._timer = threading.Timer(self._lifetime, self.close)
        self._timer.daemon = True
        self._timer.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._timer is not None:
            self._timer.cancel()
        self.close()

    def close(self) -> None:
        """Stop listening and close every open connection."""
        server, self._server = self._server, None
        if server is not None:
            server.shutdown()
            server.server_close()
        self.drop_connections()

    def drop_connections(self) -> None:
        """Close every open connection (e.g. PutMedia's); the server keeps listening."""
        with self.lock:
            connections = list(self._connections)
        for connection in connections:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)

    def go_away(self, seconds: float) -> threading.Thread:
        """Close everything now and listen again on the same port after ``seconds``."""
        self.close()
        thread = threading.Thread(target=self._come_back, args=(seconds,), daemon=True)
        thread.start()
        return thread

    def _come_back(self, seconds: float) -> None:
        time.sleep(seconds)
        deadline = time.monotonic() + 30
        while True:
            try:
                self._listen()
                return
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)

    def _listen(self) -> None:
        server = _Server(("127.0.0.1", self.port), _Handler)
        server.endpoint = self
        if self._tls is not None:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(*self._tls)
            server.socket = context.wrap_socket(server.socket, server_side=True)
        self.port = server.server_address[1]
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()

    # -- called by the handler ----------------------------------------------------------------

    def track(self, connection: socket.socket, active: bool) -> None:
        with self.lock:
            if active:
                self._connections.add(connection)
            else:
                self._connections.discard(connection)

    def record(self, request: Request) -> None:
        with self.lock:
            self.requests.append(request)

    def refusal(self, request: Request) -> tuple[int, dict[str, Any]] | None:
        if request.access_key is None:
            return _error(403, "MissingAuthenticationTokenException", "Missing Authentication")
        if request.region not in self._regions:
            return _error(
                403,
                "InvalidSignatureException",
                f"Credential should be scoped to a valid region, not '{request.region}'.",
            )
        if self.reject_credentials:
            return _error(
                403,
                "UnrecognizedClientException",
                "The security token included in the request is invalid.",
            )
        return None

    def control(self, path: str, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        name = str(body.get("StreamName", ""))
        arn = f"arn:aws:kinesisvideo:us-east-1:123456789012:stream/{name}/1700000000000"
        with self.lock:
            exists = name in self.streams
            if path == "/createStream":
                if self.refuse_create:
                    return _error(
                        403,
                        "AccessDeniedException",
                        f"User is not authorized to perform: kinesisvideo:CreateStream on {arn}",
                    )
                if exists:
                    return _error(400, "ResourceInUseException", f"Stream {name} exists")
                self.streams[name] = ReceivedStream(name)
                return 200, {"StreamARN": arn}
        if not exists:
            return _error(404, "ResourceNotFoundException", f"Stream {name} not found")
        if path == "/describeStream":
            created = datetime.datetime(2026, 1, 1, tzinfo=datetime.timezone.utc).timestamp()
            info = {
                "StreamName": name,
                "StreamARN": arn,
                "Status": "ACTIVE",
                "MediaType": "video/h264",
                "KmsKeyId": "arn:aws:kms:us-east-1:123456789012:alias/aws/kinesisvideo",
                "Version": "1",
                "CreationTime": created,
                "DataRetentionInHours": 2,
                "DeviceName": "backpack",
            }
            return 200, {"StreamInfo": info}
        if path == "/tagStream":
            return 200, {}
        if path == "/getDataEndpoint":
            return 200, {"DataEndpoint": self.url}
        return _error(404, "UnknownOperationException", path)

    def stream(self, name: str) -> ReceivedStream:
        with self.lock:
            return self.streams[name]

    def access_keys(self, path: str = "/putMedia") -> list[str | None]:
        with self.lock:
            return [request.access_key for request in self.requests if request.path == path]


def make_tls(directory: Path) -> tuple[Path, Path, Path]:
    """A test CA and a server certificate for 127.0.0.1: ``(ca.pem, chain.pem, key.pem)``."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    now = datetime.datetime.now(datetime.timezone.utc)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "backpack test CA")])
    ca = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(False, False, False, False, False, True, True, False, False), True
        )
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")]))
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.IPAddress(ipaddress.ip_address("127.0.0.1")), x509.DNSName("localhost")]
            ),
            critical=False,
        )
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    pem = serialization.Encoding.PEM
    ca_path, chain_path, key_path = (
        directory / "ca.pem",
        directory / "chain.pem",
        directory / "key.pem",
    )
    ca_path.write_bytes(ca.public_bytes(pem))
    chain_path.write_bytes(cert.public_bytes(pem) + ca.public_bytes(pem))
    key_path.write_bytes(
        key.private_bytes(pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return ca_path, chain_path, key_path
