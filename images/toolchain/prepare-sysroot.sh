#!/bin/sh
# Make the copied target /usr usable as a sysroot: recreate the merged-/usr
# top-level links and turn absolute symlinks (e.g. libz.so -> /lib/...) into
# relative ones so they resolve inside /sysroot instead of on the build host.
set -eu
. /images/toolchain/env.sh
cd /sysroot
for d in lib lib64 bin sbin; do
  if [ -d "usr/$d" ] && [ ! -e "$d" ]; then ln -s "usr/$d" "$d"; fi
done
symlinks -cr /sysroot >/dev/null
# Debian's cross g++ looks for its C++ headers under <sysroot>/usr/<triplet>/include
# (it was configured with sysroot "/"): point that at the cross libstdc++ headers
# of the build host (BUILD_IMAGE is the target's release: the same GCC as its libstdc++).
if [ -d "/usr/$TARGET_TRIPLET/include" ] && [ ! -e "/sysroot/usr/$TARGET_TRIPLET" ]; then
  ln -s "/usr/$TARGET_TRIPLET" "/sysroot/usr/$TARGET_TRIPLET"
fi
