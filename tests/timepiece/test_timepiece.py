"""Timepiece with injected clocks: exact statistics, reprs, schedule grids and logging."""

from __future__ import annotations

import datetime
import logging
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

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


class FakeClock:
    """A clock that only moves when told to."""

    def __init__(self, start: float = 0.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def set(self, now: float) -> None:
        self.now = now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def _fail(*_args: Any, **_kwargs: Any) -> None:
    raise RuntimeError("callback failed on purpose")


# --- local_now -------------------------------------------------------------------------------


def test_local_now_is_aware_and_current() -> None:
    before = datetime.datetime.now(datetime.timezone.utc)
    now = local_now()
    after = datetime.datetime.now(datetime.timezone.utc)
    assert now.tzinfo is not None and now.utcoffset() is not None
    assert before <= now <= after


# --- Ticker ----------------------------------------------------------------------------------


def test_ticker_statistics_and_repr_exact() -> None:
    clock = FakeClock()
    ticker = Ticker(max_intervals=5, clock=clock)
    for step in (0.125, 0.25, 0.5, 0.125):
        ticker.tick()
        clock.advance(step)
    ticker.tick()
    assert ticker.intervals == (0.125, 0.25, 0.5, 0.125)
    assert ticker.min() == 0.125
    assert ticker.max() == 0.5
    assert ticker.sum() == 1.0
    assert ticker.mean() == 0.25
    assert ticker.freq() == 4.0
    assert len(ticker) == 4
    assert repr(ticker) == (
        "<Ticker intervals=[0.1250, 0.2500, 0.5000, 0.1250] min=0.1250 mean=0.2500 max=0.5000>"
    )


def test_ticker_keeps_only_last_max_intervals() -> None:
    clock = FakeClock()
    ticker = Ticker(max_intervals=3, clock=clock)
    for step in (1.0, 2.0, 3.0, 4.0, 5.0):
        ticker.tick()
        clock.advance(step)
    ticker.tick()
    assert ticker.intervals == (3.0, 4.0, 5.0)
    assert ticker.max_intervals == 3


def test_ticker_empty_and_reset() -> None:
    clock = FakeClock()
    ticker = Ticker(clock=clock)
    assert repr(ticker) == "<Ticker intervals=[] min=None mean=None max=None>"
    assert (ticker.min(), ticker.max(), ticker.sum(), ticker.mean(), ticker.freq()) == (None,) * 5
    ticker.tick()
    clock.advance(1.0)
    ticker.tick()
    ticker.reset()
    assert ticker.intervals == ()
    clock.advance(7.0)
    ticker.tick()  # first tick after reset starts afresh: no 7 s interval
    clock.advance(0.5)
    ticker.tick()
    assert ticker.intervals == (0.5,)


@pytest.mark.parametrize(
    ("value", "error"), [(0, ValueError), (-3, ValueError), ("5", TypeError), (2.0, TypeError)]
)
def test_ticker_rejects_bad_max_intervals(value: Any, error: type[Exception]) -> None:
    with pytest.raises(error, match="max_intervals"):
        Ticker(max_intervals=value)


# --- StopWatch -------------------------------------------------------------------------------


def test_stopwatch_hierarchy_and_repr_exact() -> None:
    clock = FakeClock()
    with StopWatch("root", clock=clock) as root:
        with root.child("task1", max_intervals=5) as task1:
            clock.advance(0.01)
            with task1.child("subtask1_1") as subtask1_1:
                clock.advance(0.03)
            with task1.child("subtask1_2"):
                clock.advance(0.07)
            with task1.child("subtask1_3"):
                clock.advance(0.09)
            with subtask1_1:
                clock.advance(0.05)
        for step in (0.02, 0.08):
            with root.child("task2"):
                clock.advance(step)
    assert repr(root) == (
        "<StopWatch name=root intervals=[0.3500] min=0.3500 mean=0.3500 max=0.3500 children=[\n"
        "    <StopWatch name=task1 intervals=[0.2500] min=0.2500 mean=0.2500 max=0.2500"
        " children=[\n"
        "        <StopWatch name=subtask1_1 intervals=[0.0300, 0.0500] min=0.0300 mean=0.0400"
        " max=0.0500>,\n"
        "        <StopWatch name=subtask1_2 intervals=[0.0700] min=0.0700 mean=0.0700"
        " max=0.0700>,\n"
        "        <StopWatch name=subtask1_3 intervals=[0.0900] min=0.0900 mean=0.0900"
        " max=0.0900>\n"
        "    ]>,\n"
        "    <StopWatch name=task2 intervals=[0.0200, 0.0800] min=0.0200 mean=0.0500"
        " max=0.0800>\n"
        "]>"
    )
    assert list(root.children) == ["task1", "task2"]
    assert root.children["task1"].parent is root
    assert root.parent is None
    assert task1.max_intervals == 5
    assert task1.children["subtask1_1"].max_intervals == 5  # inherited from the parent
    assert root.children["task2"].max_intervals == root.max_intervals
    assert root.children["task2"].sum() == pytest.approx(0.1)


def test_stopwatch_child_is_created_once_and_children_is_read_only() -> None:
    root = StopWatch("root")
    first = root.child("a", max_intervals=3)
    assert root.child("a", max_intervals=99) is first
    assert first.max_intervals == 3
    with pytest.raises(TypeError):
        root.children["b"] = StopWatch("b")  # type: ignore[index]


def test_stopwatch_reenterable_and_times_raising_block() -> None:
    clock = FakeClock()
    watch = StopWatch("w", clock=clock)
    for step in (1.0, 2.0):
        with watch:
            clock.advance(step)
    with pytest.raises(KeyError), watch:
        clock.advance(4.0)
        raise KeyError("boom")
    assert watch.intervals == (1.0, 2.0, 4.0)


def test_stopwatch_exit_without_enter_raises_and_records_nothing() -> None:
    clock = FakeClock(710.0)  # an uptime-like clock: a missing start would record 710 s
    watch = StopWatch("w", clock=clock)
    with pytest.raises(RuntimeError, match="'w' exited without being entered"):
        watch.__exit__(None, None, None)
    with watch:
        clock.advance(1.0)
    with pytest.raises(RuntimeError, match="without being entered"):
        watch.__exit__(None, None, None)  # one exit too many
    assert watch.intervals == (1.0,)


def test_stopwatch_nested_reuse_times_each_level() -> None:
    clock = FakeClock()
    watch = StopWatch("w", clock=clock)
    with watch:
        clock.advance(1.0)
        with watch:
            clock.advance(2.0)
        clock.advance(4.0)
    assert watch.intervals == (2.0, 7.0)  # inner block, then the whole outer block


def test_stopwatch_decorator_is_thread_safe() -> None:
    clock = FakeClock()
    watch = StopWatch("w", clock=clock)
    entered, resume = threading.Event(), threading.Event()

    @watch
    def work(hold: bool) -> None:
        if hold:
            entered.set()
            assert resume.wait(30)

    clock.set(1.0)
    thread = threading.Thread(target=work, args=(True,))  # starts at 1.0, ends at 11.0
    thread.start()
    assert entered.wait(30)
    clock.set(3.0)
    work(False)  # a whole call on this thread while the other one is open: 0 s
    clock.set(11.0)
    resume.set()
    thread.join(30)
    assert not thread.is_alive()
    assert watch.intervals == (0.0, 10.0)


def test_stopwatch_decorator_returns_result_and_times_raising_function() -> None:
    clock = FakeClock()
    watch = StopWatch("infer", clock=clock)

    @watch
    def double(x: int) -> int:
        """Doubles."""
        clock.advance(0.5)
        return 2 * x

    @watch
    def explode() -> None:
        clock.advance(0.25)
        raise ValueError("nope")

    assert double(21) == 42
    assert double.__name__ == "double" and double.__doc__ == "Doubles."
    with pytest.raises(ValueError, match="nope"):
        explode()
    assert watch.intervals == (0.5, 0.25)


def test_stopwatch_decorator_is_recursion_safe() -> None:
    clock = FakeClock()
    watch = StopWatch("fact", clock=clock)

    @watch
    def fact(n: int) -> int:
        clock.advance(1.0)
        return 1 if n <= 1 else n * fact(n - 1)

    assert fact(3) == 6
    assert watch.intervals == (1.0, 2.0, 3.0)  # innermost call finishes first


def test_stopwatch_rejects_bad_arguments() -> None:
    with pytest.raises(TypeError, match="name"):
        StopWatch(42)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="max_intervals"):
        StopWatch("x").child("y", max_intervals=0)


