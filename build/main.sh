#!/usr/bin/env bash
# The README's main job: from a fresh Debian 12 machine, build the backpack base
# image for amd64 and arm64 on the offline defaults and publish it to a local
# registry (a real push and a real pull).
#
#   install-docker.sh -> bootstrap-base-images.sh -> registry.sh -> fetch-sources.sh
#   -> bake base-amd64, base-arm64 (timed) -> publish.sh -> summary
#
# Environment overrides (all optional): BACKPACK_SOURCES_DIR (offline source archives,
# e.g. a folder with kvs/*.tar.gz: kvssink is built from them; without it the upstream
# tags when GitHub answers, else the image is built without kvssink and says so),
# BASE_IMAGE / BASE_IMAGE_AMD64 / BASE_IMAGE_ARM64, REGISTRY, TAG, and every
# variable of docker-bake.hcl. SKIP_PUBLISH=1 builds only.
set -euo pipefail
# shellcheck source=build/lib.sh
source "$(dirname "$0")/lib.sh"
cd "$BACKPACK_ROOT"
t_start=$(date +%s)

bash build/install-docker.sh
# Bootstrap the local base images only when the default per-arch tags are used.
if [ -z "${BASE_IMAGE:-}" ] && [ -z "${BASE_IMAGE_AMD64:-}${BASE_IMAGE_ARM64:-}" ]; then
  bash build/bootstrap-base-images.sh amd64 arm64
fi
bash build/registry.sh start
bash build/fetch-sources.sh

# shellcheck source=build/env.sh
source "$BACKPACK_ROOT/build/env.sh"
log "kvssink: $KVSSINK ($(cat "$KVS_SOURCES_DIR/STATUS")) BACKPACK_VERSION=$BACKPACK_VERSION TAG=$TAG"

mkdir -p "$BACKPACK_OUT"
declare -A seconds
for arch in amd64 arm64; do
  log "bake base-$arch (log: $BACKPACK_OUT/build-$arch.log)"
  t0=$(date +%s)
  if ! "$DOCKER" buildx bake --progress=plain "base-$arch" >"$BACKPACK_OUT/build-$arch.log" 2>&1; then
    tail -40 "$BACKPACK_OUT/build-$arch.log" >&2
    die "bake base-$arch failed"
  fi
  seconds[$arch]=$(($(date +%s) - t0))
  log "base-$arch built in ${seconds[$arch]} s"
done

if [ "${SKIP_PUBLISH:-0}" != 1 ]; then
  bash build/publish.sh
fi

# Summary: build times, cache state and sizes (image vs its base), for bench/ too.
python3 build/summary.py "$BACKPACK_OUT" "$REGISTRY/$IMAGE_NAME:$TAG" "$KVSSINK" \
  "amd64=${seconds[amd64]}" "arm64=${seconds[arm64]}"
log "main job done in $(($(date +%s) - t_start)) s; summary in $BACKPACK_OUT/build-summary.json"
