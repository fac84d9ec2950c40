"""StopWatch: time code blocks repeatedly, organised in a hierarchy."""

from __future__ import annotations

import functools
import time
from collections.abc import Callable, Mapping
from types import MappingProxyType, TracebackType
from typing import Any, TypeVar, cast

from backpack.timepiece.intervals import IntervalStatistics

__all__ = ["StopWatch"]

_F = TypeVar("_F", bound=Callable[..., Any])
_INDENT = "    "


class StopWatch(IntervalStatistics):
    """Measures how long a code block takes, each time it runs.

    Use it as a context manager or as a decorator. Child watches time the stages inside their
    parent's block; the parent's interval covers them all. Blocks may nest, also on the same
    watch (each exit records its own block), and leaving a block never entered raises
    :class:`RuntimeError` instead of recording a bogus interval.

    Thread safety: the decorator is thread-safe (each call keeps its own start). The context
    manager is not: its open blocks form one stack per watch, so use a watch (or child) per
    thread. :meth:`child` and :meth:`reset` are not thread-safe either: create the children
    up front, and reset only while no other thread is timing.

    Args:
        name: Name shown in ``repr``; children are looked up by it.
        max_intervals: How many of the most recent intervals to keep (at least 1).
        clock: Monotonic time source in seconds; injectable for tests. Children inherit it.

    Example:
        >>> with StopWatch("root") as root:
        ...     with root.child("preprocess"):
        ...         pass
        >>> [child.name for child in root.children.values()]
        ['preprocess']

        As a decorator (the function's result is returned, the time recorded even when it
        raises):

        >>> watch = StopWatch("infer")
        >>> @watch
        ... def infer(x):
        ...     return x * 2
        >>> infer(21), len(watch)
        (42, 1)
    """

    __slots__ = ("_append", "_children", "_clock", "_name", "_parent", "_starts")

    def __init__(
        self,
        name: str,
        max_intervals: int = 10,
        clock: Callable[[], float] = time.perf_counter,
        *,
        parent: StopWatch | None = None,
    ) -> None:
        super().__init__(max_intervals)
        if not isinstance(name, str):
            raise TypeError(f"name must be a str, got {type(name).__name__}")
        if not callable(clock):
            raise TypeError("clock must be callable")
        self._name = name
        self._clock = clock
        self._parent = parent
        self._children: dict[str, StopWatch] = {}
        self._starts: list[float] = []  # of the open blocks, innermost last
        self._append = self._intervals.append

    @property
    def name(self) -> str:
        """The name of this watch."""
        return self._name

    @property
    def parent(self) -> StopWatch | None:
        """The watch this one was created from with :meth:`child`, if any."""
        return self._parent

    @property
    def children(self) -> Mapping[str, StopWatch]:
        """Child watches by name, in creation order (read-only view)."""
        return MappingProxyType(self._children)

    def child(self, name: str, max_intervals: int | None = None) -> StopWatch:
        """Return the child watch called ``name``, creating it on first use.

        Args:
            name: Name of the child.
            max_intervals: Intervals the child keeps when created; defaults to the parent's.
                Ignored when the child already exists.
        """
        existing = self._children.get(name)
        if existing is not None:
            return existing
        watch = StopWatch(
            name,
            self.max_intervals if max_intervals is None else max_intervals,
            self._clock,
            parent=self,
        )
        self._children[name] = watch
        return watch

    def __enter__(self) -> StopWatch:
        self._starts.append(self._clock())
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        end = self._clock()
        try:
            start = self._starts.pop()
        except IndexError:
            raise RuntimeError(f"StopWatch {self._name!r} exited without being entered") from None
        self._append(end - start)

    def __call__(self, func: _F) -> _F:
        """Decorate ``func`` so that every call is timed by this watch (recursion-safe)."""
        clock = self._clock
        append = self._append

        @functools.wraps(func)
        def timed(*args: Any, **kwargs: Any) -> Any:
            start = clock()
            try:
                return func(*args, **kwargs)
            finally:
                append(clock() - start)

        return cast(_F, timed)

    def __repr__(self) -> str:
        head = f"<StopWatch name={self._name} {self._repr_stats()}"
        if not self._children:
            return head + ">"
        children = ",\n".join(
            _INDENT + repr(child).replace("\n", "\n" + _INDENT) for child in self._children.values()
        )
        return f"{head} children=[\n{children}\n]>"
