"""The reference README's timepiece examples, run as written with real sleeps.

Timing is real here, so the checks are structural (call patterns, counts that follow from the
code, relations between clock readings), never speed assertions.
"""

from __future__ import annotations

import datetime
import random
import re
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from backpack.timepiece import (
    AlarmClock,
    AtSchedule,
    IntervalSchedule,
    OrdinalSchedule,
    StopWatch,
    Tachometer,
    Ticker,
    local_now,
)

_NUM = r"\d+\.\d{4}"


def test_readme_ticker_example() -> None:
    ticker = Ticker(max_intervals=5)
    for _i in range(10):
        ticker.tick()
        time.sleep(random.random() / 10)
    text = repr(ticker)
    print(ticker)
    assert re.fullmatch(
        rf"<Ticker intervals=\[{_NUM}(, {_NUM}){{4}}\] min={_NUM} mean={_NUM} max={_NUM}>", text
    )
    assert len(ticker.intervals) == 5
    assert ticker.min() == min(ticker.intervals) and ticker.max() == max(ticker.intervals)


def test_readme_stopwatch_example() -> None:
    with StopWatch("root") as root:
        with root.child("task1", max_intervals=5) as task1:
            time.sleep(0.01)
            with task1.child("subtask1_1") as subtask1_1:
                time.sleep(0.03)
            with task1.child("subtask1_2"):
                time.sleep(0.07)
            with task1.child("subtask1_3"):
                time.sleep(0.09)
            with subtask1_1:
                time.sleep(0.05)
        for _i in range(5):
            with root.child("task2") as task2:
                time.sleep(random.random() / 10)
    print(root)
    lines = repr(root).split("\n")
    assert re.fullmatch(rf"<StopWatch name=root intervals=\[{_NUM}\] .* children=\[", lines[0])
    assert lines[1].startswith("    <StopWatch name=task1 intervals=[")
    assert lines[1].endswith(" children=[")
    assert lines[2].startswith("        <StopWatch name=subtask1_1 intervals=[")
    assert lines[2].endswith(">,")
    assert lines[3].startswith("        <StopWatch name=subtask1_2 ")
    assert lines[4].startswith("        <StopWatch name=subtask1_3 ")
    assert lines[4].endswith(">")
    assert lines[5] == "    ]>,"
    assert re.fullmatch(
        rf"    <StopWatch name=task2 intervals=\[{_NUM}(, {_NUM}){{4}}\] .*>", lines[6]
    )
    assert lines[7] == "]>"
    assert len(subtask1_1.intervals) == 2
    assert len(task2.intervals) == 5
    # A parent's block contains its children's blocks.
    assert task1.intervals[0] >= sum(child.sum() or 0.0 for child in task1.children.values())
    assert root.intervals[0] >= task1.intervals[0] + (task2.sum() or 0.0)


@pytest.mark.timeout(60)
def test_readme_alarmclock_example(capsys: pytest.CaptureFixture[str]) -> None:
    cb = lambda name: print(f"{name} was called at {datetime.datetime.now()}")  # noqa: E731
    executor = ThreadPoolExecutor()
    at = local_now() + datetime.timedelta(seconds=3)
    atschedule = AtSchedule(at=at, callback=cb, cbkwargs={"name": "AtSchedule"}, executor=executor)
    iv = datetime.timedelta(seconds=1.35)
    ivschedule = IntervalSchedule(
        interval=iv, callback=cb, cbkwargs={"name": "IntervalSchedule"}, executor=executor
    )
    ordinalschedule = OrdinalSchedule(
        ordinal=17, callback=cb, cbkwargs={"name": "OrdinalSchedule"}, executor=executor
    )
    alarmclock = AlarmClock([atschedule, ivschedule, ordinalschedule])
    for _i in range(25 * 5):
        alarmclock.tick()
        time.sleep(1 / 25)
    executor.shutdown(wait=True)

    lines = capsys.readouterr().out.splitlines()
    names = [line.split(" was called at ")[0] for line in lines]
    assert all(" was called at " in line for line in lines)
    assert names.count("AtSchedule") == 1  # the loop sleeps >= 5 s, `at` is 3 s in
    assert names.count("OrdinalSchedule") == 125 // 17
    # Fires at the first tick, then every 1.35 s while the >= 5 s loop runs.
    assert names.count("IntervalSchedule") >= 4
    assert names[0] == "IntervalSchedule"


def test_readme_tachometer_example_scaled_down(capsys: pytest.CaptureFixture[str]) -> None:
    # README: Tachometer(stats_callback, timedelta(seconds=2)) over 200 frames (~10 s);
    # here the same code with a 0.5 s interval over ~1.5 s of frames.
    def stats_callback(
        timestamp: datetime.datetime,
        min_proc_time: float,
        max_proc_time: float,
        sum_proc_time: float,
        num_events: int,
    ) -> None:
        print("timestamp:", timestamp)
        print(
            f"min: {min_proc_time:.4f}, max: {max_proc_time:.4f}, "
            f"sum: {sum_proc_time:.4f}, num: {num_events}"
        )

    tach = Tachometer(stats_callback, datetime.timedelta(seconds=0.5))
    deadline = time.monotonic() + 1.6
    while time.monotonic() < deadline:
        tach.tick()
        time.sleep(random.random() / 20)

    lines = capsys.readouterr().out.splitlines()
    assert len(lines) >= 4 and len(lines) % 2 == 0
    for stamp, stats in zip(lines[::2], lines[1::2]):
        when = datetime.datetime.fromisoformat(stamp.removeprefix("timestamp: "))
        assert when.tzinfo is not None
        match = re.fullmatch(rf"min: ({_NUM}), max: ({_NUM}), sum: ({_NUM}), num: (\d+)", stats)
        assert match is not None
        low, high, total = (float(match.group(i)) for i in (1, 2, 3))
        assert int(match.group(4)) >= 1
        assert low <= high <= total
