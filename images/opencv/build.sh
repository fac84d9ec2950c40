#!/bin/sh
# Compile OpenCV from the opencv-python sdist (its bundled opencv/ tree) for
# $TARGETARCH with the GStreamer videoio backend, headless, as one static
# python3 extension `cv2` for the base's Debian python3 (3.11 on bookworm, 3.13 on
# trixie: read from the sysroot). Runs on the build platform:
# native gcc for amd64, aarch64-linux-gnu-gcc for arm64, both against /sysroot.
#
# Inputs:  /sdist/opencv_python-$OPENCV_PYTHON_VERSION.tar.gz (named context
#          `opencv-sdist`), verified against $OPENCV_PYTHON_SHA256.
# Output:  /out/usr/local/lib/python3.X/dist-packages/cv2.cpython-3X-<triplet>.so
set -eu
: "${OPENCV_PYTHON_VERSION:?}" "${OPENCV_PYTHON_SHA256:?}"
. /images/toolchain/env.sh

sdist=/sdist/opencv_python-$OPENCV_PYTHON_VERSION.tar.gz
[ -f "$sdist" ] || { echo "missing $sdist: run build/steps/fetch-sources.sh" >&2; exit 1; }
echo "$OPENCV_PYTHON_SHA256  $sdist" | sha256sum -c -

work=/tmp/opencv
rm -rf "$work" && mkdir -p "$work"
tar -xzf "$sdist" -C "$work" --strip-components=1 "opencv_python-$OPENCV_PYTHON_VERSION/opencv"

# CPU baseline and dispatch: what edge hardware runs. amd64: x86-64-v2 (SSE4.2: every
# Atom/Celeron since Silvermont, every Core since Nehalem) as the baseline, AVX2 as the
# one dispatched variant (Haswell and later); AVX-512 and the SSE4.1/AVX/FP16 variants
# are dropped to cut the compile. arm64: NEON baseline, FP16 and DOTPROD dispatched
# (Cortex-A76/A78 in Raspberry Pi 5, Jetson Orin, Graviton 2/3); BF16/SVE dropped.
case "$TARGETARCH" in
  amd64) baseline="SSE4_2"; dispatch="AVX2" ;;
  arm64) baseline="NEON"; dispatch="NEON_FP16;NEON_DOTPROD" ;;
esac

# The target's Python and numpy, as the sysroot has them (numpy 2 moved its headers to _core).
pyinc=$(ls -d "$SYSROOT"/usr/include/python3.* | sort -V | tail -1)
pyver=${pyinc##*/python}
numpy_inc=$(ls -d "$SYSROOT"/usr/lib/python3/dist-packages/numpy/_core/include \
  "$SYSROOT"/usr/lib/python3/dist-packages/numpy/core/include 2>/dev/null | head -1)
[ -n "$numpy_inc" ] || { echo "no numpy headers in the sysroot" >&2; exit 1; }
echo "target python $pyver, numpy headers $numpy_inc"
site=/usr/local/lib/python$pyver/dist-packages
# Precompiled headers cut the compile (CPU-s: amd64 530 -> 437, arm64 591 -> 407) and
# leave cv2 the same size. OpenCV offers them only without ccache and when not cross-compiling; this cross build is
# self-contained (sysroot, explicit Python/numpy paths), so CMAKE_CROSSCOMPILING=OFF only
# lifts that guard. With CCACHE=1 (a recompile loop) ccache is used instead.
if [ "${CCACHE:-0}" = 1 ]; then
  pch="-DENABLE_PRECOMPILED_HEADERS=OFF"
else
  pch="-DENABLE_PRECOMPILED_HEADERS=ON -DCMAKE_CROSSCOMPILING=OFF"
fi
cmake -S "$work/opencv" -B "$work/build" -G Ninja \
  -DCMAKE_TOOLCHAIN_FILE=/images/toolchain/toolchain.cmake \
  -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_INSTALL_PREFIX=/usr/local \
  -DBUILD_LIST=core,imgproc,imgcodecs,videoio,features,python3 \
  -DBUILD_SHARED_LIBS=OFF \
  -DCPU_BASELINE="$baseline" -DCPU_DISPATCH="$dispatch" \
  -DBUILD_TESTS=OFF -DBUILD_PERF_TESTS=OFF -DBUILD_EXAMPLES=OFF -DBUILD_opencv_apps=OFF \
  -DBUILD_DOCS=OFF -DBUILD_JAVA=OFF -DBUILD_opencv_java=OFF -DBUILD_opencv_js=OFF \
  -DBUILD_opencv_python2=OFF -DBUILD_opencv_python3=ON \
  $pch -DENABLE_CCACHE=OFF -DOPENCV_GENERATE_PKGCONFIG=OFF \
  -DWITH_GSTREAMER=ON \
  -DWITH_FFMPEG=OFF -DWITH_V4L=OFF -DWITH_1394=OFF -DWITH_GPHOTO2=OFF -DWITH_OBSENSOR=OFF \
  -DWITH_GTK=OFF -DWITH_QT=OFF -DWITH_OPENGL=OFF -DWITH_WAYLAND=OFF -DWITH_VTK=OFF \
  -DWITH_OPENCL=OFF -DWITH_CUDA=OFF -DWITH_VA=OFF -DWITH_VA_INTEL=OFF -DWITH_OPENVINO=OFF \
  -DWITH_IPP=OFF -DWITH_ITT=OFF -DWITH_TBB=OFF -DWITH_OPENMP=OFF -DWITH_EIGEN=OFF \
  -DWITH_LAPACK=OFF -DWITH_PROTOBUF=OFF -DWITH_ADE=OFF -DWITH_KLEIDICV=OFF -DWITH_FASTCV=OFF \
  -DWITH_UNIFONT=OFF -DWITH_NDSRVP=OFF -DWITH_GDAL=OFF -DWITH_GDCM=OFF -DWITH_OPENEXR=OFF -DWITH_TIFF=OFF \
  -DWITH_WEBP=OFF -DWITH_OPENJPEG=OFF -DWITH_JASPER=OFF -DWITH_AVIF=OFF -DWITH_SPNG=OFF \
  -DWITH_JPEG=ON -DBUILD_JPEG=OFF -DWITH_PNG=ON -DBUILD_PNG=OFF -DBUILD_ZLIB=OFF \
  -DOPENCV_SKIP_PYTHON_LOADER=ON \
  -DPYTHON3_EXECUTABLE=/usr/bin/python3 \
  -DPYTHON3_INCLUDE_PATH="$SYSROOT/usr/include/python$pyver" \
  -DPYTHON3_LIBRARIES="$SYSROOT/usr/lib/$TARGET_TRIPLET/libpython$pyver.so" \
  -DPYTHON3_NUMPY_INCLUDE_DIRS="$numpy_inc" \
  -DPYTHON3_PACKAGES_PATH="$site" \
  -DPYTHON3_CVPY_SUFFIX=".cpython-$(echo "$pyver" | tr -d .)-$TARGET_TRIPLET.so"

grep -E "GStreamer|Python 3|Interpreter|Libraries|numpy|install path" "$work/build/CMakeCache.txt" >/dev/null || true
ninja -C "$work/build" -j"$(nproc)"
DESTDIR=/out cmake --install "$work/build" --strip --component python
ls -l "/out$site"
ccache -s | grep -Ei "hit|miss" || true
rm -rf "$work"