# --- Schedules -------------------------------------------------------------------------------


def test_interval_schedule_keeps_grid_without_drift_and_skips_missed_slots() -> None:
    clock = FakeClock(100.0)
    calls: list[float] = []
    schedule = IntervalSchedule(
        interval=datetime.timedelta(seconds=1),
        callback=lambda: calls.append(clock.now),
        clock=clock,
    )
    fired = []
    # Grid anchored at the first tick (100): deadlines 101, 102, 103, ...
    for now in (100.0, 100.5, 101.3, 102.05, 102.9, 106.5, 106.9, 107.0, 107.2):
        clock.set(now)
        fired.append(schedule.tick())
    # 102.05 fires: the grid stays at 102 although 101 fired late (at 101.3).
    # 106.5 fires once for the missed slots 103..106 (no burst); the next deadline is 107.
    assert calls == [100.0, 101.3, 102.05, 106.5, 107.0]
    assert fired == [True, False, True, True, False, True, False, True, False]


def test_interval_schedule_fire_immediately_false_waits_one_interval() -> None:
    clock = FakeClock()
    calls: list[float] = []
    schedule = IntervalSchedule(
        interval=datetime.timedelta(milliseconds=500),
        callback=calls.append,
        cbargs=("x",),
        fire_immediately=False,
        clock=clock,
    )
    for now in (0.0, 0.25, 0.5, 0.75, 1.0):
        clock.set(now)
        schedule.tick()
    assert calls == ["x", "x"]
    assert schedule.interval == datetime.timedelta(milliseconds=500)


