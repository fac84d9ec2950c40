"""Value types of one benchmark figure: its target and its outcome."""

from __future__ import annotations

import enum
import math
from dataclasses import dataclass, field
from typing import Any


class Status(enum.Enum):
    """How a figure compares with its target."""

    PASS = "pass"
    MISS = "miss"
    INFO = "info"
    """Reported for information; no target."""
    RECORDED = "recorded"
    """Read from an earlier run's records, not re-measured."""
    SKIPPED = "skipped"
    ERROR = "error"


@dataclass(frozen=True)
class Target:
    """``ratio <op> bound``, with ``op`` one of ``<=``, ``<``, ``>=``, ``>``.

    Example:
        >>> Target("<=", 2.0).met(1.4)
        True
    """

    op: str
    bound: float

    def __post_init__(self) -> None:
        if self.op not in ("<=", "<", ">=", ">"):
            raise ValueError(f"Target.op must be one of <=, <, >=, >; got {self.op!r}")

    def met(self, ratio: float) -> bool:
        """Whether ``ratio`` satisfies the target (NaN never does)."""
        if math.isnan(ratio):
            return False
        if self.op == "<=":
            return ratio <= self.bound
        if self.op == "<":
            return ratio < self.bound
        if self.op == ">=":
            return ratio >= self.bound
        return ratio > self.bound

    def __str__(self) -> str:
        return f"{self.op} {self.bound:g}"


@dataclass(frozen=True)
class Result:
    """One row of the results table.

    ``ours`` and ``baseline`` are in ``unit``; ``ratio`` is what ``target`` is checked against
    (usually ours / baseline, see ``bench/README.md``).
    """

    group: str
    name: str
    unit: str
    ours: float | None = None
    baseline: float | None = None
    ratio: float | None = None
    target: Target | None = None
    status: Status = Status.INFO
    note: str = ""
    details: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def judged(
        cls,
        group: str,
        name: str,
        unit: str,
        *,
        ours: float,
        baseline: float,
        ratio: float,
        target: Target,
        note: str = "",
        details: dict[str, Any] | None = None,
    ) -> Result:
        """A row whose status is ``PASS`` or ``MISS`` by ``target.met(ratio)``."""
        status = Status.PASS if target.met(ratio) else Status.MISS
        return cls(
            group,
            name,
            unit,
            ours=ours,
            baseline=baseline,
            ratio=ratio,
            target=target,
            status=status,
            note=note,
            details=dict(details or {}),
        )

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict of this row."""
        return {
            "group": self.group,
            "name": self.name,
            "unit": self.unit,
            "ours": self.ours,
            "baseline": self.baseline,
            "ratio": self.ratio,
            "target": None if self.target is None else str(self.target),
            "status": self.status.value,
            "note": self.note,
            "details": self.details,
        }
