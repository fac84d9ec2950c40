#!/usr/bin/env bash
# The README's test command: install what the tests need, then lint, type-check and test.
# 1. the library on the host (real GStreamer, moto server over HTTP);
# 2. the base image (tests/image builds it through build/main.sh when missing: Docker engine,
#    buildx, qemu and the debootstrapped base images are installed/made on the way).
# Set BACKPACK_IMAGE_TESTS=0 to run only the host part.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"
bash build/steps/host-test-deps.sh
# kvssink built natively from the staged KVS sources (BACKPACK_SOURCES_DIR or the upstream
# tags); the host KVS tests load it from there (tests/conftest.py).
bash build/steps/host-kvssink.sh
kvs_host=${BACKPACK_CACHE:-/var/cache/backpack}/kvssink-host/opt/kvs-sdk
if grep -q '^present' "$kvs_host/STATUS"; then
  export GST_PLUGIN_PATH=$kvs_host/plugin${GST_PLUGIN_PATH:+:$GST_PLUGIN_PATH}
fi
py=.venv/bin/python
$py -m ruff check backpack tests bench
$py -m ruff format --check backpack tests bench
$py -m mypy
$py -m pytest -p no:cacheprovider -m "not image" --ignore=tests/image "$@"
# The package claims Python >= 3.9: its GStreamer/OpenCV-free tests under pyenv's 3.9.
bash build/steps/py39-tests.sh
if [ "${BACKPACK_IMAGE_TESTS:-1}" != 0 ]; then
  $py -m pytest -p no:cacheprovider tests/image "$@"
fi
