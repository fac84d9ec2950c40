"""KVSSpyGlass: restream frames to Amazon Kinesis Video Streams through the ``kvssink`` element."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Mapping
from typing import Any

from backpack._gst_launch import format_properties
from backpack._types import PathLike, PropertyValue
from backpack.kvs.controlplane import KVSStreamUnavailableError, check_stream
from backpack.kvs.credentials import KVSCredentials
from backpack.kvs.credentials_file import KVSFileCredentialsHandler
from backpack.kvs.credentials_format import read_credentials_file
from backpack.kvs.handlers import (
    KVSCredentialsHandler,
    KVSInlineCredentialsHandler,
    StaticCredentialsHandler,
)
from backpack.kvs.redaction import add_redaction
from backpack.kvs.sdklog import KVSSinkIncidents, KVSSinkLog
from backpack.spyglass.base import SpyGlass
from backpack.spyglass.encoder import H264Settings

KVSSINK = "kvssink"

_CAPS = "video/x-h264,stream-format=avc,alignment=au,profile=baseline"
_CREDENTIAL_PROPERTIES = ("access-key", "secret-key", "session-token", "credential-path")
_STOP_SHARE = 0.8  # of stop_timeout given to kvssink to get the last fragment's ack


_ENV_KEYS = ("ACCESS_KEY_ID", "SECRET_ACCESS_KEY")


class KVSSinkNotFoundError(RuntimeError):
    """The ``kvssink`` GStreamer element (KVS producer SDK plugin) is not available."""


def kvssink_available() -> bool | None:
    """Whether GStreamer finds the ``kvssink`` element (``None`` when it cannot be checked).

    Asks the GStreamer registry through PyGObject, rescanning the plugin path once if the
    element is missing (``GST_PLUGIN_PATH`` may have been set after GStreamer initialized);
    without PyGObject runs ``gst-inspect-1.0 --exists kvssink``.
    """
    try:
        import gi

        gi.require_version("Gst", "1.0")
        from gi.repository import Gst
    except (ImportError, ValueError):
        tool = shutil.which("gst-inspect-1.0")
        if tool is None:
            return None
        result = subprocess.run(
            [tool, "--exists", KVSSINK], capture_output=True, timeout=60, check=False
        )
        return result.returncode == 0
    if not Gst.is_initialized():
        Gst.init(None)
    if Gst.ElementFactory.find(KVSSINK) is not None:
        return True
    Gst.update_registry()
    return Gst.ElementFactory.find(KVSSINK) is not None


class KVSSpyGlass(SpyGlass):
    """Streams frames to a Kinesis Video Stream with the KVS producer SDK's ``kvssink``.

    Pipeline: ``appsrc ! videoconvert ! x264enc (no B-frames) !
    video/x-h264,stream-format=avc,alignment=au,profile=baseline ! kvssink stream-name=...
    aws-region=... framerate=... <extra properties> <credential properties>``.

    The credentials handler's :meth:`~KVSCredentialsHandler.start` runs before each attempt to
    open the pipeline and :meth:`~KVSCredentialsHandler.stop` after each close; the pipeline is
    logged only through the handler's :meth:`~KVSCredentialsHandler.redact`.
    :meth:`start_streaming` raises :class:`KVSSinkNotFoundError` when GStreamer does not find
    ``kvssink`` (after loading ``dotenv_path``).

    Args:
        stream_region: AWS region of the stream, e.g. ``us-east-1``.
        stream_name: name of the Kinesis video stream.
        credentials_handler: how ``kvssink`` gets AWS credentials.
        dotenv_path: .env file with ``GST_PLUGIN_PATH`` / ``LD_LIBRARY_PATH`` for the SDK.
        fps, width, height: see :class:`~backpack.spyglass.SpyGlass` (measured when omitted).
        encoder: x264 settings; ``bframes=0`` is always added (KVS needs no B-frames).
        storage_size: ``kvssink`` ``storage-size`` (MB of frame buffer); SDK default if None.
        retention_period: ``retention-period`` (hours) used if the stream gets created.
        fragment_duration: ``fragment-duration`` (ms).
        frame_timecodes: ``frame-timecodes``.
        absolute_fragment_times: ``absolute-fragment-times``.
        kvssink_properties: further ``kvssink`` properties, e.g. ``{"max-latency": 30}``;
            ``framerate`` defaults to the stream's rounded frame rate.
        check_stream: before each start of kvssink, check with boto3 (bounded) that the
            stream exists, creating it if missing, and that the service accepts the
            credentials (see :mod:`backpack.kvs.controlplane`); a refusal is logged with the
            service's reason and the start is retried with backoff.
        sink: for debugging, a GStreamer description that replaces the ``kvssink`` element,
            e.g. ``"matroskamux ! filesink location=/tmp/kvs.mkv"`` to record exactly the
            H.264 stream KVS would get. The credentials handler still starts and stops; no
            ``kvssink`` check is made.
        **kwargs: passed to :class:`~backpack.spyglass.SpyGlass` (``warmup_frames``,
            ``backoff``, ...).

    The SDK's own log: unless ``log-config`` is given in ``kvssink_properties``, kvssink gets
    a log4cplus configuration writing INFO and above to a private file (no DEBUG flood on
    standard output); its warnings and errors are logged here once per incident with the
    most telling reason, the recovery too, everything else at DEBUG
    (:mod:`backpack.kvs.sdklog`). ``stop-stream-timeout`` (how long kvssink waits at end of
    stream for the last fragment's PERSISTED ack) defaults to 80% of ``stop_timeout``.

    Environment read by kvssink (cpp SDK 3.6.0): ``CONTROL_PLANE_URI`` replaces the control
    plane endpoint (``http://`` accepted); ``KVSSINK_CA_CERT_PATH`` (a directory, or a file
    ending in ``.pem``) is the CA for https, read once per process at the first kvssink start;
    ``AWS_DEFAULT_REGION`` overrides ``stream_region``. The control-plane check follows them.

    Example (illustrative, not run as a doctest: it needs the appliance's ``.env`` file, a
    camera frame and a Kinesis video stream):
        >>> spyglass = KVSSpyGlass(  # doctest: +SKIP
        ...     stream_region="us-east-1",
        ...     stream_name="panorama-video",
        ...     credentials_handler=KVSFileCredentialsHandler(),
        ...     dotenv_path="/panorama/.env",
        ... )
        >>> spyglass.start_streaming()  # doctest: +SKIP
        >>> spyglass.put(frame)  # in the frame loop  # doctest: +SKIP
    """

    def __init__(
        self,
        stream_region: str,
        stream_name: str,
        credentials_handler: KVSCredentialsHandler,
        dotenv_path: PathLike | None = None,
        fps: float | None = None,
        width: int | None = None,
        height: int | None = None,
        *,
        encoder: H264Settings = H264Settings(bitrate=500, tune="zerolatency"),  # noqa: B008
        storage_size: int | None = None,
        retention_period: int | None = None,
        fragment_duration: int | None = None,
        frame_timecodes: bool | None = None,
        absolute_fragment_times: bool | None = None,
        kvssink_properties: Mapping[str, PropertyValue] | None = None,
        check_stream: bool = True,
        sink: str | None = None,
        **kwargs: Any,
    ) -> None:
        if not isinstance(stream_region, str) or not stream_region:
            raise ValueError(f"stream_region must be a non-empty string, got {stream_region!r}")
        if not isinstance(stream_name, str) or not stream_name:
            raise ValueError(f"stream_name must be a non-empty string, got {stream_name!r}")
        if not isinstance(credentials_handler, KVSCredentialsHandler):
            raise TypeError(
                "credentials_handler must be a KVSCredentialsHandler, got "
                f"{type(credentials_handler).__name__}"
            )
        if sink is not None and (not isinstance(sink, str) or not sink.strip()):
            raise ValueError(f"sink must be a non-empty pipeline description, got {sink!r}")
        if not isinstance(encoder, H264Settings):
            raise TypeError(f"encoder must be H264Settings, got {type(encoder).__name__}")
        properties: dict[str, PropertyValue] = {
            "stream-name": stream_name,
            "aws-region": stream_region,
        }
        for name, number in (
            ("storage-size", storage_size),
            ("retention-period", retention_period),
            ("fragment-duration", fragment_duration),
        ):
            if number is None:
                continue
            if isinstance(number, bool) or not isinstance(number, int) or number < 0:
                raise ValueError(f"{name} must be a non-negative int, got {number!r}")
            properties[name] = number
        for name, flag in (
            ("frame-timecodes", frame_timecodes),
            ("absolute-fragment-times", absolute_fragment_times),
        ):
            if flag is None:
                continue
            if not isinstance(flag, bool):
                raise ValueError(f"{name} must be a bool, got {flag!r}")
            properties[name] = flag
        for name, value in (kvssink_properties or {}).items():
            if name in _CREDENTIAL_PROPERTIES:
                raise ValueError(f"{name} comes from the credentials handler, not properties")
            properties[name] = value
        self._static_properties = format_properties(properties)  # validates names and values
        self._framerate_given = "framerate" in properties
        self._stop_timeout_given = "stop-stream-timeout" in properties
        self._sdk_log = None if "log-config" in properties or sink is not None else KVSSinkLog()
        self._check_stream = bool(check_stream) and sink is None
        self._retention = retention_period
        self._debug_sink = sink
        self._stream_region = stream_region
        self._stream_name = stream_name
        self._credentials_handler = credentials_handler
        self._encoder = encoder
        self._dotenv_path = os.fspath(dotenv_path) if dotenv_path is not None else None
        super().__init__(fps, width, height, dotenv_path=dotenv_path, **kwargs)
        add_redaction(self._logger)
        self._incidents = KVSSinkIncidents(self._logger, self._redact)

    @property
    def stream_name(self) -> str:
        """The Kinesis video stream name."""
        return self._stream_name

    @property
    def stream_region(self) -> str:
        """The AWS region of the stream."""
        return self._stream_region

    @property
    def credentials_handler(self) -> KVSCredentialsHandler:
        """The credentials handler."""
        return self._credentials_handler

    def start_streaming(
        self,
        fps: float | None = None,
        width: int | None = None,
        height: int | None = None,
    ) -> None:
        """Check that ``kvssink`` exists, then start streaming (see ``SpyGlass``).

        Raises:
            KVSSinkNotFoundError: GStreamer does not find the ``kvssink`` element.
        """
        if self._debug_sink is None and kvssink_available() is False:
            raise KVSSinkNotFoundError(
                f"GStreamer element {KVSSINK!r} not found: "
                f"GST_PLUGIN_PATH={os.environ.get('GST_PLUGIN_PATH')!r}, "
                f"dotenv_path={self._dotenv_path!r}. Build the Kinesis Video Streams producer "
                "SDK with its GStreamer plugin and point GST_PLUGIN_PATH (for example in the "
                "dotenv file) at the directory holding libgstkvssink.so."
            )
        super().start_streaming(fps, width, height)

    def _get_pipeline(self, fps: float, width: int, height: int) -> str:
        sink = self._debug_sink if self._debug_sink is not None else self._kvssink(fps)
        pipeline = " ! ".join(
            ("appsrc", "videoconvert", f"{self._encoder.element(fps)} bframes=0", _CAPS, sink)
        )
        self._logger.debug(
            "Pipeline for %.3f fps %dx%d: %s", fps, width, height, self._redact(pipeline)
        )
        return pipeline

    def _kvssink(self, fps: float) -> str:
        defaults: dict[str, PropertyValue] = {}
        if not self._framerate_given:
            defaults["framerate"] = max(1, round(fps))
        if not self._stop_timeout_given:
            defaults["stop-stream-timeout"] = max(1, int(self._stop_timeout * _STOP_SHARE))
        if self._sdk_log is not None:
            defaults["log-config"] = self._sdk_log.config_path
        sink = " ".join(
            part
            for part in (
                KVSSINK,
                self._static_properties,
                format_properties(defaults),
                self._credentials_handler.kvssink_str(),
            )
            if part
        )
        return sink

    def _on_start(self) -> None:
        self._credentials_handler.start()
        if self._check_stream:
            credentials = self._kvssink_credentials()
            if credentials is not None:
                check_stream(self._stream_name, self._stream_region, credentials, self._retention)

    def _on_stop(self) -> None:
        self._forward_sdk_log()
        self._incidents.finish()
        self._credentials_handler.stop()

    def _check_sink(self) -> str | None:
        self._forward_sdk_log()
        return None  # the SDK reconnects by itself: its problems do not stop the pipeline

    def _forward_sdk_log(self) -> None:
        if self._sdk_log is not None:
            self._incidents.handle(self._sdk_log.read())

    def _kvssink_credentials(self) -> KVSCredentials | None:
        """The credentials kvssink will use: properties, else environment, else the file."""
        handler = self._credentials_handler
        if isinstance(handler, KVSInlineCredentialsHandler):
            return handler._current()
        access_key, secret_key = (os.environ.get(f"AWS_{n}") for n in _ENV_KEYS)
        if access_key and secret_key:
            token = os.environ.get("AWS_SESSION_TOKEN") or None
            return KVSCredentials(access_key, secret_key, token)
        if isinstance(handler, KVSFileCredentialsHandler):
            if not os.path.exists(handler.credentials_path):
                raise KVSStreamUnavailableError(
                    f"no credentials for kvssink in {handler.credentials_path} yet: "
                    f"{handler.status.last_error or 'not written'}"
                )
            return _read_credentials_file(handler.credentials_path)
        if isinstance(handler, StaticCredentialsHandler):
            return handler._current()
        return None

    def _redact(self, pipeline: str) -> str:
        return self._credentials_handler.redact(pipeline)


def _read_credentials_file(path: str) -> KVSCredentials:
    """The credentials in kvssink's file, or :class:`KVSStreamUnavailableError` saying why not."""
    try:
        credentials = read_credentials_file(path)
    except OSError as exc:
        raise KVSStreamUnavailableError(f"credentials file unreadable: {exc}") from None
    if credentials is None:
        raise KVSStreamUnavailableError(f"credentials file {path} is not in kvssink's format")
    return credentials