def test_at_schedule_fires_once_at_first_tick_after_at() -> None:
    at = datetime.datetime(2030, 1, 1, 12, 0, tzinfo=datetime.timezone.utc)
    clock = FakeClock(at.timestamp() - 1.0)
    calls: list[dict[str, Any]] = []
    schedule = AtSchedule(
        at=at, callback=lambda **kw: calls.append(kw), cbkwargs={"name": "At"}, clock=clock
    )
    assert schedule.tick() is False
    clock.advance(1.5)
    assert schedule.tick() is True
    clock.advance(10.0)
    assert schedule.tick() is False
    assert calls == [{"name": "At"}]
    assert schedule.fired and schedule.at == at


def test_at_schedule_default_clock_with_local_now() -> None:
    calls: list[str] = []
    schedule = AtSchedule(
        at=local_now() - datetime.timedelta(seconds=1), callback=calls.append, cbargs=("due",)
    )
    schedule.tick()
    schedule.tick()
    assert calls == ["due"]


def test_ordinal_schedule_fires_every_nth_tick() -> None:
    calls: list[str] = []
    schedule = OrdinalSchedule(ordinal=3, callback=calls.append, cbargs=("x",))
    fired = [schedule.tick() for _ in range(10)]
    assert [number for number, hit in enumerate(fired, start=1) if hit] == [3, 6, 9]
    assert calls == ["x", "x", "x"]
    assert schedule.ordinal == 3
    every = OrdinalSchedule(ordinal=1, callback=calls.append, cbargs=("every",))
    assert all(every.tick() for _ in range(3))


