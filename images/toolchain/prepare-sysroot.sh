#!/bin/sh
# Make the copied target /usr usable as a sysroot: recreate the merged-/usr
# top-level links and turn absolute symlinks (e.g. libz.so -> /lib/...) into
# relative ones so they resolve inside /sysroot instead of on the build host.
set -eu
cd /sysroot
for d in lib lib64 bin sbin; do
  if [ -d "usr/$d" ] && [ ! -e "$d" ]; then ln -s "usr/$d" "$d"; fi
done
symlinks -cr /sysroot >/dev/null
