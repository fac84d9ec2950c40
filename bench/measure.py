"""Interleaved, repeated measurement of "ours" against a baseline in the same run."""

from __future__ import annotations

import statistics
import timeit
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

Sample = Callable[[], float]
"""Runs one measurement and returns its figure (e.g. seconds per operation)."""


@dataclass(frozen=True)
class Comparison:
    """Paired samples of ours and the baseline, taken back to back in alternating order.

    ``ratio`` is the median of the per-round ratios ours / baseline: each round's two samples
    were taken seconds apart, so slow drift of the machine cancels out within a round.
    """

    ours_samples: tuple[float, ...]
    baseline_samples: tuple[float, ...]

    @property
    def ours(self) -> float:
        """Median of our samples."""
        return statistics.median(self.ours_samples)

    @property
    def baseline(self) -> float:
        """Median of the baseline samples."""
        return statistics.median(self.baseline_samples)

    @property
    def ratio(self) -> float:
        """Median of the per-round ratios ours / baseline."""
        return statistics.median(
            o / b if b > 0 else float("inf")
            for o, b in zip(self.ours_samples, self.baseline_samples)
        )

    def details(self, scale: float = 1.0) -> dict[str, Any]:
        """The raw samples (multiplied by ``scale``) for the JSON record."""
        return {
            "rounds": len(self.ours_samples),
            "ours_samples": [round(s * scale, 6) for s in self.ours_samples],
            "baseline_samples": [round(s * scale, 6) for s in self.baseline_samples],
        }


def interleaved(ours: Sample, baseline: Sample, rounds: int, warmup: bool = True) -> Comparison:
    """Take ``rounds`` samples of each, alternating which goes first in each round.

    Args:
        ours: one sample of the code under test.
        baseline: one sample of the baseline.
        rounds: how many samples of each to take (at least 1).
        warmup: run one unrecorded sample of each first (caches, lazy imports, JIT-like
            specialisation of CPython 3.11's adaptive interpreter).
    """
    if rounds < 1:
        raise ValueError(f"rounds must be >= 1, got {rounds}")
    if warmup:
        ours()
        baseline()
    ours_samples: list[float] = []
    baseline_samples: list[float] = []
    for index in range(rounds):
        if index % 2 == 0:
            ours_samples.append(ours())
            baseline_samples.append(baseline())
        else:
            baseline_samples.append(baseline())
            ours_samples.append(ours())
    return Comparison(tuple(ours_samples), tuple(baseline_samples))


def per_call(
    stmt: str, setup: str = "pass", number: int = 100_000, env: Mapping[str, Any] | None = None
) -> Sample:
    """A :data:`Sample` of seconds per execution of ``stmt`` in a timeit loop of ``number``.

    ``stmt`` is compiled into timeit's loop (no extra function call around it); garbage
    collection is off while timing, as timeit does.
    """
    timer = timeit.Timer(stmt, setup, globals=dict(env or {}))

    def sample() -> float:
        return timer.timeit(number) / number

    return sample
