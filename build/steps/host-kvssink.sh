#!/usr/bin/env bash
# Build kvssink natively on this host from the staged KVS sources (the same
# images/kvssink/build.sh the image's kvssink-build stage runs), so the host tests run
# the real element. Installs into $BACKPACK_CACHE/kvssink-host/opt/kvs-sdk and prints
# that prefix's STATUS. Rebuilds only when the pins or the build script change.
#
# Usage: build/steps/host-kvssink.sh        (BACKPACK_SOURCES_DIR=... for offline archives)
set -euo pipefail
# shellcheck source=build/steps/lib.sh
source "$(dirname "$0")/lib.sh"
eval "$(python3 "$BACKPACK_ROOT/build/steps/pins.py" --shell)"
export KVS_SDK_VERSION KVS_PRODUCER_C_VERSION KVS_PIC_VERSION KVS_PIC_NOTE

bash "$BACKPACK_ROOT/build/steps/fetch-sources.sh" kvs
root=$BACKPACK_CACHE/kvssink-host
prefix=$root/opt/kvs-sdk
key=$( (cat "$KVS_SOURCES_DIR/STATUS" "$KVS_SOURCES_DIR/SHA256SUMS" 2>/dev/null
  cat "$BACKPACK_ROOT/images/kvssink/build.sh") | sha256sum | cut -d' ' -f1)
if [ -f "$prefix/STATUS" ] && [ "$(cat "$root/KEY" 2>/dev/null)" = "$key" ]; then
  log "host kvssink up to date: $(cat "$prefix/STATUS")"
  exit 0
fi
if grep -q '^present' "$KVS_SOURCES_DIR/STATUS"; then
  apt_install cmake make g++ pkg-config libcurl4-openssl-dev libssl-dev liblog4cplus-dev \
    libgstreamer1.0-dev libgstreamer-plugins-base1.0-dev
fi
log "building kvssink for this host (native) into $prefix"
KVS_SOURCES=$KVS_SOURCES_DIR KVS_PREFIX=/opt/kvs-sdk OUT=$root KVS_WORK=$root.work \
  sh "$BACKPACK_ROOT/images/kvssink/build.sh" >"$root.log" 2>&1 ||
  { tail -40 "$root.log" >&2; die "host kvssink build failed (log: $root.log)"; }
echo "$key" >"$root/KEY"
log "host kvssink: $(cat "$prefix/STATUS")"
