"""``python -m bench``: run the benchmarks, print the table, write the JSON record."""

from __future__ import annotations

import argparse
import datetime
import sys
import time
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path

from bench.config import REPO, Config
from bench.report import table, write_json
from bench.result import Result, Status

GROUPS = ("timepiece", "annotation", "spyglass", "kvssink", "panorama", "preview", "image")


def _runner(group: str) -> Callable[[Config], list[Result]]:
    # Imported lazily so that one group's missing dependency cannot break the others.
    if group == "timepiece":
        from bench import timepiece_overhead

        return timepiece_overhead.run
    if group == "annotation":
        from bench import annotation_render

        return annotation_render.run
    if group == "spyglass":
        from bench import spyglass_cost

        return spyglass_cost.run
    if group == "panorama":
        from bench import panorama_runtime

        return panorama_runtime.run
    if group == "preview":
        from bench import preview_cost

        return preview_cost.run
    if group == "kvssink":
        from bench import kvssink_cost

        return kvssink_cost.run
    from bench import image_build

    return image_build.run


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench",
        description="Backpack benchmarks: every speed figure is a ratio against a baseline "
        "measured in the same run.",
    )
    parser.add_argument(
        "--only",
        action="append",
        choices=GROUPS,
        help="run only this group (repeatable); default: all",
    )
    parser.add_argument(
        "--with-image-build",
        action="store_true",
        help="re-measure the Docker image build (cold and warm, both architectures; slow)",
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="tiny counts: checks that every benchmark runs, figures are not meaningful",
    )
    parser.add_argument(
        "--results-dir",
        type=Path,
        default=REPO / "bench" / "results",
        help="where to write <timestamp>.json and latest.json (default: bench/results)",
    )
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the selected groups; exit 0 when every benchmark ran (misses included), 1 if not."""
    args = parse_args(argv)
    if args.quick:
        config = Config.quick(with_image_build=args.with_image_build)
    else:
        config = Config(with_image_build=args.with_image_build)
    groups = args.only or list(GROUPS)
    started = datetime.datetime.now(datetime.timezone.utc)
    clock = time.monotonic()
    results: list[Result] = []
    durations: dict[str, float] = {}
    for group in groups:
        print(f"== {group} ...", file=sys.stderr, flush=True)
        group_started = time.monotonic()
        try:
            results.extend(_runner(group)(config))
        except Exception as exc:
            traceback.print_exc()
            results.append(
                Result(group, "(benchmark failed)", "", status=Status.ERROR, note=repr(exc))
            )
        durations[group] = time.monotonic() - group_started
        print(f"   {group} took {durations[group]:.0f} s", file=sys.stderr, flush=True)
    elapsed = time.monotonic() - clock
    print(table(results))
    path = write_json(results, config, started, elapsed, args.results_dir)
    print(f"\n{len(results)} figures in {elapsed:.0f} s; JSON: {path} (and latest.json)")
    return 1 if any(result.status is Status.ERROR for result in results) else 0


if __name__ == "__main__":
    sys.exit(main())
