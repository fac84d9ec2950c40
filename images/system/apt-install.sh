#!/bin/sh
# Resolve and fetch, or install, the packages of a list for a target base image.
#
#   apt-install.sh --root ROOT --download-only DEST LIST
#       Fetch into DEST the .deb files the packages of LIST and their dependencies need
#       on the base whose files are at ROOT (what it has installed is not fetched). apt
#       runs on the build platform with ROOT's sources, keys, dpkg status, release and
#       architecture: no emulation, whatever the target architecture.
#   apt-install.sh --debs DIR
#       Install the .deb files of DIR (fetched as above) in this system, without
#       recommends and without package lists (apt orders them; nothing is downloaded).
#
# A LIST line is a package name, or `<codename>:<name>` for a name that differs between
# Debian releases (e.g. `trixie:libssl3t64`); the codename is ROOT's VERSION_CODENAME
# (/etc/os-release). Comments and blank lines are ignored.
set -eu
export DEBIAN_FRONTEND=noninteractive
usage() { echo "usage: apt-install.sh --root ROOT --download-only DEST LIST | --debs DIR" >&2; exit 2; }

if [ "${1:-}" = --debs ]; then
  [ $# = 2 ] || usage
  set -- "$2"/*.deb
  [ -e "$1" ] || { echo "apt-install: nothing to install (the base has every package)"; exit 0; }
  apt-get install -y -qq --no-install-recommends "$@"
  echo "apt-install: $# packages installed"
  exit 0
fi

[ "${1:-}" = --root ] && [ "${3:-}" = --download-only ] && [ $# = 5 ] || usage
root=$2 dest=$4 list=$5
[ -f "$root/etc/os-release" ] || { echo "apt-install: no $root/etc/os-release" >&2; exit 1; }
release=$(. "$root/etc/os-release" && echo "${VERSION_CODENAME:-unknown}")
names=$(sed -e 's/#.*//' -e 's/[[:space:]]*$//' -e '/^[[:space:]]*$/d' "$list")
# Release-qualified lines must name this release, else the list does not support it.
if echo "$names" | grep -q ':' && ! echo "$names" | grep -q "^$release:"; then
  echo "apt-install: $list has no entries for this base's release '$release'" \
    "(it lists: $(echo "$names" | sed -n 's/^\([a-z]*\):.*/\1/p' | sort -u | tr '\n' ' '))." \
    "Add '$release:<package>' lines for the release-specific names." >&2
  exit 1
fi
packages=$(echo "$names" | sed -n -e "/^$release:/{s/^$release://p;b" -e "}" -e '/:/!p' | tr '\n' ' ')
arch=$(dpkg-query --admindir="$root/var/lib/dpkg" -W -f='${Architecture}' base-files)

# apt reads a source's Signed-By key from this system's path, not ROOT's: make ROOT's keys
# (e.g. an extra repository's) readable there too, when this system has no such file.
keys=$(cat "$root"/etc/apt/sources.list "$root"/etc/apt/sources.list.d/*.list \
  "$root"/etc/apt/sources.list.d/*.sources 2>/dev/null |
  sed -n -e 's/^Signed-By:[[:space:]]*\(\/[^[:space:]]*\).*/\1/p' \
    -e 's/.*\[[^]]*signed-by=\(\/[^] ]*\).*/\1/p' | sort -u)
for key in $keys; do
  if [ ! -e "$key" ] && [ -f "$root$key" ]; then
    mkdir -p "$(dirname "$key")" && cp "$root$key" "$key"
  fi
done

# apt of the build platform on ROOT's files; no package caches are written into ROOT.
set -- -o Dir="$root" -o Dir::State::status="$root/var/lib/dpkg/status" \
  -o APT::Architecture="$arch" -o APT::Architectures="$arch" \
  -o Dir::Cache::pkgcache= -o Dir::Cache::srcpkgcache= -o Dir::Cache::Archives="$dest"
mkdir -p "$dest/partial"
apt-get "$@" update -qq
# shellcheck disable=SC2086
apt-get "$@" install -y -qq --no-install-recommends --download-only $packages
rm -rf "$dest/partial" "$dest/lock"
echo "apt-install: $(find "$dest" -maxdepth 1 -name '*.deb' | wc -l) $arch packages for $release in $dest"
