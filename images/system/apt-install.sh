#!/bin/sh
# Install the packages listed in a file, without recommends, for the base's release;
# with --download-only DIR, only fetch the .deb files apt would install into DIR (what
# is already installed is not fetched), for images/system/extract-debs.sh to unpack on
# the build platform instead of under emulation.
# A line is a package name, or `<codename>:<name>` for a name that differs between
# Debian releases (e.g. `trixie:libssl3t64`); the codename is the base image's
# VERSION_CODENAME (/etc/os-release). Comments and blank lines are ignored. apt's
# lists and archives live in BuildKit cache mounts, so nothing of them stays in the layer.
set -eu
download=
if [ "$1" = --download-only ]; then download=$2; shift 2; fi
list=$1
export DEBIAN_FRONTEND=noninteractive
release=$(. /etc/os-release && echo "${VERSION_CODENAME:-unknown}")
names=$(sed -e 's/#.*//' -e 's/[[:space:]]*$//' -e '/^[[:space:]]*$/d' "$list")
# Release-qualified lines must name this release, else the list does not support it.
if echo "$names" | grep -q ':' && ! echo "$names" | grep -q "^$release:"; then
  echo "apt-install: $list has no entries for this base's release '$release'" \
    "(it lists: $(echo "$names" | sed -n 's/^\([a-z]*\):.*/\1/p' | sort -u | tr '\n' ' '))." \
    "Add '$release:<package>' lines for the release-specific names." >&2
  exit 1
fi
packages=$(echo "$names" | sed -n -e "/^$release:/{s/^$release://p;b" -e "}" -e '/:/!p' | tr '\n' ' ')
apt-get update -qq
if [ -n "$download" ]; then
  mkdir -p "$download/partial"
  # shellcheck disable=SC2086
  apt-get install -y -qq --no-install-recommends --download-only \
    -o Dir::Cache::Archives="$download" $packages
  rm -rf "$download/partial" "$download/lock"
  echo "apt-install: $(ls "$download" | wc -l) packages downloaded to $download"
else
  # shellcheck disable=SC2086
  apt-get install -y -qq --no-install-recommends $packages
fi
