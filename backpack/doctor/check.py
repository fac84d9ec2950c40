"""The doctor's value types: one :class:`Check` result per finding, and the :class:`Report`."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Any


class Status(enum.Enum):
    """How a check ended: only ``FAILED`` makes the doctor's exit status non-zero."""

    OK = "ok"
    WARNING = "warning"
    FAILED = "failed"


@dataclass(frozen=True)
class Check:
    """The result of one check: its name, status, what was found and, on failure, the fix.

    Example:
        >>> Check.failed("cv2", "cv2 is not importable", fix="apt-get install python3-opencv")
        Check(name='cv2', status=<Status.FAILED: 'failed'>, finding='cv2 is not importable', \
fix='apt-get install python3-opencv')
    """

    name: str
    status: Status
    finding: str
    fix: str = ""

    @classmethod
    def ok(cls, name: str, finding: str) -> Check:
        """A passed check."""
        return cls(name, Status.OK, finding)

    @classmethod
    def warning(cls, name: str, finding: str, fix: str = "") -> Check:
        """Something to look at that does not stop a deployment."""
        return cls(name, Status.WARNING, finding, fix)

    @classmethod
    def failed(cls, name: str, finding: str, fix: str) -> Check:
        """A failure, with the way to fix it."""
        return cls(name, Status.FAILED, finding, fix)

    def as_dict(self) -> dict[str, str]:
        """JSON-ready form: ``{"name", "status", "finding", "fix"}``."""
        return {
            "name": self.name,
            "status": self.status.value,
            "finding": self.finding,
            "fix": self.fix,
        }


@dataclass(frozen=True)
class Report:
    """The checks in the order they ran."""

    checks: tuple[Check, ...]

    @property
    def failed(self) -> tuple[Check, ...]:
        """The failed checks."""
        return tuple(check for check in self.checks if check.status is Status.FAILED)

    @property
    def exit_status(self) -> int:
        """0 when nothing failed, else 1."""
        return 1 if self.failed else 0

    def by_name(self, name: str) -> Check:
        """The check called ``name``.

        Raises:
            KeyError: no check has that name.
        """
        for check in self.checks:
            if check.name == name:
                return check
        raise KeyError(f"no check named {name!r}")

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form: ``{"ok": bool, "checks": [...]}``."""
        return {"ok": not self.failed, "checks": [check.as_dict() for check in self.checks]}
