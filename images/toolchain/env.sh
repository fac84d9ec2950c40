# Cross-compilation environment for TARGETARCH (sourced by the compile scripts).
# The target's libraries and headers live in /sysroot (copied from the `sysroot`
# stage); the same script serves a native build (amd64 on amd64) and a cross
# build (arm64 on amd64): only the compiler triplet changes.
# shellcheck shell=sh
case "${TARGETARCH:?TARGETARCH not set}" in
  amd64) TARGET_TRIPLET=x86_64-linux-gnu; TARGET_PROCESSOR=x86_64 ;;
  arm64) TARGET_TRIPLET=aarch64-linux-gnu; TARGET_PROCESSOR=aarch64 ;;
  *) echo "unsupported TARGETARCH=$TARGETARCH" >&2; exit 1 ;;
esac
SYSROOT=/sysroot
PKG_CONFIG_SYSROOT_DIR=$SYSROOT
PKG_CONFIG_LIBDIR=$SYSROOT/usr/lib/$TARGET_TRIPLET/pkgconfig:$SYSROOT/usr/share/pkgconfig:$SYSROOT/usr/lib/pkgconfig
PKG_CONFIG_PATH=
CCACHE_DIR=/root/.ccache
CCACHE_MAXSIZE=2G
# ccache only when the build asks for it (bake variable CCACHE=1, for recompiles).
[ "${CCACHE:-0}" = 1 ] || { CCACHE_DISABLE=1; export CCACHE_DISABLE; }
export TARGET_TRIPLET TARGET_PROCESSOR SYSROOT PKG_CONFIG_SYSROOT_DIR PKG_CONFIG_LIBDIR PKG_CONFIG_PATH \
  CCACHE_DIR CCACHE_MAXSIZE
