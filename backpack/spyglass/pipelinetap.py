"""A handle on the GStreamer pipeline that ``cv2.VideoWriter`` builds from a description.

A pad-less element (``spyglasstap``) appended to the description hands its parent pipeline to
Python when the description is parsed; a :class:`PipelineTap` then reports every ERROR posted
on the pipeline bus, can force the pipeline to NULL and can post an EOS. Without PyGObject's
GStreamer bindings (``gi``, ``Gst``) it warns once and does nothing. Why the bus, and the
alternatives: ``docs/design.md`` (backpack.spyglass).
"""

from __future__ import annotations

import itertools
import logging
import threading
from collections.abc import Callable
from typing import Any

_ELEMENT_NAME = "spyglasstap"

_lock = threading.Lock()
_registered: bool | None = None
_taps: dict[str, PipelineTap] = {}
_names = itertools.count()
_Gst: Any = None
_GLib: Any = None

_logger = logging.getLogger(__name__)


def _register() -> bool:
    """Import gi, init GStreamer and register the ``spyglasstap`` element (once)."""
    global _registered, _Gst, _GLib
    with _lock:
        if _registered is not None:
            return _registered
        try:
            import gi

            gi.require_version("Gst", "1.0")
            from gi.repository import GLib, GObject, Gst
        except (ImportError, ValueError) as exc:
            _logger.warning(
                "PyGObject GStreamer bindings unavailable (%s): pipeline errors cannot be "
                "detected and blocked sinks cannot be interrupted",
                exc,
            )
            _registered = False
            return False
        Gst.init(None)

        class SpyGlassTap(Gst.Element):  # type: ignore[misc]
            """Pad-less element that hands its parent pipeline to its PipelineTap."""

            __gstmetadata__ = (
                "SpyGlass pipeline tap",
                "Generic",
                "Exposes its pipeline to backpack.spyglass",
                "backpack",
            )

            def do_set_bus(self, bus: Any) -> None:
                # Called by gst_bin_add() while the bin is locked: read the parent and its bus
                # through the struct fields (the locking getters would deadlock).
                parent = self.parent
                tap = _taps.get(self.get_name())
                if tap is not None and parent is not None:
                    tap._attach(parent, parent.bus)
                Gst.Element.do_set_bus(self, bus)

        GObject.type_register(SpyGlassTap)
        _registered = bool(Gst.Element.register(None, _ELEMENT_NAME, Gst.Rank.NONE, SpyGlassTap))
        _Gst, _GLib = Gst, GLib
        return _registered


class PipelineTap:
    """Watches one cv2 writer pipeline: errors on its bus, and a way to force it to stop.

    Usage: append :attr:`description` to the pipeline description, open the
    ``cv2.VideoWriter`` inside ``with tap.opening():``, and call :meth:`close` after releasing
    the writer.

    Args:
        on_error: called with ``"<element>: <message> (<debug>)"`` for each ERROR message,
            from the GStreamer thread that posted it. Must be quick and thread-safe.
    """

    def __init__(self, on_error: Callable[[str], None]) -> None:
        self._on_error = on_error
        self._enabled = _register()
        self._name = f"{_ELEMENT_NAME}{next(_names)}"
        self._pipeline: Any = None
        self._bus: Any = None
        self._handler: int | None = None
        if self._enabled:
            with _lock:
                _taps[self._name] = self

    @property
    def description(self) -> str:
        """Pipeline description fragment to append (empty when taps are unavailable)."""
        return f" {_ELEMENT_NAME} name={self._name}" if self._enabled else ""

    def opening(self) -> _Opening:
        """Context manager to wrap the ``cv2.VideoWriter`` construction in."""
        return _Opening(self)

    def force_stop(self) -> None:
        """Set the pipeline to NULL: a push blocked on a stuck sink returns (flushing).

        May block while a sink is stuck in an uninterruptible system call.
        """
        pipeline = self._pipeline
        if pipeline is not None:
            pipeline.set_state(_Gst.State.NULL)

    def post_eos(self) -> None:
        """Post an EOS message on the bus (un-flushing it first).

        ``VideoWriter.release`` waits on the bus for EOS or ERROR without a timeout; when the
        EOS cannot get through (stuck sink, or a pipeline already set to NULL, whose bus is
        flushing), posting one lets it return.
        """
        bus, pipeline = self._bus, self._pipeline
        if bus is not None and pipeline is not None:
            bus.set_flushing(False)
            bus.post(_Gst.Message.new_eos(pipeline))

    def close(self) -> None:
        """Stop watching and drop the pipeline reference (call after releasing the writer)."""
        with _lock:
            _taps.pop(self._name, None)
            bus, handler = self._bus, self._handler
            self._bus = self._handler = self._pipeline = None
        if bus is not None and handler is not None:
            _unwatch(bus, handler)

    def _follow_bus(self) -> None:
        """Move the handler to the pipeline's current bus, if it has a new one.

        GStreamer 1.26 gives a parsed pipeline a new bus after its elements were added, so the
        bus seen from ``do_set_bus`` no longer carries its messages once the writer is open.
        """
        with _lock:
            pipeline, old, handler = self._pipeline, self._bus, self._handler
        if pipeline is None:
            return
        bus = pipeline.get_bus()
        if bus is None or bus == old:
            return
        with _lock:
            if self._pipeline is not pipeline:
                return  # closed meanwhile
            self._handler = _watch(bus, self._on_bus_error)
            self._bus = bus
        if old is not None and handler is not None:
            _unwatch(old, handler)

    def _attach(self, pipeline: Any, bus: Any) -> None:
        with _lock:
            if self._pipeline is not None or bus is None or self._name not in _taps:
                return
            self._handler = _watch(bus, self._on_bus_error)
            self._pipeline, self._bus = pipeline, bus

    def _on_bus_error(self, _bus: Any, message: Any) -> None:
        error, debug = message.parse_error()
        source = message.src.get_name() if message.src is not None else "pipeline"
        text = f"{source}: {error.message}"
        if debug:
            text += f" ({debug})"
        self._on_error(text)


def _watch(bus: Any, on_error: Callable[[Any, Any], None]) -> int:
    """Call ``on_error`` synchronously for each ERROR posted on ``bus``; returns the handler."""
    bus.enable_sync_message_emission()
    return int(bus.connect("sync-message::error", on_error))


def _unwatch(bus: Any, handler: int) -> None:
    bus.disconnect(handler)
    bus.disable_sync_message_emission()


class _Opening:
    """Around the writer's construction: quiet one spurious warning, then follow the bus.

    gst_element_factory_create() complains "The created element should be floating" for
    elements implemented in Python (PyGObject sinks the floating reference). Only that message
    is dropped, only while the writer is being opened; everything else is passed on.
    """

    def __init__(self, tap: PipelineTap) -> None:
        self._tap = tap
        self._handler_id: int | None = None

    def __enter__(self) -> None:
        if self._tap._enabled:
            self._handler_id = _GLib.log_set_handler(
                "GStreamer", _GLib.LogLevelFlags.LEVEL_CRITICAL, self._filter, None
            )

    def __exit__(self, *exc: object) -> None:
        if self._handler_id is not None:
            _GLib.log_remove_handler("GStreamer", self._handler_id)
            self._handler_id = None
        if self._tap._enabled:
            self._tap._follow_bus()

    @staticmethod
    def _filter(domain: str, level: Any, message: str, *_user_data: object) -> None:
        if "should be floating" not in message:
            _GLib.log_default_handler(domain, level, message, None)
