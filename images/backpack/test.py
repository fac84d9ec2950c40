"""Component test (runs inside the image): backpack installed, dependencies clean.

Checks ``pip check``, the library's imports, and that /panorama/.env loads
through the library (backpack.spyglass.load_environment) to the image's ENV.
Prints one JSON object; exit status 0 when all checks pass.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys


def main() -> int:
    expected = {k: os.environ.get(k) for k in ("GST_PLUGIN_PATH", "LD_LIBRARY_PATH")}
    pip_check = subprocess.run(
        [sys.executable, "-m", "pip", "check"], capture_output=True, text=True, check=False
    )
    import backpack
    import backpack.annotation
    import backpack.kvs
    import backpack.spyglass
    import backpack.timepiece
    from backpack.spyglass import load_environment

    for key in expected:
        os.environ.pop(key, None)
    loaded = load_environment("/panorama/.env")
    result = {
        "backpack": backpack.__version__,
        "location": os.path.dirname(backpack.__file__),
        "pip_check": pip_check.returncode == 0,
        "pip_check_output": pip_check.stdout.strip(),
        "dotenv": {k: loaded.get(k) for k in expected},
        "env": expected,
        "modules": [m.__name__ for m in (backpack.annotation, backpack.kvs, backpack.timepiece)],
    }
    print(json.dumps(result))
    ok = result["pip_check"] and all(loaded.get(k) == v and v for k, v in expected.items())
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
