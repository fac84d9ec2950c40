"""CWTachometer: frame-time statistics to AWS CloudWatch Metrics, off the frame loop.

A :class:`~backpack.timepiece.Tachometer` whose report is one ``PutMetricData`` call per
interval (statistic set: SampleCount, Sum, Minimum, Maximum; unit Seconds). The call never
runs on the thread that calls :meth:`CWTachometer.tick`: reports go to a bounded backlog that
one sender drains, with at most one request in flight. When CloudWatch is down or throttling,
``tick()`` still returns at once; reports beyond the backlog, or that fail after botocore's
retries, are dropped, counted in :attr:`CWTachometer.dropped_stats` and logged.

Shutdown is bounded: :meth:`CWTachometer.close` waits at most its ``timeout``
(:data:`CLOSE_TIMEOUT` by default), then drops and counts what is still queued. The private
sender is a daemon thread, so a request still in flight (an endpoint that accepts and never
answers) does not hold the process at exit either.

Needs ``cloudwatch:PutMetricData``.
"""

from __future__ import annotations

import datetime
import logging
import queue
import threading
import time
from collections import deque
from collections.abc import Callable, Mapping
from concurrent.futures import Executor
from dataclasses import dataclass
from types import TracebackType
from typing import TYPE_CHECKING

import boto3
from botocore.config import Config

from backpack._checks import check_executor, check_non_empty_str, check_positive_int
from backpack.timepiece import Tachometer

if TYPE_CHECKING:
    from mypy_boto3_cloudwatch import CloudWatchClient
    from mypy_boto3_cloudwatch.type_defs import DimensionTypeDef

__all__ = ["CLOSE_TIMEOUT", "DEFAULT_BOTOCORE_CONFIG", "CWTachometer", "FrameStats"]

_logger = logging.getLogger(__name__)

CLOSE_TIMEOUT = 5.0
"""Seconds :meth:`CWTachometer.close` (and leaving its ``with`` block) waits for the backlog."""

DEFAULT_BOTOCORE_CONFIG = Config(
    connect_timeout=5,
    read_timeout=10,
    retries={"total_max_attempts": 3, "mode": "standard"},
)
"""Bounded timeouts and botocore's standard retries (with its retry quota), so a dead or
throttling endpoint holds the sender for a bounded time per report."""

_MAX_DIMENSIONS = 30  # CloudWatch limit per metric


@dataclass(frozen=True)
class FrameStats:
    """One interval's statistics, as handed to CloudWatch."""

    timestamp: datetime.datetime
    minimum: float
    maximum: float
    total: float
    count: int


