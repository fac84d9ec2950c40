"""Write build/main.sh's summary once: bake seconds, sizes, cache state, date.

main.sh bakes every architecture in one invocation, so the time is one figure for all
of them (``bake_seconds``). The cache state of each architecture comes from the bake
log (``out/build.log``): "cold" when its OpenCV compile step ran, "warm" when BuildKit
had it cached. The summary goes to ``out/build-summary.json`` (the last build) and
``out/build-summary-<state>.json`` (the last cold, or warm, build), so a warm re-run
never overwrites cold figures.

    python3 build/steps/summary.py OUT REF KVSSINK BAKE_SECONDS amd64 arm64
"""

from __future__ import annotations

import datetime
import json
import re
import subprocess
import sys
from pathlib import Path

DOCKER = "/usr/bin/docker" if Path("/usr/bin/docker").exists() else "docker"


def inspect(ref: str, template: str) -> str:
    """One field of ``docker image inspect``."""
    done = subprocess.run(
        [DOCKER, "image", "inspect", "-f", template, ref], capture_output=True, text=True, check=True
    )
    return done.stdout.strip()


def cache_state(log: Path, arch: str) -> str:
    """'cold' if the bake of ``arch`` started from an empty cache, else 'warm'.

    Cold = the toolchain stage ran (only a pruned cache rebuilds it) and so did the OpenCV
    compile; an OpenCV recompile on a warm cache (ccache full) is warm. The toolchain stage
    runs once on the build platform for every architecture, under any one target's name.
    """
    text = log.read_text(errors="replace") if log.is_file() else ""

    def ran(stage: str, target: str = arch) -> bool | None:
        # One target: "[opencv-build 1/1] RUN"; several: "[base-arm64 opencv-build 1/1] RUN".
        pattern = rf"^#(\d+) \[(?:base-{target} )?{stage} [^\]]*\] RUN"
        steps = re.findall(pattern, text, re.M)
        if not steps:
            return None
        return not all(re.search(rf"^#{step} CACHED", text, re.M) for step in steps)

    opencv, toolchain = ran("opencv-build"), ran("toolchain", r"[a-z0-9]+")
    if opencv is None:
        return "unknown"
    return "cold" if opencv and toolchain else "warm"


def main(out: Path, ref: str, kvssink: str, bake_seconds: int, arches: list[str]) -> int:
    summary: dict[str, object] = {
        "tag": ref,
        "kvssink": kvssink,
        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "bake_seconds": bake_seconds,
        "bake_arches": arches,
    }
    states = set()
    print(f"\nbake of {' + '.join(arches)}: {bake_seconds} s (one invocation)")
    print(f"{'arch':<8} {'cache':>6} {'image_MB':>10} {'base_MB':>9} {'added_MB':>9}")
    for arch in arches:
        image = f"{ref}-{arch}"
        base = inspect(image, '{{index .Config.Labels "org.opencontainers.image.base.name"}}')
        image_bytes, base_bytes = int(inspect(image, "{{.Size}}")), int(inspect(base, "{{.Size}}"))
        state = cache_state(out / "build.log", arch)
        states.add(state)
        summary[arch] = {
            "cache": state,
            "image_bytes": image_bytes,
            "base_image": base,
            "base_bytes": base_bytes,
            "added_bytes": image_bytes - base_bytes,
        }
        mb = [f"{b / 1e6:.1f}" for b in (image_bytes, base_bytes, image_bytes - base_bytes)]
        print(f"{arch:<8} {state:>6} {mb[0]:>10} {mb[1]:>9} {mb[2]:>9}")
    overall = states.pop() if len(states) == 1 else "mixed"
    summary["cache"] = overall
    text = json.dumps(summary, indent=2) + "\n"
    (out / "build-summary.json").write_text(text)
    (out / f"build-summary-{overall}.json").write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]), sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5:]))
