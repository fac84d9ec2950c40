#!/usr/bin/env bash
# The README's test command: install what the tests need, then lint, type-check and test.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"
bash build/host-test-deps.sh
py=.venv/bin/python
$py -m ruff check backpack tests bench
$py -m ruff format --check backpack tests bench
$py -m mypy
$py -m pytest "$@"
