#!/bin/sh
# Unpack .deb files into a root directory without installing them (no maintainer
# scripts, no emulation: it runs on the build platform for any target architecture).
# Files a package ships under /lib (not merged into /usr) are moved under /usr/lib.
#
# Usage: extract-debs.sh DEB_DIR ROOT
set -eu
debs=$1
root=$2
mkdir -p "$root/usr/lib"
count=0
for deb in "$debs"/*.deb; do
  dpkg-deb -x "$deb" "$root"
  count=$((count + 1))
done
[ "$count" -gt 0 ] || { echo "extract-debs: no .deb in $debs" >&2; exit 1; }
if [ -d "$root/lib" ] && [ ! -L "$root/lib" ]; then
  cp -a "$root/lib/." "$root/usr/lib/"
  rm -rf "$root/lib"
fi
echo "extract-debs: $count packages into $root ($(du -sh "$root" | cut -f1))"
