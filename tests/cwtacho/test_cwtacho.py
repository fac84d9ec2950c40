"""CWTachometer against the moto server: statistics written by PutMetricData, read back
through the CloudWatch API."""

from __future__ import annotations

import datetime
import logging
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import boto3
import pytest

from backpack.cwtacho import CWTachometer
from backpack.timepiece import Tachometer


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def _drive(tacho: Tachometer, clock: FakeClock, times: list[float]) -> None:
    for now in times:
        clock.now = now
        tacho.tick()


def _statistics(
    cloudwatch: Any, namespace: str, metric_name: str, dimensions: list[dict[str, str]]
) -> dict[str, float]:
    """Aggregate all datapoints of the metric in the last/next ten minutes."""
    now = datetime.datetime.now(datetime.timezone.utc)
    response = cloudwatch.get_metric_statistics(
        Namespace=namespace,
        MetricName=metric_name,
        Dimensions=dimensions,
        StartTime=now - datetime.timedelta(minutes=10),
        EndTime=now + datetime.timedelta(minutes=10),
        Period=60,
        Statistics=["SampleCount", "Sum", "Minimum", "Maximum"],
    )
    points = response["Datapoints"]
    assert points, "no datapoints"
    assert {p["Unit"] for p in points} == {"Seconds"}
    return {
        "SampleCount": sum(p["SampleCount"] for p in points),
        "Sum": sum(p["Sum"] for p in points),
        "Minimum": min(p["Minimum"] for p in points),
        "Maximum": max(p["Maximum"] for p in points),
    }


def _sender_threads(session: boto3.Session) -> list[int]:
    """Record the thread of every PutMetricData attempt made by clients of ``session``."""
    threads: list[int] = []
    session.events.register(
        "before-send.cloudwatch.PutMetricData",
        lambda **_kwargs: threads.append(threading.get_ident()),
    )
    return threads


@pytest.mark.timeout(60)
def test_statistics_reach_cloudwatch_and_read_back() -> None:
    clock = FakeClock()
    session = boto3.Session()
    threads = _sender_threads(session)
    dimensions = {"application_name": "sample_app", "device_id": "device-0123"}
    with CWTachometer(
        namespace="MyPanoramaMetrics",
        metric_name="frame_processing_time",
        dimensions=dimensions,
        stats_interval=datetime.timedelta(seconds=10),
        boto3_session=session,
        clock=clock,
    ) as tacho:
        # window 1: intervals 1, 2, 3, 4.5 ; window 2: intervals 1.5, 0.25, 8
        _drive(tacho, clock, [0.0, 1.0, 3.0, 6.0, 10.5])
        _drive(tacho, clock, [12.0, 12.25, 20.25])
        assert tacho.flush(timeout=30)
        assert (tacho.sent_stats, tacho.dropped_stats) == (2, 0)
        assert tacho.dimensions == dimensions
    assert len(threads) == 2 and threading.get_ident() not in threads

    cloudwatch = boto3.client("cloudwatch")
    metrics = cloudwatch.list_metrics(Namespace="MyPanoramaMetrics")["Metrics"]
    # moto lists a metric once per datapoint: compare the distinct ones
    distinct = {
        (m["MetricName"], tuple(sorted((d["Name"], d["Value"]) for d in m["Dimensions"])))
        for m in metrics
    }
    assert distinct == {("frame_processing_time", tuple(sorted(dimensions.items())))}
    expected_dims = [{"Name": k, "Value": v} for k, v in dimensions.items()]
    stats = _statistics(cloudwatch, "MyPanoramaMetrics", "frame_processing_time", expected_dims)
    assert stats == pytest.approx(
        {"SampleCount": 7.0, "Sum": 20.25, "Minimum": 0.25, "Maximum": 8.0}
    )


@pytest.mark.timeout(60)
def test_readme_usage_with_executor_and_session_region() -> None:
    clock = FakeClock()
    session = boto3.Session(region_name="eu-west-1")
    threads = _sender_threads(session)
    executor = ThreadPoolExecutor()
    tacho = CWTachometer(
        namespace="MyPanoramaMetrics",
        metric_name="frame_processing_time",
        dimensions={"application_name": "unknown"},
        executor=executor,
        boto3_session=session,
        clock=clock,
    )
    assert tacho.stats_interval == datetime.timedelta(seconds=60)
    _drive(tacho, clock, [0.0, 0.5, 60.0])
    assert tacho.close(timeout=30)
    executor.shutdown(wait=True)
    assert tacho.sent_stats == 1
    assert threads and threading.get_ident() not in threads
    eu = boto3.client("cloudwatch", region_name="eu-west-1")
    stats = _statistics(
        eu,
        "MyPanoramaMetrics",
        "frame_processing_time",
        [{"Name": "application_name", "Value": "unknown"}],
    )
    assert stats == pytest.approx(
        {"SampleCount": 2.0, "Sum": 60.0, "Minimum": 0.5, "Maximum": 59.5}
    )
    # The region belonged to the session: nothing landed in the default region.
    us = boto3.client("cloudwatch", region_name="us-east-1")
    assert us.list_metrics(Namespace="MyPanoramaMetrics")["Metrics"] == []


@pytest.mark.timeout(60)
def test_region_argument_without_session() -> None:
    clock = FakeClock()
    with CWTachometer("NS", "m", region="ap-southeast-2", clock=clock) as tacho:
        _drive(tacho, clock, [0.0, 30.0, 61.0])
        assert tacho.flush(timeout=30)
    metrics = boto3.client("cloudwatch", region_name="ap-southeast-2").list_metrics(Namespace="NS")
    assert {(m["MetricName"], len(m.get("Dimensions", []))) for m in metrics["Metrics"]} == {
        ("m", 0)
    }


def test_ticks_after_close_are_counted_as_dropped(caplog: pytest.LogCaptureFixture) -> None:
    clock = FakeClock()
    tacho = CWTachometer("NS", "m", stats_interval=datetime.timedelta(seconds=1), clock=clock)
    assert tacho.close(timeout=30)
    assert tacho.close(timeout=30)  # idempotent
    with caplog.at_level(logging.WARNING):
        _drive(tacho, clock, [0.0, 0.5, 1.0, 1.5, 2.0])
    assert tacho.dropped_stats == 2 and tacho.sent_stats == 0
    assert [r.name for r in caplog.records] == ["backpack.cwtacho", "backpack.cwtacho"]


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"namespace": ""}, ValueError, "namespace"),
        ({"metric_name": 3}, TypeError, "metric_name"),
        ({"dimensions": {"a": 1}}, TypeError, "dimension"),
        ({"dimensions": {"a": ""}}, ValueError, "dimension"),
        ({"dimensions": [("a", "b")]}, TypeError, "mapping"),
        ({"dimensions": {str(i): "v" for i in range(31)}}, ValueError, "30"),
        ({"max_backlog": 0}, ValueError, "max_backlog"),
        ({"stats_interval": datetime.timedelta(0)}, ValueError, "interval"),
        ({"executor": "pool"}, TypeError, "executor"),
    ],
)
def test_rejects_bad_arguments(kwargs: dict[str, Any], error: type[Exception], match: str) -> None:
    arguments: dict[str, Any] = {"namespace": "NS", "metric_name": "m", **kwargs}
    with pytest.raises(error, match=match):
        CWTachometer(**arguments)
