#!/usr/bin/env bash
# Publish the per-architecture images to the registry, create the multi-arch
# manifest list, then pull it back (a real pull of each platform from the
# registry) and check the pulled images' architectures and digests.
#
# Usage: build/publish.sh   (REGISTRY, IMAGE_NAME, TAG: docker-bake.hcl or the environment)
set -euo pipefail
# shellcheck source=build/lib.sh
source "$(dirname "$0")/lib.sh"

eval "$(python3 "$BACKPACK_ROOT/build/pins.py" --shell)"
ref=$REGISTRY/$IMAGE_NAME:$TAG

for arch in amd64 arm64; do
  log "push $ref-$arch"
  "$DOCKER" push -q "$ref-$arch" >/dev/null
done
log "manifest list $ref -> $ref-amd64 + $ref-arm64"
"$DOCKER" buildx imagetools create --progress=plain -t "$ref" "$ref-amd64" "$ref-arm64" >/dev/null 2>&1 ||
  "$DOCKER" buildx imagetools create -t "$ref" "$ref-amd64" "$ref-arm64"

# Pull back through the manifest list, one platform at a time (the local tag is
# dropped first so the pull really resolves the list in the registry).
for arch in arm64 amd64; do
  "$DOCKER" image rm "$ref" >/dev/null 2>&1 || true
  log "pull --platform linux/$arch $ref"
  "$DOCKER" pull -q --platform "linux/$arch" "$ref" >/dev/null
  got=$("$DOCKER" image inspect -f '{{.Architecture}}' "$ref")
  [ "$got" = "$arch" ] || die "pulled $ref for linux/$arch but got $got"
  want=$("$DOCKER" image inspect -f '{{.Id}}' "$ref-$arch")
  have=$("$DOCKER" image inspect -f '{{.Id}}' "$ref")
  [ "$want" = "$have" ] || die "pulled $ref ($arch) differs from the pushed image"
done
log "published $ref (linux/amd64, linux/arm64); local $ref is the host's (amd64) image"
