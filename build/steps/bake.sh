#!/usr/bin/env bash
# docker buildx bake with the settings main.sh uses (kvssink from the staged sources,
# backpack version, registry, tag). Extra arguments go to bake.
#   build/steps/bake.sh base-amd64          build/steps/bake.sh --print test
set -euo pipefail
# shellcheck source=build/steps/lib.sh
source "$(dirname "$0")/lib.sh"
cd "$BACKPACK_ROOT"
# shellcheck source=build/steps/env.sh
source "$BACKPACK_ROOT/build/steps/env.sh"
exec "$DOCKER" buildx bake "$@"
