#!/bin/sh
# Build kvssink (the KVS producer SDK's GStreamer plugin) with the C++ SDK, its C
# producer and PIC, from the three pinned archives, against the system's libcurl,
# OpenSSL, log4cplus and GStreamer (BUILD_DEPENDENCIES=OFF). No network: the SDK's
# configure-time `git clone`s are pointed at the extracted archives.
#
# In the image (kvssink-build stage): cross for $TARGETARCH against /sysroot with
# TOOLCHAIN=/images/toolchain. On a host (build/steps/host-kvssink.sh): native, TOOLCHAIN unset.
#
# Environment:
#   KVS_SOURCES   archives + SHA256SUMS + STATUS (build/steps/fetch-sources.sh)  [/src/kvs-sources]
#   KVS_PREFIX    where the files live at run time                         [/opt/kvs-sdk]
#   OUT           root the prefix is copied under ($OUT$KVS_PREFIX)         [/out]
#   KVS_SDK_VERSION KVS_PRODUCER_C_VERSION KVS_PIC_VERSION KVS_PIC_NOTE     (bake args)
# Output: $OUT$KVS_PREFIX/plugin/libgstkvssink.so, lib/ (producer libraries), STATUS
#   ("present <cpp version> (...)" or "absent: <reason>"). RUNPATHs are $ORIGIN-relative,
#   so the tree works wherever it is copied with GST_PLUGIN_PATH pointing at plugin/.
set -eu
: "${KVS_SDK_VERSION:?}" "${KVS_PRODUCER_C_VERSION:?}" "${KVS_PIC_VERSION:?}"
sources=${KVS_SOURCES:-/src/kvs-sources}
prefix=${KVS_PREFIX:-/opt/kvs-sdk}
out=${OUT:-/out}$prefix
rm -rf "$out" && mkdir -p "$out/lib" "$out/plugin"

status=$(cat "$sources/STATUS" 2>/dev/null || echo "absent: no STATUS in the kvs-sources context")
case "$status" in
  present*) ;;
  *) echo "$status" >"$out/STATUS"; cat "$out/STATUS"; exit 0 ;;
esac
(cd "$sources" && sha256sum -c --quiet SHA256SUMS)

cmake_args=""
if [ -n "${TOOLCHAIN:-}" ]; then
  . "$TOOLCHAIN/env.sh"
  cmake_args="-DCMAKE_TOOLCHAIN_FILE=$TOOLCHAIN/toolchain.cmake"
  strip=$TARGET_TRIPLET-strip
else
  strip=strip
fi

work=${KVS_WORK:-/tmp/kvs-build}
rm -rf "$work" && mkdir -p "$work"
extract() {  # archive-name -> directory
  mkdir -p "$work/$2"
  tar -xzf "$sources/$1" -C "$work/$2" --strip-components=1
}
extract "amazon-kinesis-video-streams-producer-sdk-cpp-$KVS_SDK_VERSION.tar.gz" cpp
extract "amazon-kinesis-video-streams-producer-c-$KVS_PRODUCER_C_VERSION.tar.gz" producer-c
extract "amazon-kinesis-video-streams-pic-$KVS_PIC_VERSION.tar.gz" pic

# Each ExternalProject that would clone a repository copies a local directory instead
# (ExternalProject's URL accepts one). Fail loudly if upstream changes the file's shape.
use_local() {  # dependency CMakeLists.txt, directory
  sed -i -e "s|^\([[:space:]]*\)GIT_REPOSITORY[[:space:]].*|\1URL \"$2\"|" \
    -e '/^[[:space:]]*GIT_\(TAG\|SHALLOW\|PROGRESS\)[[:space:]]/d' "$1"
  grep -q "URL \"$2\"" "$1" && ! grep -q 'GIT_' "$1" || { echo "cannot localize $1" >&2; exit 1; }
}
use_local "$work/cpp/CMake/Dependencies/libkvscproducer-CMakeLists.txt" "$work/producer-c"
use_local "$work/producer-c/CMake/Dependencies/libkvspic-CMakeLists.txt" "$work/pic"

# PIC's Thread.c calls pthread_getname_np without _GNU_SOURCE, which declares it: GCC 14
# (trixie) rejects the implicit declaration that GCC 12 (bookworm) only warned about.
export CFLAGS="${CFLAGS:+$CFLAGS }-D_GNU_SOURCE"
# shellcheck disable=SC2086
cmake -S "$work/cpp" -B "$work/build" $cmake_args \
  -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_INSTALL_PREFIX="$prefix" \
  -DCMAKE_BUILD_WITH_INSTALL_RPATH=ON \
  '-DCMAKE_INSTALL_RPATH=$ORIGIN:$ORIGIN/../lib' \
  -DBUILD_GSTREAMER_PLUGIN=ON -DBUILD_DEPENDENCIES=OFF \
  -DBUILD_JNI=OFF -DBUILD_TEST=OFF -DCODE_COVERAGE=OFF -DBUILD_STATIC=OFF \
  >"$work/configure.log" 2>&1 || { tail -40 "$work/configure.log" >&2; exit 1; }
make -C "$work/build" -j"$(nproc)" gstkvssink >"$work/make.log" 2>&1 ||
  { tail -40 "$work/make.log" >&2; exit 1; }

cp -a "$(find "$work/build" -name libgstkvssink.so | head -1)" "$out/plugin/"
for lib in libKinesisVideoProducer.so 'libcproducer.so*' 'libkvsCommonCurl.so*'; do
  find "$work/build" -name "$lib" -exec cp -a {} "$out/lib/" \;
done
$strip --strip-unneeded "$out"/plugin/*.so
find "$out/lib" -type f -exec $strip --strip-unneeded {} \;
echo "present $KVS_SDK_VERSION (producer-c $KVS_PRODUCER_C_VERSION, pic $KVS_PIC_VERSION${KVS_PIC_NOTE:+: $KVS_PIC_NOTE})" \
  >"$out/STATUS"
ls -lR "$out"
cat "$out/STATUS"
rm -rf "$work"
