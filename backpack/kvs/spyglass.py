"""KVSSpyGlass: restream frames to Amazon Kinesis Video Streams through ``kvssink``."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Mapping
from typing import Any, Union

from backpack.kvs.credentials import KVSCredentialsHandler
from backpack.kvs.properties import PropertyValue, format_properties
from backpack.kvs.redaction import add_redaction
from backpack.spyglass.base import SpyGlass
from backpack.spyglass.encoder import H264Settings

PathLike = Union[str, "os.PathLike[str]"]

KVSSINK = "kvssink"

_CAPS = "video/x-h264,stream-format=avc,alignment=au,profile=baseline"
_CREDENTIAL_PROPERTIES = ("access-key", "secret-key", "session-token", "credential-path")


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
        sink: for debugging, a GStreamer description that replaces the ``kvssink`` element,
            e.g. ``"matroskamux ! filesink location=/tmp/kvs.mkv"`` to record exactly the
            H.264 stream KVS would get. The credentials handler still starts and stops; no
            ``kvssink`` check is made.
        **kwargs: passed to :class:`~backpack.spyglass.SpyGlass` (``warmup_frames``,
            ``backoff``, ...).

    Example:
        >>> spyglass = KVSSpyGlass(
        ...     stream_region="us-east-1",
        ...     stream_name="panorama-video",
        ...     credentials_handler=KVSFileCredentialsHandler(),
        ...     dotenv_path="/panorama/.env",
        ... )
        >>> spyglass.start_streaming()
        >>> spyglass.put(frame)  # in the frame loop
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
        self._debug_sink = sink
        self._stream_region = stream_region
        self._stream_name = stream_name
        self._credentials_handler = credentials_handler
        self._encoder = encoder
        self._dotenv_path = os.fspath(dotenv_path) if dotenv_path is not None else None
        super().__init__(fps, width, height, dotenv_path=dotenv_path, **kwargs)
        add_redaction(self._logger)

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
        framerate = "" if self._framerate_given else f"framerate={max(1, round(fps))}"
        sink = " ".join(
            part
            for part in (
                KVSSINK,
                self._static_properties,
                framerate,
                self._credentials_handler.kvssink_str(),
            )
            if part
        )
        return sink

    def _on_start(self) -> None:
        self._credentials_handler.start()

    def _on_stop(self) -> None:
        self._credentials_handler.stop()

    def _redact(self, pipeline: str) -> str:
        return self._credentials_handler.redact(pipeline)
