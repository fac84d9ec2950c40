"""Wall-clock helpers shared by the timepiece classes."""

from __future__ import annotations

import datetime

__all__ = ["local_now"]


def local_now() -> datetime.datetime:
    """Return the current time as a timezone-aware datetime in the local time zone.

    Example:
        >>> local_now().tzinfo is not None
        True
    """
    return datetime.datetime.now(datetime.timezone.utc).astimezone()