@pytest.mark.parametrize(
    ("factory", "error", "match"),
    [
        (
            lambda: IntervalSchedule(interval=datetime.timedelta(0), callback=print),
            ValueError,
            "interval",
        ),
        (
            lambda: IntervalSchedule(interval=datetime.timedelta(seconds=-1), callback=print),
            ValueError,
            "interval",
        ),
        (lambda: IntervalSchedule(interval=5, callback=print), TypeError, "interval"),
        (lambda: OrdinalSchedule(ordinal=0, callback=print), ValueError, "ordinal"),
        (lambda: OrdinalSchedule(ordinal=2.0, callback=print), TypeError, "ordinal"),
        (lambda: OrdinalSchedule(ordinal=2, callback="print"), TypeError, "callback"),
        (
            lambda: AtSchedule(at=datetime.datetime(2030, 1, 1), callback=print),
            ValueError,
            "timezone-aware",
        ),
        (lambda: AtSchedule(at="2030-01-01", callback=print), TypeError, "datetime"),
        (
            lambda: OrdinalSchedule(ordinal=2, callback=print, executor=object()),
            TypeError,
            "executor",
        ),
    ],
)
def test_schedules_validate_arguments(factory: Any, error: type[Exception], match: str) -> None:
    with pytest.raises(error, match=match):
        factory()


def test_callback_exception_is_logged_not_raised(caplog: pytest.LogCaptureFixture) -> None:
    schedule = OrdinalSchedule(ordinal=1, callback=_fail)
    with caplog.at_level(logging.ERROR):
        assert schedule.tick() is True
        assert schedule.tick() is True  # still usable
    records = [r for r in caplog.records if r.name == "backpack.timepiece.schedule"]
    assert len(records) == 2
    assert records[0].exc_info is not None
    assert "callback failed on purpose" in str(records[0].exc_info[1])


def test_executor_runs_callback_elsewhere_and_tick_returns_at_once() -> None:
    release = threading.Event()
    started = threading.Event()
    threads: list[int] = []

    def slow(name: str) -> None:
        threads.append(threading.get_ident())
        started.set()
        assert release.wait(10)

    with ThreadPoolExecutor(max_workers=1) as executor:
        schedule = OrdinalSchedule(
            ordinal=1, callback=slow, cbkwargs={"name": "x"}, executor=executor
        )
        # tick() returns while the callback is still blocked in the executor.
        assert schedule.tick() is True
        assert started.wait(10)
        assert not release.is_set()
        release.set()
    assert threads and threads[0] != threading.get_ident()


def test_executor_callback_exception_is_logged(caplog: pytest.LogCaptureFixture) -> None:
    clock = FakeClock()
    with caplog.at_level(logging.ERROR), ThreadPoolExecutor(max_workers=1) as executor:
        schedule = IntervalSchedule(
            interval=datetime.timedelta(seconds=1), callback=_fail, executor=executor, clock=clock
        )
        schedule.tick()
    # leaving the executor joined its worker, so the done-callback has run
    records = [r for r in caplog.records if r.name == "backpack.timepiece.schedule"]
    assert len(records) == 1
    assert records[0].levelno == logging.ERROR
    assert records[0].exc_info is not None and isinstance(records[0].exc_info[1], RuntimeError)


def test_shut_down_executor_is_logged_not_raised(caplog: pytest.LogCaptureFixture) -> None:
    executor = ThreadPoolExecutor(max_workers=1)
    executor.shutdown()
    schedule = OrdinalSchedule(ordinal=1, callback=print, executor=executor)
    with caplog.at_level(logging.ERROR):
        assert schedule.tick() is True
    assert any(
        r.name == "backpack.timepiece.schedule" and "submit" in r.getMessage()
        for r in caplog.records
    )


# --- AlarmClock ------------------------------------------------------------------------------


def test_alarmclock_ticks_all_and_supports_add_remove() -> None:
    calls: list[str] = []
    every = OrdinalSchedule(ordinal=1, callback=calls.append, cbargs=("every",))
    second = OrdinalSchedule(ordinal=2, callback=calls.append, cbargs=("second",))
    alarmclock = AlarmClock([every])
    alarmclock.add(second)
    assert alarmclock.schedules == (every, second) and len(alarmclock) == 2
    for _ in range(2):
        alarmclock.tick()
    assert calls == ["every", "every", "second"]
    alarmclock.remove(every)
    for _ in range(2):
        alarmclock.tick()
    assert calls == ["every", "every", "second", "second"]
    with pytest.raises(ValueError, match="not in"):
        alarmclock.remove(every)
    with pytest.raises(ValueError, match="already"):
        alarmclock.add(second)
    with pytest.raises(TypeError, match="Schedule"):
        alarmclock.add(print)  # type: ignore[arg-type]
    assert alarmclock.schedules == (second,)


