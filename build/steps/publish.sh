#!/usr/bin/env bash
# Publish the per-architecture images to the registry, create the multi-arch
# manifest list, then pull it back (a real pull of each platform from the
# registry) and check the pulled images' architectures and digests.
#
# Usage: build/steps/publish.sh   (REGISTRY, IMAGE_NAME, TAG, ARCHES: docker-bake.hcl or the environment)
set -euo pipefail
# shellcheck source=build/steps/lib.sh
source "$(dirname "$0")/lib.sh"

ref=$REGISTRY/$IMAGE_NAME:$TAG
# shellcheck disable=SC2206
arches=($ARCHES)
refs=()
for arch in "${arches[@]}"; do refs+=("$ref-$arch"); done

for one in "${refs[@]}"; do
  log "push $one"
  "$DOCKER" push -q "$one" >/dev/null
done
log "manifest list $ref -> ${refs[*]}"
"$DOCKER" buildx imagetools create --progress=plain -t "$ref" "${refs[@]}" >/dev/null 2>&1 ||
  "$DOCKER" buildx imagetools create -t "$ref" "${refs[@]}"

# Pull back through the manifest list, one platform at a time (the local tag is
# dropped first so the pull really resolves the list in the registry).
for arch in "${arches[@]}"; do
  "$DOCKER" image rm "$ref" >/dev/null 2>&1 || true
  log "pull --platform linux/$arch $ref"
  "$DOCKER" pull -q --platform "linux/$arch" "$ref" >/dev/null
  got=$("$DOCKER" image inspect -f '{{.Architecture}}' "$ref")
  [ "$got" = "$arch" ] || die "pulled $ref for linux/$arch but got $got"
  want=$("$DOCKER" image inspect -f '{{.Id}}' "$ref-$arch")
  have=$("$DOCKER" image inspect -f '{{.Id}}' "$ref")
  [ "$want" = "$have" ] || die "pulled $ref ($arch) differs from the pushed image"
done
# Leave the build host's own architecture behind the multi-arch tag.
host_arch=$(dpkg --print-architecture)
if [[ " $ARCHES " == *" $host_arch "* ]]; then
  "$DOCKER" image rm "$ref" >/dev/null 2>&1 || true
  "$DOCKER" pull -q --platform "linux/$host_arch" "$ref" >/dev/null
fi
log "published $ref (${arches[*]}); local $ref is the host's ($host_arch) image"
