"""Run a callback now or in an executor, logging whatever it raises."""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Executor, Future
from typing import Any

__all__ = ["dispatch"]


def dispatch(
    callback: Callable[..., Any],
    args: Sequence[Any],
    kwargs: Mapping[str, Any],
    executor: Executor | None,
    logger: logging.Logger,
) -> None:
    """Call ``callback(*args, **kwargs)``, synchronously or in ``executor``; never raise.

    Exceptions from the callback (also inside the executor, through a done-callback) and a
    refused submission (executor shut down) are logged on ``logger``.
    """
    if executor is None:
        try:
            callback(*args, **kwargs)
        except Exception:
            logger.exception("Callback %r raised", callback)
        return
    try:
        future = executor.submit(callback, *args, **kwargs)
    except RuntimeError:  # executor shut down
        logger.exception("Could not submit callback %r to %r", callback, executor)
        return
    future.add_done_callback(functools.partial(_log_outcome, callback, logger))


def _log_outcome(callback: Callable[..., Any], logger: logging.Logger, future: Future[Any]) -> None:
    if future.cancelled():
        logger.warning("Callback %r was cancelled", callback)
        return
    exc = future.exception()
    if exc is not None:
        logger.error(
            "Callback %r raised in executor",
            callback,
            exc_info=(type(exc), exc, exc.__traceback__),
        )
