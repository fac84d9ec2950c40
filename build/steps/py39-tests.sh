#!/usr/bin/env bash
# Check the package's `requires-python = ">=3.9"` claim: install `.[test]` into a Python 3.9
# venv (outside the repository) and run the tests that need neither GStreamer (gi) nor OpenCV
# (cv2) under it. Warm runs reuse the venv and only reinstall the package itself.
#
#   bash build/steps/py39-tests.sh [pytest args...]
#
# BACKPACK_PY39: the Python 3.9 interpreter (default: pyenv's newest 3.9, else python3.9).
# BACKPACK_PY39_VENV: where the venv lives (default: ~/.cache/backpack/py39-venv).
set -euo pipefail
here=$(cd "$(dirname "$0")/../.." && pwd)
cd "$here"

py39=${BACKPACK_PY39:-}
if [ -z "$py39" ]; then
  pyenv_root=${PYENV_ROOT:-$HOME/.pyenv}
  py39=$(ls -d "$pyenv_root"/versions/3.9.*/bin/python3.9 2>/dev/null | sort -V | tail -n 1 || true)
  [ -n "$py39" ] || py39=$(command -v python3.9 || true)
fi
if [ -z "$py39" ] || ! "$py39" -c 'import sys; assert sys.version_info[:2] == (3, 9)' 2>/dev/null; then
  echo "py39-tests: no Python 3.9 found (set BACKPACK_PY39)" >&2
  exit 1
fi

venv=${BACKPACK_PY39_VENV:-${XDG_CACHE_HOME:-$HOME/.cache}/backpack/py39-venv}
stamp=$venv/.backpack-deps
want=$(sha256sum pyproject.toml | cut -d' ' -f1)
if [ ! -x "$venv/bin/python" ]; then
  "$py39" -m venv "$venv"
fi
py=$venv/bin/python
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  "$py" -m pip install -q --upgrade pip
  # The same constraints as the host venv, then everything `.[test]` resolves to on 3.9.
  "$py" -m pip install -q -c build/steps/host-constraints.txt hatchling ".[test]"
  echo "$want" >"$stamp"
else
  # Dependencies unchanged: rebuild and reinstall only this package from the working tree.
  "$py" -m pip install -q --no-deps --no-build-isolation --force-reinstall .
fi

# The tests that import neither gi nor cv2 (directly or through backpack.spyglass,
# backpack.kvs or backpack.annotation).
tests=(
  tests/test_moto_fixture.py
  tests/timepiece/test_timepiece.py
  tests/timepiece/test_timepiece_readme.py
  tests/cwtacho/test_cwtacho.py
  tests/cwtacho/test_faults_cloudwatch.py
  tests/autoidentity/test_autoidentity.py
)
# The docstring examples (--doctest-modules) of the modules that import neither gi nor cv2,
# from the installed package (--pyargs).
doctests=(backpack.timepiece backpack.cwtacho backpack.autoidentity backpack._checks backpack._gst_launch)
# Run from tests/ so the installed package, not the source tree, is imported.
cd tests
"$venv/bin/python" -c 'import sys; print("py39-tests:", sys.version.split()[0])'
"$venv/bin/python" -m pytest -p no:cacheprovider --rootdir "$here" -c "$here/pyproject.toml" \
  --pyargs "${tests[@]#tests/}" "${doctests[@]}" "$@"
