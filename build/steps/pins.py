"""Read the pinned values of docker-bake.hcl (its one source of truth) without Docker.

Only literal string defaults (``variable "X" { default = "..." }``) are pins; an
environment variable of the same name overrides it, as it does for bake.

    python3 build/steps/pins.py KVS_SDK_VERSION           # one value
    python3 build/steps/pins.py --shell                   # NAME='value' lines for `eval`
    python3 build/steps/pins.py --json                    # every pin as JSON
"""

from __future__ import annotations

import json
import os
import re
import shlex
import sys
from pathlib import Path

BAKE_FILE = Path(__file__).resolve().parents[2] / "docker-bake.hcl"
_VARIABLE = re.compile(r'variable\s+"(\w+)"\s*\{\s*default\s*=\s*"([^"$]*)"\s*\}')


def pins(path: Path = BAKE_FILE) -> dict[str, str]:
    """Every literal variable default of the bake file, overridden by the environment."""
    found = dict(_VARIABLE.findall(path.read_text()))
    return {name: os.environ.get(name, value) for name, value in found.items()}


def main(argv: list[str]) -> int:
    values = pins()
    if argv[:1] == ["--json"]:
        print(json.dumps(values, indent=2, sort_keys=True))
    elif argv[:1] == ["--shell"]:
        for name, value in sorted(values.items()):
            print(f"{name}={shlex.quote(value)}")
    else:
        missing = [name for name in argv if name not in values]
        if missing or not argv:
            print(f"pins: not a literal variable of {BAKE_FILE.name}: {missing}", file=sys.stderr)
            return 2
        for name in argv:
            print(values[name])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
