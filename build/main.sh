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

# Summary: build times and sizes (image vs its base), also as JSON for bench/.
ref=$REGISTRY/$IMAGE_NAME:$TAG
size() { "$DOCKER" image inspect -f '{{.Size}}' "$1"; }
{
  echo "{"
  echo "  \"tag\": \"$ref\","
  echo "  \"kvssink\": \"$KVSSINK\","
  for arch in amd64 arm64; do
    base=$("$DOCKER" image inspect -f '{{index .Config.Labels "org.opencontainers.image.base.name"}}' "$ref-$arch")
    img=$(size "$ref-$arch")
    b=$(size "$base")
    sep=","; [ "$arch" = arm64 ] && sep=""
    echo "  \"$arch\": {\"build_seconds\": ${seconds[$arch]}, \"image_bytes\": $img, \"base_image\": \"$base\", \"base_bytes\": $b, \"added_bytes\": $((img - b))}$sep"
  done
  echo "}"
} >"$BACKPACK_OUT/build-summary.json"
printf '\n%-8s %10s %12s %12s %12s\n' arch build_s image_MB base_MB added_MB
for arch in amd64 arm64; do
  python3 - "$arch" "$BACKPACK_OUT/build-summary.json" <<'PY'
import json, sys
arch, path = sys.argv[1], sys.argv[2]
d = json.load(open(path))[arch]
mb = lambda b: f"{b / 1e6:.1f}"
print(f"{arch:<8} {d['build_seconds']:>10} {mb(d['image_bytes']):>12} {mb(d['base_bytes']):>12} {mb(d['added_bytes']):>12}")
PY
done
log "main job done in $(($(date +%s) - t_start)) s; summary in $BACKPACK_OUT/build-summary.json"
