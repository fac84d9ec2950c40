# Shared helpers for the build/ host scripts (sourced, not executed).
# shellcheck shell=bash

# Repository root and the output/cache directories (outside build/, which is source only).
BACKPACK_ROOT=${BACKPACK_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
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

# Every pin of docker-bake.hcl (or its environment override) as a shell variable:
# ARCHES, DEBIAN_RELEASE, BASE_REPO, REGISTRY, TAG, versions, ...
# (Skipped where only the helpers are needed: a container with only build/ mounted.)
if [ -f "$BACKPACK_ROOT/docker-bake.hcl" ]; then
  command -v python3 >/dev/null || apt_install python3  # a minimal host may lack it
  eval "$(python3 "$BACKPACK_ROOT/build/steps/pins.py" --shell)"
fi
# Per-architecture tags of the bootstrapped base images (bake's base_image default).
base_tag() { echo "$BASE_REPO:$DEBIAN_RELEASE-$1"; }

# The Docker packages taken from trixie (bookworm's 20.10 engine lacks named build
# contexts); nothing else may leave the host's release (tests/image/test_host_safety.py).
DOCKER_TRIXIE_PACKAGES=(docker.io docker-cli docker-buildx)
# What may come along from trixie with them: the engine's own set.
DOCKER_ENGINE_SET=(docker.io docker-cli docker-buildx containerd runc tini)

# A trixie apt source on this host's mirror, pinned at 100 so apt never prefers it.
add_trixie_source() {
  [ -f /etc/apt/sources.list.d/backpack-trixie.sources ] && return 0
  local mirror
  mirror=$(debian_mirror)
  cat >/etc/apt/sources.list.d/backpack-trixie.sources <<SRC
Types: deb
URIs: $mirror
Suites: trixie
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
  cat >/etc/apt/preferences.d/backpack-trixie <<'PIN'
Package: *
Pin: release n=trixie
Pin-Priority: 100
PIN
}

# Simulate the Docker install (apt-get -s; needs add_trixie_source and apt-get update)
# and fail, naming them, if packages outside the engine's set would come from trixie.
# Arguments replace the default install arguments (the tests check a bad plan too).
docker_install_plan_check() {
  local plan moved release p a allowed args=("$@")
  ((${#args[@]})) || args=("${DOCKER_TRIXIE_PACKAGES[@]/%//trixie}")
  plan=$(apt-get -s install --no-install-recommends "${args[@]}" 2>&1) ||
    { echo "$plan" >&2; die "apt cannot plan the Docker install"; }
  # "Inst pkg [old] (version Debian:13.8/stable [arch])": the archive's release number
  # tells where a package comes from (suite names move: trixie is "stable" today).
  release=$(. /etc/os-release && echo "$VERSION_ID")
  moved=$(echo "$plan" | sed -n 's/^Inst \([^ ]*\) .*(\S* [A-Za-z-]*:\([0-9]*\)[^ ]* .*/\1 \2/p' |
    awk -v r="$release" '$2 != r {print $1}')
  for p in $moved; do
    allowed=0
    for a in "${DOCKER_ENGINE_SET[@]}"; do [ "${p%%:*}" = "$a" ] && allowed=1; done
    [ "$allowed" = 1 ] || die "installing Docker would move $p to trixie; refusing (plan: apt-get -s)"
  done
  log "Docker install plan: from another release only:" $moved
}

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
