# Resolve the build settings shared by main.sh and bake.sh (sourced).
# shellcheck shell=bash
# KVS_SDK_SRC: upstream Git tag when GitHub answers, else the offline placeholder
# (the image is then labelled kvssink=absent). The answer is remembered in
# $BACKPACK_OUT/kvs-sdk-src for later bake calls of the same checkout.
export KVS_SDK_VERSION=${KVS_SDK_VERSION:-3.4.2}
if [ -z "${KVS_SDK_SRC:-}" ]; then
  kvs_git=https://github.com/awslabs/amazon-kinesis-video-streams-producer-sdk-cpp.git
  if [ -n "${BACKPACK_REUSE_KVS_DECISION:-}" ] && [ -s "$BACKPACK_OUT/kvs-sdk-src" ]; then
    KVS_SDK_SRC=$(cat "$BACKPACK_OUT/kvs-sdk-src")
  elif timeout 15 git ls-remote --exit-code "$kvs_git" "refs/tags/v$KVS_SDK_VERSION" >/dev/null 2>&1; then
    KVS_SDK_SRC="$kvs_git#v$KVS_SDK_VERSION"
  else
    log "GitHub unreachable: building without kvssink (offline placeholder context)"
    KVS_SDK_SRC=images/kvssink/offline-placeholder
  fi
  export KVS_SDK_SRC
fi
mkdir -p "$BACKPACK_OUT"
echo "$KVS_SDK_SRC" >"$BACKPACK_OUT/kvs-sdk-src"
BACKPACK_VERSION=$(sed -n 's/^__version__ = "\(.*\)"/\1/p' "$BACKPACK_ROOT/backpack/__init__.py")
export BACKPACK_VERSION
export TAG=${TAG:-latest}
export REGISTRY=${REGISTRY:-127.0.0.1:5000}
export IMAGE_NAME=${IMAGE_NAME:-backpack/base}
export IMAGE_REVISION=${IMAGE_REVISION:-$(git -C "$BACKPACK_ROOT" rev-parse HEAD 2>/dev/null || echo unknown)}
# Creation time = the commit's time: stable for a given checkout (no needless new image ids).
export IMAGE_CREATED=${IMAGE_CREATED:-$(git -C "$BACKPACK_ROOT" log -1 --format=%cI 2>/dev/null || date -u +%FT%TZ)}
