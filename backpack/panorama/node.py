"""``panoramasdk.node`` and its ports: the application's view of the running graph."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from backpack.panorama.runtime import Runtime

_current: Runtime | None = None


def activate(runtime: Runtime | None) -> None:
    """Make ``runtime`` the one new ``node`` instances attach to (``None`` detaches)."""
    global _current
    _current = runtime


class ParameterPort:
    """An input port fed by a graph parameter: ``get()`` returns its value."""

    def __init__(self, value: Any) -> None:
        self._value = value

    def get(self) -> Any:
        """The parameter's value (graph default or ``--param`` override)."""
        return self._value


class MediaInputPort:
    """``video_in``: ``get()`` returns the newest frame of every camera (a list of media)."""

    def __init__(self, runtime: Runtime) -> None:
        self._runtime = runtime

    def get(self) -> list[Any]:
        """Block until a camera has a new frame; one ``media`` per camera with frames."""
        return self._runtime.next_streams()


class MediaOutputPort:
    """``video_out``: ``put(streams)`` draws each media's overlays and writes it to its sink."""

    def __init__(self, runtime: Runtime) -> None:
        self._runtime = runtime

    def put(self, streams: Any) -> None:
        """Send ``streams`` (a list of ``media``) to the configured outputs."""
        self._runtime.put_streams(streams)


class Ports:
    """``node.inputs`` / ``node.outputs``: ports as attributes, clear errors for unknown ones."""

    def __init__(self, kind: str, ports: Mapping[str, Any]) -> None:
        self.__dict__["_kind"] = kind
        self.__dict__["_ports"] = dict(ports)

    def __getattr__(self, name: str) -> Any:
        ports = self.__dict__["_ports"]
        if name in ports:
            return ports[name]
        raise AttributeError(
            f"the code node has no {self.__dict__['_kind']} {name!r}; its interface declares "
            f"{sorted(ports)} (package.json)"
        )

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"node {self.__dict__['_kind']}s are read-only")


class node:  # noqa: N801 (the SDK's class name)
    """Base class of a Panorama application (``class Application(panoramasdk.node)``).

    ``inputs`` and ``outputs`` are wired when the instance is created (``__init__`` of the
    subclass need not call ``super().__init__()``), from the running ``backpack run``.
    """

    inputs: Ports
    outputs: Ports

    def __new__(cls, *args: Any, **kwargs: Any) -> node:
        runtime = _current
        if runtime is None:
            raise RuntimeError(
                "panoramasdk.node needs a runtime: start the application with `backpack run`"
            )
        instance = super().__new__(cls)
        instance.inputs = runtime.input_ports()
        instance.outputs = runtime.output_ports()
        return instance

    def call(self, input: Any, name: Any, time_out: float | None = None) -> tuple[Any, ...]:
        """Run the model node ``name`` on ``input`` (a dict of input name -> array).

        Also accepts the documented ``call(name, input)`` order. Returns the model's outputs
        as a tuple of arrays. ``time_out`` is accepted; inference runs synchronously.
        """
        if isinstance(input, str) and not isinstance(name, str):
            input, name = name, input
        runtime = _current
        if runtime is None:
            raise RuntimeError("node.call needs a runtime: start the application with backpack run")
        return runtime.call_model(name, input)
