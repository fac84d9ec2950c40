"""Renders a doctor :class:`~backpack.doctor.check.Report` for people (text) or machines (JSON)."""

from __future__ import annotations

import json

from backpack.doctor.check import Report, Status

_MARKS = {Status.OK: "ok", Status.WARNING: "warning", Status.FAILED: "FAILED"}


def render_text(report: Report) -> str:
    """One line per check (``status  name  finding``), the fix indented below failures.

    Example:
        >>> from backpack.doctor.check import Check
        >>> print(render_text(Report((Check.ok("python", "Python 3.11.2"),))))
        ok       python          Python 3.11.2
        <BLANKLINE>
        all 1 checks passed
    """
    lines = []
    for check in report.checks:
        lines.append(f"{_MARKS[check.status]:<8} {check.name:<15} {check.finding}")
        if check.fix and check.status is not Status.OK:
            lines.append(f"{'':<8} {'':<15} fix: {check.fix}")
    failed = len(report.failed)
    warnings = sum(check.status is Status.WARNING for check in report.checks)
    lines.append("")
    if failed:
        lines.append(f"{failed} of {len(report.checks)} checks FAILED, {warnings} warning(s)")
    elif warnings:
        lines.append(f"no check failed, {warnings} warning(s)")
    else:
        lines.append(f"all {len(report.checks)} checks passed")
    return "\n".join(lines)


def render_json(report: Report) -> str:
    """The report as an indented JSON document (see :meth:`Report.as_dict`)."""
    return json.dumps(report.as_dict(), indent=2)
