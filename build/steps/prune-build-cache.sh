#!/usr/bin/env bash
# Forget every build result so the next build/main.sh is a cold build: the
# BuildKit cache (layers and cache mounts: apt, pip, ccache) and the built
# base-image tags. The bootstrapped Debian images, the downloaded sdist and the
# registry's content are kept (they are inputs, not build results).
set -euo pipefail
# shellcheck source=build/steps/lib.sh
source "$(dirname "$0")/lib.sh"
docker_up || die "Docker engine not running (build/steps/install-docker.sh)"
for ref in $("$DOCKER" image ls --format '{{.Repository}}:{{.Tag}}' |
  grep -E '/backpack/base:|^backpack-local/(base-test|example-app|stage-)' | grep -v ':<none>$' || true); do
  "$DOCKER" image rm -f "$ref" >/dev/null
done
"$DOCKER" buildx prune -af >/dev/null
"$DOCKER" image prune -f >/dev/null
log "build cache pruned; next build is cold"
