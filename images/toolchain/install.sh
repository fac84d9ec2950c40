#!/bin/sh
# Build-platform toolchain for the compile stages: cmake/ninja/ccache, the
# native compiler and the cross compiler for the other architecture, pkg-config
# and python3 (OpenCV's code generators run on the build host).
set -eu
export DEBIAN_FRONTEND=noninteractive
case "$(dpkg --print-architecture)" in
  amd64) cross=g++-aarch64-linux-gnu ;;
  arm64) cross=g++-x86-64-linux-gnu ;;
  *) cross= ;;
esac
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends \
  cmake ninja-build ccache make g++ $cross pkg-config python3 symlinks file ca-certificates
