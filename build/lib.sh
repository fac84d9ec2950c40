# Shared helpers for the build/ host scripts (sourced, not executed).
# shellcheck shell=bash

# Repository root and the output/cache directories (outside build/, which is source only).
BACKPACK_ROOT=${BACKPACK_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
BACKPACK_CACHE=${BACKPACK_CACHE:-/var/cache/backpack}
BACKPACK_OUT=${BACKPACK_OUT:-$BACKPACK_ROOT/out}
export BACKPACK_ROOT BACKPACK_CACHE BACKPACK_OUT

# Prefer Debian's CLI (it matches the engine and carries the buildx plugin path);
# a newer CLI earlier on PATH (e.g. /usr/local/bin/docker 28.x) negotiates the API
# version down by itself, so DOCKER_API_VERSION is left to the caller.
if [ -x /usr/bin/docker ]; then
  DOCKER=/usr/bin/docker
else
  DOCKER=$(command -v docker || echo docker)
fi
export DOCKER
export DOCKER_BUILDKIT=1

log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# Install Debian packages that are not installed yet (quietly, non-interactively).
apt_install() {
  local missing=() p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  ((${#missing[@]})) || return 0
  log "apt-get install ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

docker_up() { "$DOCKER" info >/dev/null 2>&1; }

# Per-architecture tags of the bootstrapped (or user supplied) base images.
BASE_REPO=${BASE_REPO:-backpack-local/debian}
BASE_SUITE=${BASE_SUITE:-bookworm}
base_tag() { echo "$BASE_REPO:$BASE_SUITE-$1"; }

# The Docker packages taken from trixie (bookworm's 20.10 engine lacks named build
# contexts); nothing else may leave the host's release (tests/image/test_host_safety.py).
DOCKER_TRIXIE_PACKAGES=(docker.io docker-cli docker-buildx)

# The Debian mirror this host's apt already uses (its main archive's URI; before the
# first `apt-get update` apt knows no targets, so the sources files are read),
# so the build follows whatever mirror or proxy the machine is set up with.
debian_mirror() {
  local uri
  uri=$(apt-get indextargets --format '$(REPO_URI)' 'Created-By: Packages' 'Label: Debian' \
    2>/dev/null | head -1)
  [ -n "$uri" ] || uri=$(grep -hE '^(URIs:|deb )' /etc/apt/sources.list /etc/apt/sources.list.d/*.sources \
    /etc/apt/sources.list.d/*.list 2>/dev/null | grep -v -- '-security' |
    sed -E 's/^URIs:[[:space:]]*//; s/^deb[[:space:]]+(\[[^]]*\][[:space:]]+)?//; s/[[:space:]].*$//' | head -1)
  [ -n "$uri" ] || die "no Debian mirror found in this host's apt sources"
  echo "${uri%/}"
}

# The simple index pip is configured with on this machine (pip's own default otherwise).
pip_index_url() {
  local url
  url=$(python3 -m pip config get global.index-url 2>/dev/null || true)
  [ -n "$url" ] || url=$(python3 -c 'from pip._internal.models.index import PyPI; print(PyPI.simple_url)')
  echo "${url%/}"
}
