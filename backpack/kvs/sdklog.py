"""The KVS producer SDK's own log, routed from kvssink into Python logging.

:class:`KVSSinkLog` points kvssink's log4cplus at a private file (INFO and above) and reads
back what was appended; :class:`KVSSinkIncidents` logs the first warning or error of an
incident once, as an ERROR naming the most telling reason, the rest at DEBUG until the SDK has
been quiet for ``quiet`` seconds (logged as the recovery). log4cplus is configured per process:
with several kvssink elements, the one that started last decides where the SDK logs. Why:
``docs/design.md`` (backpack.kvs).
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import tempfile
import time
import weakref
from collections.abc import Callable
from dataclasses import dataclass

_LEVEL = re.compile(r"^(TRACE|DEBUG|INFO|WARN|ERROR|FATAL) +(.*)$")
_PROBLEMS = ("WARN", "ERROR", "FATAL")
# Warnings kvssink gives in normal operation (stream start, end of stream).
_ROUTINE = re.compile(r"Failed to un-pause curl|GStreamer buffer is invalid|Logger config")
# Reasons by how much they tell a user, best first.
_TELLING = (
    re.compile(r"HTTP Error [1-9]\d* : Response: \{(.*)"),
    re.compile(r"HTTP Error [1-9]\d* : Response: (.*)"),
    re.compile(r"curl perform failed for url (.*)"),
    re.compile(r"(?i)(credential|expired|token).*"),
    re.compile(r"Status: (0x[0-9a-fA-F]+).*"),
)


_MAX_LOG_BYTES = 1024 * 1024  # the SDK logs ~100 KB/s while an endpoint is down: roll over
_SETTLE = 0.9  # s to collect an incident's messages before naming its reason


@dataclass(frozen=True)
class SDKMessage:
    """One SDK log message: its log4cplus level and first line."""

    level: str
    text: str

    @property
    def is_problem(self) -> bool:
        """Whether it is a warning or an error (not one kvssink gives in normal operation)."""
        return self.level in _PROBLEMS and _ROUTINE.search(self.text) is None


class KVSSinkLog:
    """A private log4cplus configuration and log file for kvssink, read incrementally.

    Example:
        >>> log = KVSSinkLog()
        >>> log.config_path.endswith("log4cplus.properties")
        True
        >>> log.read()
        []
        >>> log.close()
    """

    def __init__(self) -> None:
        self._directory = tempfile.mkdtemp(prefix="backpack-kvssink-log-")
        self._finalizer = weakref.finalize(self, shutil.rmtree, self._directory, True)
        self.config_path = os.path.join(self._directory, "log4cplus.properties")
        self.log_path = os.path.join(self._directory, "kvssink.log")
        with open(self.config_path, "w", encoding="ascii") as stream:
            stream.write(
                "log4cplus.rootLogger=INFO, BackpackKvs\n"
                "log4cplus.appender.BackpackKvs=log4cplus::RollingFileAppender\n"
                f"log4cplus.appender.BackpackKvs.File={self.log_path}\n"
                "log4cplus.appender.BackpackKvs.Append=true\n"
                f"log4cplus.appender.BackpackKvs.MaxFileSize={_MAX_LOG_BYTES}\n"
                "log4cplus.appender.BackpackKvs.MaxBackupIndex=1\n"
                "log4cplus.appender.BackpackKvs.ImmediateFlush=true\n"
                "log4cplus.appender.BackpackKvs.layout=log4cplus::PatternLayout\n"
                "log4cplus.appender.BackpackKvs.layout.ConversionPattern=%-5p %m%n\n"
            )
        self._offset = 0
        self._partial = b""

    def read(self) -> list[SDKMessage]:
        """Messages appended since the last call (continuation lines are dropped)."""
        try:
            with open(self.log_path, "rb") as stream:
                size = os.fstat(stream.fileno()).st_size
                if size < self._offset:  # the file was replaced: start over
                    self._offset, self._partial = 0, b""
                stream.seek(self._offset)
                data = stream.read()
        except FileNotFoundError:
            return []
        self._offset += len(data)
        data = self._partial + data
        lines = data.split(b"\n")
        self._partial = lines.pop()
        messages = []
        for raw in lines:
            match = _LEVEL.match(raw.decode("utf-8", "replace").rstrip())
            if match is not None:
                messages.append(SDKMessage(match.group(1), match.group(2)))
        return messages

    def close(self) -> None:
        """Remove the configuration and log file."""
        self._finalizer()


_HTTP_STATUS = re.compile(r"HTTP Error (\d+) ")
_MEANINGS = {
    "0": "no response: the endpoint is unreachable",
    "400": "the service rejected the request",
    "403": "the service refused the credentials (invalid, expired, or not allowed)",
    "404": "the stream does not exist",
}


def reason(messages: list[SDKMessage]) -> str:
    """The most telling problem among ``messages`` (``""`` when there is none).

    Example:
        >>> reason([SDKMessage("WARN", "curlCompleteSync(): [cam] HTTP Error 403 : Response: x")])
        'curlCompleteSync(): [cam] HTTP Error 403 : Response: x (HTTP 403: the service refused the credentials (invalid, expired, or not allowed))'
    """  # noqa: E501
    problems = [message.text for message in messages if message.is_problem]
    for pattern in _TELLING:
        for text in problems:
            if pattern.search(text):
                return _explained(text)
    return _explained(problems[0]) if problems else ""


def _rank(messages: list[SDKMessage]) -> int:
    """How telling the best of ``messages`` is: the index of its pattern (lower is better)."""
    problems = [message.text for message in messages if message.is_problem]
    for index, pattern in enumerate(_TELLING):
        if any(pattern.search(text) for text in problems):
            return index
    return len(_TELLING)


def _explained(text: str) -> str:
    match = _HTTP_STATUS.search(text)
    if match is None or match.group(1) not in _MEANINGS:
        return text
    return f"{text} (HTTP {match.group(1)}: {_MEANINGS[match.group(1)]})"


class KVSSinkIncidents:
    """Logs SDK problems once per incident, and the recovery.

    Args:
        logger: where records go.
        redact: applied to every SDK text before it is logged.
        quiet: seconds without a warning after which an incident is over.
        clock: monotonic time source.
    """

    def __init__(
        self,
        logger: logging.Logger,
        redact: Callable[[str], str],
        quiet: float = 3.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._logger = logger
        self._redact = redact
        self._quiet = quiet
        self._clock = clock
        self._since: float | None = None
        self._last = 0.0
        self._count = 0
        self._reported = False
        self._reported_rank = len(_TELLING)
        self._seen: list[SDKMessage] = []

    @property
    def active(self) -> bool:
        """Whether an incident is going on."""
        return self._since is not None

    def finish(self) -> None:
        """Report an incident still waiting for its reason (the pipeline is closing)."""
        if self._since is not None and not self._reported and self._seen:
            self._reported = True
            self._logger.error(
                "Kinesis Video Streams producer (kvssink) reports a problem: %s",
                self._redact(reason(self._seen)),
            )
            self._seen = []

    def handle(self, messages: list[SDKMessage]) -> None:
        """Log ``messages`` (the SDK's, in order) and update the incident state.

        The incident is reported on the first call at least ``_SETTLE`` s after its first
        problem, with the most telling reason seen until then.
        """
        now = self._clock()
        for message in messages:
            self._logger.debug("kvssink %s %s", message.level, self._redact(message.text))
        problems = [message for message in messages if message.is_problem]
        if problems:
            self._count += len(problems)
            self._last = now
            if self._since is None:
                self._since = now
            if not self._reported:
                self._seen.extend(problems[:50])
        if self._since is not None and not self._reported and now - self._since >= _SETTLE:
            # The first lines of an incident are often the least telling: wait for more.
            self._reported = True
            self._reported_rank = _rank(self._seen)
            self._logger.error(
                "Kinesis Video Streams producer (kvssink) reports a problem: %s",
                self._redact(reason(self._seen)),
            )
            self._seen = []
        elif self._reported and problems and _rank(problems) < self._reported_rank:
            # A more telling reason arrived later in the same incident (e.g. the service's
            # HTTP answer after a broken connection): say it, once per better reason.
            self._reported_rank = _rank(problems)
            self._logger.error(
                "Kinesis Video Streams producer (kvssink) problem, more precisely: %s",
                self._redact(reason(problems)),
            )
        elif not problems and self._since is not None and now - self._last >= self._quiet:
            self._logger.info(
                "Kinesis Video Streams producer (kvssink) quiet again after %.1f s "
                "(%d warnings/errors)",
                self._last - self._since,
                self._count,
            )
            self._since = None
            self._count = 0
            self._reported = False
            self._reported_rank = len(_TELLING)
