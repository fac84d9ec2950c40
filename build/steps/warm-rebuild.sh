#!/usr/bin/env bash
# Measure a warm rebuild after a change in backpack/ only, without touching the
# working tree: copy the build context to a scratch directory, append a comment
# to one library file there, and time one `bake base-amd64 base-arm64` with the
# same settings as build/main.sh (BuildKit's cache is content-addressed, so
# the copy shares every cached layer with the checkout). Prints JSON seconds.
#
# Usage: build/steps/warm-rebuild.sh [file under backpack/ to change]
set -euo pipefail
# shellcheck source=build/steps/lib.sh
source "$(dirname "$0")/lib.sh"
cd "$BACKPACK_ROOT"
# shellcheck source=build/steps/env.sh
source "$BACKPACK_ROOT/build/steps/env.sh"
target_file=${1:-backpack/__init__.py}
scratch=$(mktemp -d /tmp/backpack-warm.XXXXXX)
trap 'rm -rf "$scratch"' EXIT
cp -a Dockerfile.base docker-bake.hcl .dockerignore pyproject.toml README.md backpack images tests \
  "$scratch"/
printf '\n# warm-rebuild probe %s\n' "$(date +%s%N)" >>"$scratch/$target_file"
cd "$scratch"
# Tags go to a scratch repository so the published images are left alone.
export IMAGE_NAME=backpack/warm-probe
targets=()
for arch in $ARCHES; do targets+=("base-$arch"); done
t0=$(date +%s.%N)
"$DOCKER" buildx bake --progress=plain "${targets[@]}" >"$BACKPACK_OUT/warm-rebuild.log" 2>&1 ||
  { tail -30 "$BACKPACK_OUT/warm-rebuild.log" >&2; die "warm rebuild failed"; }
seconds=$(python3 -c "import time; print(round(time.time() - $t0, 1))")
for arch in $ARCHES; do
  "$DOCKER" image rm "$REGISTRY/$IMAGE_NAME:$TAG-$arch" >/dev/null 2>&1 || true
done
printf '{"changed": "%s", "arches": "%s", "seconds": %s, "date": "%s"}\n' \
  "$target_file" "$ARCHES" "$seconds" "$(date -u +%FT%TZ)" | tee "$BACKPACK_OUT/warm-rebuild.json"
