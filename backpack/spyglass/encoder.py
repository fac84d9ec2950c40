"""H.264 (x264enc) encoder settings shared by the local sinks."""

from __future__ import annotations

from dataclasses import dataclass

_PRESETS = (
    "ultrafast",
    "superfast",
    "veryfast",
    "faster",
    "fast",
    "medium",
    "slow",
    "slower",
    "veryslow",
    "placebo",
)
_TUNES = ("stillimage", "fastdecode", "zerolatency")


@dataclass(frozen=True)
class H264Settings:
    """x264enc settings.

    Args:
        bitrate: target bitrate in kbit/s.
        speed_preset: x264 preset name (``ultrafast`` ... ``placebo``).
        key_int: maximum frames between key frames; ``None`` for two seconds of frames.
        tune: x264 tuning (``zerolatency`` ...) or ``None``.

    Example:
        >>> H264Settings(bitrate=1000).element(fps=25)
        'x264enc bitrate=1000 speed-preset=veryfast key-int-max=50'
    """

    bitrate: int = 2000
    speed_preset: str = "veryfast"
    key_int: int | None = None
    tune: str | None = None

    def __post_init__(self) -> None:
        if isinstance(self.bitrate, bool) or not isinstance(self.bitrate, int) or self.bitrate <= 0:
            raise ValueError(f"bitrate must be a positive int (kbit/s), got {self.bitrate!r}")
        if self.speed_preset not in _PRESETS:
            raise ValueError(f"speed_preset must be one of {_PRESETS}, got {self.speed_preset!r}")
        if self.key_int is not None and (
            isinstance(self.key_int, bool) or not isinstance(self.key_int, int) or self.key_int <= 0
        ):
            raise ValueError(f"key_int must be a positive int or None, got {self.key_int!r}")
        if self.tune is not None and self.tune not in _TUNES:
            raise ValueError(f"tune must be one of {_TUNES} or None, got {self.tune!r}")

    def element(self, fps: float) -> str:
        """The ``x264enc ...`` pipeline element for a stream of ``fps`` frames per second."""
        key_int = self.key_int if self.key_int is not None else max(1, round(2 * fps))
        text = (
            f"x264enc bitrate={self.bitrate} speed-preset={self.speed_preset} key-int-max={key_int}"
        )
        if self.tune is not None:
            text += f" tune={self.tune}"
        return text