def test_alarmclock_schedule_may_remove_itself_during_tick() -> None:
    alarmclock = AlarmClock()
    calls: list[str] = []

    def once() -> None:
        calls.append("once")
        alarmclock.remove(self_removing)

    self_removing = OrdinalSchedule(ordinal=1, callback=once)
    other = OrdinalSchedule(ordinal=1, callback=calls.append, cbargs=("other",))
    alarmclock.add(self_removing)
    alarmclock.add(other)
    alarmclock.tick()
    alarmclock.tick()
    assert calls == ["once", "other", "other"]


# --- Tachometer ------------------------------------------------------------------------------


def test_tachometer_reports_statistics_per_interval() -> None:
    clock = FakeClock()
    reports: list[tuple[Any, ...]] = []
    tach = Tachometer(
        lambda *stats: reports.append(stats), datetime.timedelta(seconds=10), clock=clock
    )
    assert tach.stats_interval == datetime.timedelta(seconds=10)
    for now in (0.0, 1.0, 3.0, 6.0, 10.5):  # intervals 1, 2, 3, 4.5; 10.5 closes the window
        clock.set(now)
        tach.tick()
    for now in (12.0, 20.25):  # intervals 1.5, 8.25; 20.25 closes the second window
        clock.set(now)
        tach.tick()
    assert [r[1:] for r in reports] == [(1.0, 4.5, 10.5, 4), (1.5, 8.25, 9.75, 2)]
    for report in reports:
        assert isinstance(report[0], datetime.datetime) and report[0].tzinfo is not None


def test_tachometer_skips_empty_report_and_logs_callback_errors(
    caplog: pytest.LogCaptureFixture,
) -> None:
    clock = FakeClock()
    tach = Tachometer(_fail, stats_interval=datetime.timedelta(seconds=1), clock=clock)
    with caplog.at_level(logging.ERROR):
        tach.tick()
        clock.set(5.0)  # first window holds one interval: reported (and the callback fails)
        tach.tick()
        clock.set(6.0)
        tach.tick()  # one interval again
    records = [r for r in caplog.records if r.name == "backpack.timepiece.tachometer"]
    assert len(records) == 2
    silent = Tachometer(_fail, stats_interval=datetime.timedelta(seconds=1), clock=clock)
    with caplog.at_level(logging.ERROR):
        clock.set(10.0)
        silent.tick()  # a single tick: no interval, so nothing to report
    assert len([r for r in caplog.records if r.name == "backpack.timepiece.tachometer"]) == 2


def test_tachometer_with_executor(caplog: pytest.LogCaptureFixture) -> None:
    clock = FakeClock()
    reports: list[tuple[Any, ...]] = []
    threads: list[int] = []

    def record(*stats: Any) -> None:
        threads.append(threading.get_ident())
        reports.append(stats)
        raise RuntimeError("after recording")

    with caplog.at_level(logging.ERROR), ThreadPoolExecutor(max_workers=1) as executor:
        tach = Tachometer(record, datetime.timedelta(seconds=2), executor, clock=clock)
        for now in (0.0, 0.5, 2.0):
            clock.set(now)
            tach.tick()
    assert [r[1:] for r in reports] == [(0.5, 1.5, 2.0, 2)]
    assert threads[0] != threading.get_ident()
    assert [r.name for r in caplog.records] == ["backpack.timepiece.tachometer"]


def test_tachometer_rejects_bad_arguments() -> None:
    with pytest.raises(TypeError, match="stats_callback"):
        Tachometer(None)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="interval"):
        Tachometer(print, datetime.timedelta(0))
    with pytest.raises(TypeError, match="executor"):
        Tachometer(print, datetime.timedelta(1), executor=4)  # type: ignore[arg-type]
