# Resolve the build settings shared by main.sh, bake.sh and warm-rebuild.sh (sourced).
# Pins stay in docker-bake.hcl; this only derives what depends on the checkout and on
# what build/steps/fetch-sources.sh staged.
# shellcheck shell=bash
eval "$(python3 "$BACKPACK_ROOT/build/steps/pins.py" --shell)"
if grep -q '^present' "$KVS_SOURCES_DIR/STATUS" 2>/dev/null; then KVSSINK=present; else KVSSINK=absent; fi
BACKPACK_VERSION=$(sed -n 's/^__version__ = "\(.*\)"/\1/p' "$BACKPACK_ROOT/backpack/__init__.py")
IMAGE_REVISION=${IMAGE_REVISION:-$(git -C "$BACKPACK_ROOT" rev-parse HEAD 2>/dev/null || echo unknown)}
# Creation time = the commit's time: stable for a given checkout (no needless new image ids).
IMAGE_CREATED=${IMAGE_CREATED:-$(git -C "$BACKPACK_ROOT" log -1 --format=%cI 2>/dev/null || date -u +%FT%TZ)}
# Where this checkout came from (its origin remote; else the checkout itself), for the
# OCI source label: this project's source, never another project's.
IMAGE_SOURCE=${IMAGE_SOURCE:-$(git -C "$BACKPACK_ROOT" remote get-url origin 2>/dev/null ||
  echo "file://$BACKPACK_ROOT")}
# pip inside the build follows the index this host's pip is configured with.
PIP_INDEX_URL=${PIP_INDEX_URL:-$(pip_index_url)}
export KVS_SOURCES_DIR KVSSINK PIP_INDEX_URL BACKPACK_VERSION IMAGE_REVISION IMAGE_CREATED IMAGE_SOURCE
mkdir -p "$BACKPACK_OUT"
