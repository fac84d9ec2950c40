"""Write build/main.sh's summary once: build seconds, sizes, cache state, date.

The cache state of each architecture comes from its bake log: "cold" when the OpenCV
compile step ran, "warm" when BuildKit had it cached. The summary goes to
``out/build-summary.json`` (the last build) and ``out/build-summary-<state>.json``
(the last cold, or warm, build), so a warm re-run never overwrites cold figures.

    python3 build/summary.py OUT REF KVSSINK amd64=SECONDS arm64=SECONDS
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


def cache_state(log: Path) -> str:
    """'cold' if the log's OpenCV compile step ran, 'warm' if it was cached."""
    text = log.read_text(errors="replace") if log.is_file() else ""
    step = re.search(r"^#(\d+) \[opencv-build [^\]]*\] RUN", text, re.M)
    if step is None:
        return "unknown"
    return "warm" if re.search(rf"^#{step.group(1)} CACHED", text, re.M) else "cold"


def main(out: Path, ref: str, kvssink: str, timings: list[str]) -> int:
    summary: dict[str, object] = {
        "tag": ref,
        "kvssink": kvssink,
        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
    }
    states = set()
    print(f"\n{'arch':<8} {'build_s':>8} {'cache':>6} {'image_MB':>10} {'base_MB':>9} {'added_MB':>9}")
    for item in timings:
        arch, seconds = item.split("=")
        image = f"{ref}-{arch}"
        base = inspect(image, '{{index .Config.Labels "org.opencontainers.image.base.name"}}')
        image_bytes, base_bytes = int(inspect(image, "{{.Size}}")), int(inspect(base, "{{.Size}}"))
        state = cache_state(out / f"build-{arch}.log")
        states.add(state)
        summary[arch] = {
            "build_seconds": int(seconds),
            "cache": state,
            "image_bytes": image_bytes,
            "base_image": base,
            "base_bytes": base_bytes,
            "added_bytes": image_bytes - base_bytes,
        }
        mb = [f"{b / 1e6:.1f}" for b in (image_bytes, base_bytes, image_bytes - base_bytes)]
        print(f"{arch:<8} {seconds:>8} {state:>6} {mb[0]:>10} {mb[1]:>9} {mb[2]:>9}")
    text = json.dumps(summary, indent=2) + "\n"
    (out / "build-summary.json").write_text(text)
    overall = states.pop() if len(states) == 1 else "mixed"
    summary["cache"] = overall
    (out / f"build-summary-{overall}.json").write_text(json.dumps(summary, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4:]))
