"""``backpack doctor``: what a deployment needs, checked one line each, with fixes.

Example::

    from backpack.doctor import Doctor, render_text
    report = Doctor(camera="rtsp://127.0.0.1:8554/cam").run()
    print(render_text(report))
    raise SystemExit(report.exit_status)
"""

from __future__ import annotations

from backpack.doctor.check import Check, Report, Status
from backpack.doctor.checkup import Doctor
from backpack.doctor.render import render_json, render_text

__all__ = ["Check", "Doctor", "Report", "Status", "render_json", "render_text"]
