#!/usr/bin/env bash
# The README's benchmark command: set up the bench venv (.venv-bench), then run the suite.
# Prints a table and writes bench/results/<timestamp>.json and bench/results/latest.json.
# Arguments are passed to `python -m bench` (e.g. --with-image-build, --only spyglass, --quick).
# Idempotent: re-running only checks what is already installed.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"
venv=${BACKPACK_BENCH_VENV:-$here/.venv-bench}

# GStreamer, Debian's GStreamer-enabled cv2 and the venv with the library (as for the tests).
BACKPACK_VENV=$venv bash build/steps/host-test-deps.sh 2> >(grep -v "^WARNING: Location" >&2)
# supervision 0.31 does not depend on opencv-python; numpy stays Debian's (constraints: numpy<2).
"$venv/bin/python" -m pip install -q -c build/steps/host-constraints.txt -e "$here[bench]" \
  2> >(grep -v "^WARNING: Location" >&2)

# A PyPI OpenCV wheel would shadow Debian's cv2 (built with GStreamer): refuse to measure then.
if "$venv/bin/python" -m pip show -q opencv-python opencv-python-headless \
  opencv-contrib-python opencv-contrib-python-headless >/dev/null 2>&1; then
  echo "bench: a PyPI opencv wheel is installed in $venv; remove it (it hides Debian's cv2)" >&2
  exit 1
fi
"$venv/bin/python" - <<'PY'
import cv2
info = cv2.getBuildInformation()
gstreamer = [line for line in info.splitlines() if "GStreamer" in line]
if not gstreamer or "YES" not in gstreamer[0]:
    raise SystemExit(f"bench: cv2 {cv2.__version__} at {cv2.__file__} lacks GStreamer")
PY

# kvssink built natively from the staged sources, as for the tests (the kvssink row needs it).
bash build/steps/host-kvssink.sh
kvs_host=${BACKPACK_CACHE:-/var/cache/backpack}/kvssink-host/opt/kvs-sdk
if grep -q '^present' "$kvs_host/STATUS"; then
  export GST_PLUGIN_PATH=$kvs_host/plugin${GST_PLUGIN_PATH:+:$GST_PLUGIN_PATH}
fi
exec "$venv/bin/python" -m bench "$@"
