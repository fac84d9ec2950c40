"""Keeps AWS secrets out of log records: a registry of known secrets and a redacting log filter.

botocore logs raw response bodies at DEBUG (``botocore.parsers``: ``Response body: ...``), so an
STS ``AssumeRole`` answer, with its ``SecretAccessKey`` and ``SessionToken``, lands in any DEBUG
log. :func:`install_log_redaction` attaches :class:`RedactingFilter` to the botocore, boto3 and
urllib3 loggers (a logger's filters only see the records created on that very logger, so each is
attached separately) and to the ``backpack`` loggers. The filter masks

* every secret registered with :func:`register_secrets` (credential handlers register theirs), and
* secrets recognisable by shape: ``<SecretAccessKey>``/``<SessionToken>`` XML elements,
  ``"SecretAccessKey"``/``"SessionToken"``/``"Token"`` JSON members, ``X-Amz-Security-Token``
  headers or query parameters and the ``secret-key=``/``session-token=`` kvssink properties, so
  a secret is masked even the first time it appears, before anyone could register it.

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

_LOGGER_PREFIXES = ("botocore", "boto3", "urllib3", "s3transfer", "backpack")
_KNOWN_LOGGERS = (
    "botocore",
    "botocore.auth",
    "botocore.client",
    "botocore.credentials",
    "botocore.endpoint",
    "botocore.hooks",
    "botocore.httpsession",
    "botocore.parsers",
    "botocore.retryhandler",
    "botocore.utils",
    "boto3",
    "urllib3.connectionpool",
)

_lock = threading.Lock()
_secrets: OrderedDict[str, None] = OrderedDict()


def register_secrets(*secrets: str | None) -> None:
    """Remember ``secrets`` so :func:`redact` masks them (``None`` and short values are ignored).

    The most recent 64 secrets are kept: enough for every rotation a log could still show.
    """
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


class RedactingFilter(logging.Filter):
    """A log filter that rewrites a record's message (and traceback text) through :func:`redact`.

    It never drops a record. The rewritten record keeps ``msg`` as the final text and no ``args``.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a malformed record: let the handler report it as usual
            return True
        redacted = redact(message)
        if redacted != message:
            record.msg = redacted
            record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        return True


_filter = RedactingFilter()


def install_log_redaction() -> None:
    """Attach the redacting filter to botocore, boto3, urllib3 and backpack loggers (idempotent).

    Covers the well-known loggers plus every existing logger under those packages.
    """
    manager = logging.Logger.manager
    names = set(_KNOWN_LOGGERS)
    existing: list[str] = []
    for _ in range(3):  # another thread may create a logger while we copy the names
        try:
            existing = list(manager.loggerDict)
            break
        except RuntimeError:
            continue
    names.update(
        name
        for name in existing
        if name.split(".", 1)[0] in _LOGGER_PREFIXES
        and isinstance(manager.loggerDict.get(name), logging.Logger)
    )
    for name in names:
        logger = logging.getLogger(name)
        if _filter not in logger.filters:
            logger.addFilter(_filter)


def add_redaction(logger: logging.Logger) -> None:
    """Attach the redacting filter to ``logger`` (for loggers outside the covered packages)."""
    if _filter not in logger.filters:
        logger.addFilter(_filter)