class CWTachometer(Tachometer):
    """Reports frame processing time statistics to CloudWatch every ``stats_interval``.

    Args:
        namespace: CloudWatch namespace, e.g. ``"MyPanoramaMetrics"``.
        metric_name: Metric name, e.g. ``"frame_processing_time"``.
        dimensions: Metric dimensions as ``{name: value}`` (at most 30).
        stats_interval: Time between reports; must be positive.
        executor: Where the sender runs; ``None`` (default) uses a private daemon thread, which
            never delays the process's exit. Either way at most one request is in flight.
        region: AWS region of the CloudWatch client (default: the session's).
        boto3_session: Session to create the client from (default: a new one).
        max_backlog: Reports waiting behind the in-flight request; older ones beyond it are
            dropped (and counted).
        botocore_config: Merged over :data:`DEFAULT_BOTOCORE_CONFIG`.
        clock: Monotonic time source in seconds; injectable for tests.

    Raises:
        TypeError, ValueError: An argument has the wrong type or value.

    Example:
        >>> tacho = CWTachometer(namespace="MyPanoramaMetrics",
        ...                      metric_name="frame_processing_time",
        ...                      dimensions={"device_id": "device-0123"})  # doctest: +SKIP
        >>> while True:
        ...     tacho.tick()  # once per frame  # doctest: +SKIP
    """

    def __init__(
        self,
        namespace: str,
        metric_name: str,
        dimensions: Mapping[str, str] | None = None,
        stats_interval: datetime.timedelta = datetime.timedelta(seconds=60),
        executor: Executor | None = None,
        region: str | None = None,
        boto3_session: boto3.Session | None = None,
        *,
        max_backlog: int = 10,
        botocore_config: Config | None = None,
        clock: Callable[[], float] = time.perf_counter,
    ) -> None:
        check_non_empty_str("namespace", namespace)
        check_non_empty_str("metric_name", metric_name)
        check_positive_int("max_backlog", max_backlog)
        check_executor(executor)
        super().__init__(self._enqueue, stats_interval, None, clock)
        self._namespace = namespace
        self._metric_name = metric_name
        self._dimensions = _dimension_list(dimensions)
        config = DEFAULT_BOTOCORE_CONFIG
        if botocore_config is not None:
            config = config.merge(botocore_config)
        session = boto3_session if boto3_session is not None else boto3.Session(region_name=region)
        self._client: CloudWatchClient = session.client(
            "cloudwatch", region_name=region, config=config
        )

        self._lock = threading.Lock()
        self._idle = threading.Condition(self._lock)
        self._backlog: deque[FrameStats] = deque()
        self._max_backlog = max_backlog
        self._sending = False
        self._closed = False
        self._dropped = 0
        self._sent = 0
        self._owns_sender = executor is None
        self._sender: Executor | _DaemonWorker = (
            executor if executor is not None else _DaemonWorker(type(self).__name__)
        )

    @property
    def namespace(self) -> str:
        """CloudWatch namespace."""
        return self._namespace

    @property
    def metric_name(self) -> str:
        """CloudWatch metric name."""
        return self._metric_name

    @property
    def dimensions(self) -> dict[str, str]:
        """Metric dimensions as ``{name: value}`` (a copy)."""
        return {d["Name"]: d["Value"] for d in self._dimensions}

    @property
    def dropped_stats(self) -> int:
        """Reports that never reached CloudWatch (backlog full, request failed, or closed)."""
        return self._dropped

    @property
    def sent_stats(self) -> int:
        """Reports CloudWatch accepted."""
        return self._sent

    def flush(self, timeout: float | None = None) -> bool:
        """Wait until every queued report has been sent or dropped.

        Args:
            timeout: Seconds to wait at most; ``None`` waits as long as it takes (bounded by
                the botocore timeouts and retries per report).

        Returns:
            Whether the backlog is empty and nothing is in flight.
        """
        with self._idle:
            return self._idle.wait_for(lambda: not self._sending, timeout)

    def close(self, timeout: float | None = CLOSE_TIMEOUT) -> bool:
        """Stop accepting reports, send the backlog for at most ``timeout``, stop the sender.

        Reports still queued after ``timeout`` are dropped, counted and logged; a request
        still in flight is left to finish (or fail) on the sender and is counted then. The
        private sender thread is a daemon: it never holds the process at exit. Further
        reports (ticks keep working) are dropped and counted. Idempotent.

        Args:
            timeout: Seconds to wait for the backlog at most (``None``: as long as it takes,
                bounded by the botocore timeouts and retries per report).

        Returns:
            Whether everything queued was sent or dropped (by failing) within ``timeout``.
        """
        with self._lock:
            self._closed = True
        flushed = self.flush(timeout)
        if not flushed:
            with self._lock:
                lost = len(self._backlog)
                self._backlog.clear()
                self._dropped += lost
            if lost:
                self._logger.warning(
                    "Closed after %s s with a request still in flight: dropped %d queued "
                    "frame statistics",
                    timeout,
                    lost,
                )
        if self._owns_sender:
            self._sender.shutdown(wait=False)
        return flushed

    def __enter__(self) -> CWTachometer:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    # Runs on the frame thread (from tick()): O(1), never waits for the network.
    def _enqueue(
        self,
        timestamp: datetime.datetime,
        min_proc_time: float,
        max_proc_time: float,
        sum_proc_time: float,
        num_events: int,
    ) -> None:
        stats = FrameStats(timestamp, min_proc_time, max_proc_time, sum_proc_time, num_events)
        overflow: FrameStats | None = None
        with self._lock:
            if self._closed:
                self._dropped += 1
                closed = True
            else:
                closed = False
                if len(self._backlog) >= self._max_backlog:
                    overflow = self._backlog.popleft()
                    self._dropped += 1
                self._backlog.append(stats)
                start = not self._sending
                self._sending = True
        if closed:
            self._logger.warning("Closed: dropped frame statistics of %s", timestamp)
            return
        if overflow is not None:
            self._logger.warning(
                "CloudWatch backlog full (%d): dropped frame statistics of %s",
                self._max_backlog,
                overflow.timestamp,
            )
        if start:
            try:
                self._sender.submit(self._drain)
            except RuntimeError:  # the executor was shut down
                with self._idle:
                    lost = len(self._backlog)
                    self._backlog.clear()
                    self._dropped += lost
                    self._sending = False
                    self._idle.notify_all()
                self._logger.exception("Could not start the CloudWatch sender: dropped %d", lost)

    # Runs on the sender: one request at a time until the backlog is empty.
    def _drain(self) -> None:
        while True:
            with self._idle:
                if not self._backlog:
                    self._sending = False
                    self._idle.notify_all()
                    return
                stats = self._backlog.popleft()
            try:
                self._put(stats)
            except Exception as exc:
                with self._lock:
                    self._dropped += 1
                self._logger.warning(
                    "PutMetricData failed, dropped frame statistics of %s: %s",
                    stats.timestamp,
                    exc,
                )
            else:
                with self._lock:
                    self._sent += 1

    def _put(self, stats: FrameStats) -> None:
        self._client.put_metric_data(
            Namespace=self._namespace,
            MetricData=[
                {
                    "MetricName": self._metric_name,
                    "Dimensions": self._dimensions,
                    "Timestamp": stats.timestamp,
                    "StatisticValues": {
                        "SampleCount": float(stats.count),
                        "Sum": stats.total,
                        "Minimum": stats.minimum,
                        "Maximum": stats.maximum,
                    },
                    "Unit": "Seconds",
                }
            ],
        )


