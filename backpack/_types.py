"""Type aliases shared by backpack's packages (private: import the public names instead)."""

from __future__ import annotations

import datetime
import os
from collections.abc import Callable
from typing import Union

PathLike = Union[str, "os.PathLike[str]"]
"""A file system path: a ``str`` or an ``os.PathLike`` of ``str``."""

Clock = Callable[[], datetime.datetime]
"""A zero-argument callable returning the current time (its users say naive local or aware)."""

PropertyValue = Union[str, int, float, bool]
"""The value of a GStreamer element property in a ``gst-launch``-style description."""
