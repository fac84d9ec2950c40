#!/usr/bin/env bash
# The README's main job: from a fresh Debian 12 machine, build the backpack base
# image for amd64 and arm64 on the offline defaults and publish it to a local
# registry (a real push and a real pull).
#
#   install-docker.sh -> bootstrap-base-images.sh -> registry.sh -> fetch-sources.sh
#   -> bake base-<arch> for every arch in one invocation (timed) -> publish.sh -> summary
#
# Environment overrides (all optional): BACKPACK_SOURCES_DIR (offline source archives,
# e.g. a folder with kvs/*.tar.gz: kvssink is built from them; without it the upstream
# tags when GitHub answers, else the image is built without kvssink and says so),
# ARCHES (e.g. "amd64"), DEBIAN_RELEASE (bookworm or trixie), BASE_IMAGE /
# BASE_IMAGE_AMD64 / BASE_IMAGE_ARM64, REGISTRY, TAG, and every variable of
# docker-bake.hcl. SKIP_PUBLISH=1 builds only.
set -euo pipefail
# shellcheck source=build/steps/lib.sh
source "$(dirname "$0")/steps/lib.sh"
cd "$BACKPACK_ROOT"
t_start=$(date +%s)

bash build/steps/install-docker.sh
# Bootstrap the local base images (DEBIAN_RELEASE) only when the default per-arch tags are used.
if [ -z "${BASE_IMAGE:-}" ] && [ -z "${BASE_IMAGE_AMD64:-}${BASE_IMAGE_ARM64:-}" ]; then
  bash build/steps/bootstrap-base-images.sh $ARCHES
fi
bash build/steps/registry.sh start
bash build/steps/fetch-sources.sh

# shellcheck source=build/steps/env.sh
source "$BACKPACK_ROOT/build/steps/env.sh"
log "kvssink: $KVSSINK ($(cat "$KVS_SOURCES_DIR/STATUS")) BACKPACK_VERSION=$BACKPACK_VERSION TAG=$TAG"

mkdir -p "$BACKPACK_OUT"
# One bake for every architecture: BuildKit overlaps one's emulated package installs
# with the other's compiles, which two bakes in a row cannot.
targets=()
for arch in $ARCHES; do targets+=("base-$arch"); done
log "bake ${targets[*]} (log: $BACKPACK_OUT/build.log)"
t0=$(date +%s)
if ! "$DOCKER" buildx bake --progress=plain "${targets[@]}" >"$BACKPACK_OUT/build.log" 2>&1; then
  tail -40 "$BACKPACK_OUT/build.log" >&2
  die "bake ${targets[*]} failed"
fi
bake_seconds=$(($(date +%s) - t0))
log "${targets[*]} built in $bake_seconds s"

if [ "${SKIP_PUBLISH:-0}" != 1 ]; then
  bash build/steps/publish.sh
fi

# Summary: build times, cache state and sizes (image vs its base), for bench/ too.
# shellcheck disable=SC2086
python3 build/steps/summary.py "$BACKPACK_OUT" "$REGISTRY/$IMAGE_NAME:$TAG" "$KVSSINK" "$bake_seconds" $ARCHES
log "main job done in $(($(date +%s) - t_start)) s; summary in $BACKPACK_OUT/build-summary.json"