def _dimension_list(dimensions: Mapping[str, str] | None) -> list[DimensionTypeDef]:
    if dimensions is None:
        return []
    if not isinstance(dimensions, Mapping):
        raise TypeError(f"dimensions must be a mapping, got {type(dimensions).__name__}")
    if len(dimensions) > _MAX_DIMENSIONS:
        raise ValueError(f"at most {_MAX_DIMENSIONS} dimensions, got {len(dimensions)}")
    result: list[DimensionTypeDef] = []
    for name, value in dimensions.items():
        if not isinstance(name, str) or not isinstance(value, str):
            raise TypeError(f"dimension names and values must be str, got {name!r}: {value!r}")
        if not name or not value:
            raise ValueError(f"dimension names and values must not be empty: {name!r}: {value!r}")
        result.append({"Name": name, "Value": value})
    return result


class _DaemonWorker:
    """Runs submitted callables one at a time on a daemon thread (started at once)."""

    def __init__(self, name: str) -> None:
        self._jobs: queue.SimpleQueue[Callable[[], None] | None] = queue.SimpleQueue()
        self._shut = False
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._thread.start()

    def submit(self, job: Callable[[], None]) -> None:
        if self._shut:
            raise RuntimeError("cannot submit after shutdown")
        self._jobs.put(job)

    def shutdown(self, wait: bool = True) -> None:
        if not self._shut:
            self._shut = True
            self._jobs.put(None)
        if wait:
            self._thread.join()

    def _run(self) -> None:
        while True:
            job = self._jobs.get()
            if job is None:
                return
            try:
                job()
            except Exception:  # never let the sender die
                _logger.exception("Unexpected error in the CloudWatch sender")
