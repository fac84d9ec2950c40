#!/usr/bin/env bash
# docker buildx bake with the settings main.sh uses (kvssink from the staged sources,
# backpack version, registry, tag). Extra arguments go to bake.
#   build/bake.sh base-amd64          build/bake.sh --print test
set -euo pipefail
# shellcheck source=build/lib.sh
source "$(dirname "$0")/lib.sh"
cd "$BACKPACK_ROOT"
# shellcheck source=build/env.sh
source "$BACKPACK_ROOT/build/env.sh"
exec "$DOCKER" buildx bake "$@"
