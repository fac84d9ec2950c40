"""Keeps AWS secrets out of log records: a registry of known secrets and record redaction.

:func:`install_log_redaction` (installed by registering a secret) redacts every log record,
whatever logger or handler: the secrets registered with :func:`register_secrets` and
secret-shaped values (STS XML and JSON members, ``X-Amz-Security-Token``, kvssink's
``secret-key=``/``session-token=``). The message and the traceback text are redacted,
attributes passed through ``extra=`` are not. Why at the record level, and how:
``docs/design.md`` (backpack.kvs).

Example:
    >>> register_secrets("wJalrXUtnFEMI/K7MDENG")
    >>> redact("secret-key=wJalrXUtnFEMI/K7MDENG stream-name=cam")
    'secret-key=*** stream-name=cam'
"""

from __future__ import annotations

import logging
import re
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

MASK = "***"

_MAX_SECRETS = 64
_MIN_SECRET_LEN = 8

_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"<(SecretAccessKey|SessionToken)>[^<]*</\1>"), rf"<\1>{MASK}</\1>"),
    (
        re.compile(
            r"(?i)(\"(?:SecretAccessKey|SessionToken|Token|secret_key|session_token)"
            r"\"\s*:\s*\")[^\"]*(\")"
        ),
        rf"\1{MASK}\2",
    ),
    (
        re.compile(r"(?i)(x-amz-security-token['\"]?\s*[:=]\s*b?['\"]?)[^'\"&,\s}]+"),
        rf"\1{MASK}",
    ),
    (re.compile(r"((?:secret-key|session-token)=)(\"(?:[^\"\\]|\\.)*\"|\S+)"), rf"\1{MASK}"),
)

_lock = threading.Lock()
_install_lock = threading.Lock()
_secrets: OrderedDict[str, None] = OrderedDict()


def register_secrets(*secrets: str | None) -> None:
    """Remember ``secrets`` so :func:`redact` masks them (``None`` and short values are ignored).

    The most recent 64 secrets are kept: enough for every rotation a log could still show.
    Installs :func:`install_log_redaction` (once).
    """
    install_log_redaction()
    with _lock:
        for secret in secrets:
            if secret is None or len(secret) < _MIN_SECRET_LEN:
                continue
            _secrets[secret] = None
            _secrets.move_to_end(secret)
        while len(_secrets) > _MAX_SECRETS:
            _secrets.popitem(last=False)


def redact(text: str) -> str:
    """Return ``text`` with registered secrets and secret-shaped values replaced by ``***``."""
    with _lock:
        known = list(_secrets)
    for secret in known:
        if secret in text:
            text = text.replace(secret, MASK)
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text


def redact_record(record: logging.LogRecord) -> None:
    """Redact ``record`` in place: its message (``msg``/``args``) and its traceback text.

    A record whose message changes keeps the final text as ``msg`` and no ``args``.
    """
    try:
        message = record.getMessage()
    except Exception:  # a malformed record: let the handler report it as usual
        return
    redacted = redact(message)
    if redacted != message:
        record.msg = redacted
        record.args = None
    if record.exc_info and not record.exc_text:
        record.exc_text = logging.Formatter().formatException(record.exc_info)
    if record.exc_text:
        record.exc_text = redact(record.exc_text)


class RedactingFilter(logging.Filter):
    """A log filter that redacts each record with :func:`redact_record`; it never drops one."""

    def filter(self, record: logging.LogRecord) -> bool:
        redact_record(record)
        return True


class _RedactingFactory:
    """A log record factory that redacts what the factory it wraps creates."""

    def __init__(self, wrapped: Callable[..., logging.LogRecord]) -> None:
        self.wrapped = wrapped

    def __call__(self, *args: Any, **kwargs: Any) -> logging.LogRecord:
        record = self.wrapped(*args, **kwargs)
        redact_record(record)
        return record


_filter = RedactingFilter()


def install_log_redaction() -> None:
    """Redact every log record from now on, whatever logger or handler (idempotent).

    Wraps the current log record factory (unless it already redacts) and attaches
    :class:`RedactingFilter` to every existing handler.
    """
    with _install_lock:
        factory = logging.getLogRecordFactory()
        if not isinstance(factory, _RedactingFactory):
            logging.setLogRecordFactory(_RedactingFactory(factory))
        for handler in _existing_handlers():
            if _filter not in handler.filters:
                handler.addFilter(_filter)


def add_redaction(logger: logging.Logger) -> None:
    """Attach the redacting filter to ``logger`` and install :func:`install_log_redaction`.

    Kept for callers of earlier versions; the record factory already covers every logger.
    """
    install_log_redaction()
    if _filter not in logger.filters:
        logger.addFilter(_filter)


def _existing_handlers() -> list[logging.Handler]:
    loggers: list[Any] = [logging.getLogger()]
    for _ in range(3):  # another thread may create a logger while we copy the registry
        try:
            loggers.extend(logging.Logger.manager.loggerDict.values())
            break
        except RuntimeError:
            continue
    handlers: dict[int, logging.Handler] = {}
    for logger in loggers:
        for handler in getattr(logger, "handlers", ()):  # placeholders have none
            handlers[id(handler)] = handler
    return list(handlers.values())
