#!/usr/bin/env bash
# Install and start the Docker engine, buildx (bake) and qemu/binfmt for arm64
# emulation. Idempotent: re-running only checks what is already there.
#
# - engine: Debian's docker.io, taken from trixie (26.1) by naming each package
#   docker.io/trixie etc. (pin priority 100 for the source, so nothing else is
#   ever upgraded from trixie; tests/image/test_host_safety.py proves it). Bookworm's 20.10 engine embeds
#   a Dockerfile frontend without named build contexts ("unsupported frontend
#   capability moby.buildkit.frontend.contexts"), and with no registry we cannot
#   pull a newer frontend (# syntax=) or a buildkit image, so the engine's own
#   frontend must be new enough. Started with nohup (no systemd here), log in
#   /var/log/dockerd.log;
# - buildx (bake): Debian trixie's docker-buildx package, same low pin;
# - arm64 emulation: qemu-user-static + binfmt-support (F flag: works in containers).
set -euo pipefail
# shellcheck source=build/steps/lib.sh
source "$(dirname "$0")/lib.sh"

[ "$(id -u)" = 0 ] || die "run as root"

apt_install qemu-user-static binfmt-support debootstrap ca-certificates iproute2 git curl

# Engine, CLI and buildx from trixie, each named with /trixie so apt takes only
# those (and the containerd they need) from trixie: libc6, dpkg and base-files
# stay on the host's release (`-t trixie` would move them). The trixie source
# uses the mirror the host's own apt sources already use.
engine_version() { dpkg-query -W -f='${Version}' docker.io 2>/dev/null || true; }
if ! dpkg --compare-versions "$(engine_version)" ge 23 ||
  ! dpkg-query -W -f='${Status}' docker-buildx 2>/dev/null | grep -q "install ok installed"; then
  add_trixie_source
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  # Refuse before installing anything if the plan would move another package's release.
  docker_install_plan_check
  # A dockerd started from an older package must not keep running the old binary.
  if [ -n "$(engine_version)" ] && pgrep -x dockerd >/dev/null; then
    log "stopping the running dockerd before upgrading it"
    kill "$(cat /var/run/docker.pid)" 2>/dev/null || true
    for _ in $(seq 30); do pgrep -x dockerd >/dev/null || break; sleep 1; done
  fi
  log "apt-get install ${DOCKER_TRIXIE_PACKAGES[*]/%//trixie}"
  apt-get install -y -qq --no-install-recommends "${DOCKER_TRIXIE_PACKAGES[@]/%//trixie}"
fi

# binfmt handlers for arm64 (qemu-user-static registers them with the F flag).
if [ ! -e /proc/sys/fs/binfmt_misc/register ]; then
  mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc 2>/dev/null || true
fi
if [ ! -e /proc/sys/fs/binfmt_misc/qemu-aarch64 ]; then
  update-binfmts --enable qemu-aarch64 2>/dev/null || update-binfmts --import qemu-aarch64 || true
fi
[ -e /proc/sys/fs/binfmt_misc/qemu-aarch64 ] || die "qemu-aarch64 binfmt handler not registered"

# Engine: start dockerd in the background when no daemon answers.
if ! docker_up; then
  if ! pgrep -x dockerd >/dev/null; then
    pgrep -x containerd >/dev/null || true
    log "starting dockerd (log: /var/log/dockerd.log)"
    nohup dockerd >/var/log/dockerd.log 2>&1 &
  fi
  for _ in $(seq 60); do docker_up && break; sleep 1; done
  docker_up || die "dockerd did not come up; see /var/log/dockerd.log"
fi

# buildx with the default "docker" driver: FROM resolves local images by tag
# without any registry lookup, which is what the offline build needs.
"$DOCKER" buildx version >/dev/null || die "docker buildx missing"
log "docker $("$DOCKER" version --format '{{.Server.Version}}') ready; $("$DOCKER" buildx version)"
