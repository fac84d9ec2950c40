#!/bin/sh
# Build the KVS producer SDK (C++) and its GStreamer plugin kvssink for
# $TARGETARCH on the build platform, against the target's system libraries
# (libcurl, OpenSSL, log4cplus, GStreamer) from /sysroot.
#
# Input:  /src/kvs-sdk = named context `kvs-sdk-src` (upstream Git tag, a local
#         checkout, or images/kvssink/offline-placeholder when offline).
# Output: /out/opt/kvs-sdk/{lib,plugin}/ and /out/opt/kvs-sdk/STATUS
#         ("present <version>" or "absent <reason>").
#
# The present path cannot be exercised in the offline workplace this was written
# in (no route to GitHub): it follows the SDK's documented CMake options.
set -eu
. /images/toolchain/env.sh
src=/src/kvs-sdk
out=/out/opt/kvs-sdk
mkdir -p "$out/lib" "$out/plugin"

if [ ! -f "$src/CMakeLists.txt" ]; then
  echo "absent: no KVS producer SDK source in the kvs-sdk-src context (offline build)" >"$out/STATUS"
  cat "$out/STATUS"
  exit 0
fi

# The SDK writes into its source tree (dependency/ checkouts) and compiles the
# path of its certs/cert.pem into the library: build from a writable copy at the
# path the cert is shipped under in the image.
tree=/opt/kvs-sdk/sdk-src
rm -rf "$tree" && mkdir -p "$tree" && cp -a "$src"/. "$tree"/
mkdir -p "/out$tree/certs" && cp "$tree/certs/cert.pem" "/out$tree/certs/"
work=/tmp/kvs-build
rm -rf "$work" && mkdir -p "$work"
# BUILD_DEPENDENCIES=OFF: link the system libcurl/openssl/log4cplus/gstreamer of
# the sysroot instead of the SDK's own downloaded copies. The SDK still fetches
# its producer-c/PIC dependency at configure time (needs network, like the tag).
cmake -S "$tree" -B "$work" -G Ninja \
  -DCMAKE_TOOLCHAIN_FILE=/images/toolchain/toolchain.cmake \
  -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_INSTALL_PREFIX=/opt/kvs-sdk \
  -DBUILD_GSTREAMER_PLUGIN=ON \
  -DBUILD_DEPENDENCIES=OFF \
  -DBUILD_SAMPLES=OFF -DBUILD_JNI=OFF -DBUILD_TEST=OFF -DCODE_COVERAGE=OFF -DBUILD_STATIC=OFF
ninja -C "$work" -j"$(nproc)"
find "$work" -name 'libgstkvssink.so' -exec cp -a {} "$out/plugin/" \;
find "$work" -name 'lib*.so*' ! -name 'libgstkvssink.so' -exec cp -a {} "$out/lib/" \;
[ -f "$out/plugin/libgstkvssink.so" ] || { echo "kvssink was not built" >&2; exit 1; }
"$TARGET_TRIPLET-strip" --strip-unneeded "$out"/plugin/*.so "$out"/lib/*.so* 2>/dev/null || true
echo "present ${KVS_SDK_VERSION:-unknown}" >"$out/STATUS"
cat "$out/STATUS"
rm -rf "$work" "$tree/dependency"
