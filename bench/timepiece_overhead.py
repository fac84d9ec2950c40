"""Timepiece overhead: Ticker.tick() and ``with StopWatch`` against the same work by hand.

The baselines are what you would write by hand to collect the same data: read
``time.perf_counter()`` and append the interval to a bounded ``collections.deque``.
Both sides run as statements compiled into the same timeit loop (~100k iterations a sample).
"""

from __future__ import annotations

from bench.config import Config
from bench.measure import interleaved, per_call
from bench.result import Result, Status, Target

GROUP = "timepiece"
TARGET = Target("<=", 2.0)

TICKER_SETUP = "from backpack.timepiece import Ticker\nticker = Ticker(max_intervals=100)"
TICKER_STMT = "ticker.tick()"
TICK_BY_HAND_SETUP = (
    "from collections import deque\n"
    "from time import perf_counter\n"
    "intervals = deque(maxlen=100)\n"
    "last = perf_counter()"
)
TICK_BY_HAND_STMT = "now = perf_counter()\nintervals.append(now - last)\nlast = now"

STOPWATCH_SETUP = (
    "from backpack.timepiece import StopWatch\nwatch = StopWatch('x', max_intervals=100)"
)
STOPWATCH_STMT = "with watch:\n    pass"
WATCH_BY_HAND_SETUP = (
    "from collections import deque\nfrom time import perf_counter\nintervals = deque(maxlen=100)"
)
WATCH_BY_HAND_STMT = "start = perf_counter()\nintervals.append(perf_counter() - start)"

# The floor of any pure-Python timing context manager: the least a class can do to keep the
# same data. Reported (no target) to show how much of StopWatch's cost the ``with`` protocol is.
MINIMAL_WATCH_SETUP = """
from collections import deque
from time import perf_counter


class MinimalWatch:
    __slots__ = ("append", "start")

    def __init__(self):
        self.append = deque(maxlen=100).append
        self.start = 0.0

    def __enter__(self):
        self.start = perf_counter()
        return self

    def __exit__(self, exc_type, exc, tb):
        self.append(perf_counter() - self.start)


watch = MinimalWatch()
"""


def run(config: Config) -> list[Result]:
    """Measure both overheads (and the context-manager floor); figures are ns per call."""
    number = config.timeit_number
    rows = []
    cases = [
        (
            "Ticker.tick()",
            "baseline by hand: now = perf_counter(); deque(maxlen=100).append(now - last)",
            TICKER_SETUP,
            TICKER_STMT,
            TICK_BY_HAND_SETUP,
            TICK_BY_HAND_STMT,
        ),
        (
            "with StopWatch: (enter+exit)",
            "baseline by hand: two perf_counter() calls + deque(maxlen=100).append",
            STOPWATCH_SETUP,
            STOPWATCH_STMT,
            WATCH_BY_HAND_SETUP,
            WATCH_BY_HAND_STMT,
        ),
    ]
    for name, note, setup, stmt, base_setup, base_stmt in cases:
        comparison = interleaved(
            per_call(stmt, setup, number),
            per_call(base_stmt, base_setup, number),
            config.rounds,
        )
        rows.append(
            Result.judged(
                GROUP,
                name,
                "ns/call",
                ours=comparison.ours * 1e9,
                baseline=comparison.baseline * 1e9,
                ratio=comparison.ratio,
                target=TARGET,
                note=note,
                details={
                    "ours_stmt": stmt,
                    "baseline_stmt": base_stmt,
                    "iterations_per_sample": number,
                    **comparison.details(scale=1e9),
                },
            )
        )
    floor = interleaved(
        per_call(STOPWATCH_STMT, MINIMAL_WATCH_SETUP, number),
        per_call(WATCH_BY_HAND_STMT, WATCH_BY_HAND_SETUP, number),
        config.rounds,
    )
    rows.append(
        Result(
            GROUP,
            "floor: minimal Python timing context manager",
            "ns/call",
            ours=floor.ours * 1e9,
            baseline=floor.baseline * 1e9,
            ratio=floor.ratio,
            status=Status.INFO,
            note="a 2-method class doing only perf_counter + deque append; same baseline as [2]",
            details={"setup": MINIMAL_WATCH_SETUP, **floor.details(scale=1e9)},
        )
    )
    return rows
