"""Run-wide settings of the benchmark suite."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
"""The repository root (``bench/`` lives directly under it)."""


@dataclass(frozen=True)
class Config:
    """How long and how hard to measure.

    Args:
        rounds: interleaved ours/baseline samples per comparison (median taken).
        timeit_number: loop iterations per sample of the micro-benchmarks.
        render_number: renders per sample of the annotation benchmark.
        spyglass_frames: frames per CPU-time sample of the SpyGlass benchmark.
        spyglass_rounds: interleaved samples of the SpyGlass CPU comparison.
        throughput_seconds: how long put() is called flat out for the sustained frame rate.
        throughput_rounds: interleaved samples of the sustained frame rate.
        throughput_baseline_frames: frames gst-launch encodes for the baseline frame rate.
        rss_frames: frames pushed for the RSS-flatness figure.
        rss_width: frame width of the RSS run.
        rss_height: frame height of the RSS run.
        with_image_build: re-measure the Docker image build (slow; needs the engine).
    """

    rounds: int = 7
    timeit_number: int = 100_000
    render_number: int = 40
    spyglass_frames: int = 300
    spyglass_rounds: int = 5
    throughput_seconds: float = 5.0
    throughput_rounds: int = 3
    # About as long as the 5 s flat-out run (~110 fps): start-up and drain weigh the same.
    throughput_baseline_frames: int = 550
    rss_frames: int = 10_000
    rss_width: int = 640
    rss_height: int = 360
    with_image_build: bool = False

    @classmethod
    def quick(cls, with_image_build: bool = False) -> Config:
        """A few-second dry run that exercises every code path with tiny counts."""
        return cls(
            rounds=3,
            timeit_number=10_000,
            render_number=5,
            spyglass_frames=30,
            spyglass_rounds=2,
            throughput_seconds=1.0,
            throughput_rounds=1,
            throughput_baseline_frames=30,
            rss_frames=1000,
            rss_width=320,
            rss_height=240,
            with_image_build=with_image_build,
        )
