#!/usr/bin/env bash
# Fetch the pinned source archives the image build consumes, into a download
# cache outside the repository (build/ is source, never output):
#   $BACKPACK_CACHE/downloads/opencv_python-<version>.tar.gz   (PyPI sdist)
# The sha256 is verified here and again inside the build (images/opencv/build.sh).
# The sdist URL is taken from PyPI's simple index (pip download cannot fetch an
# sdist without building its metadata, which for opencv-python means compiling).
set -euo pipefail
# shellcheck source=build/lib.sh
source "$(dirname "$0")/lib.sh"

version=${OPENCV_PYTHON_VERSION:-5.0.0.93}
sha256=${OPENCV_PYTHON_SHA256:-66aac3e5b5faa48d4025816592f3af19e4bfc2c68dec067bae2dbb4ca10aa9e2}
index=${PYPI_SIMPLE_URL:-https://pypi.org/simple}
dir=$BACKPACK_CACHE/downloads
file=opencv_python-$version.tar.gz
mkdir -p "$dir"

verify() { echo "$sha256  $dir/$file" | sha256sum -c --quiet - 2>/dev/null; }

if [ -f "$dir/$file" ] && verify; then
  log "$file present (sha256 ok)"
  exit 0
fi
url=$(curl -fsSL "$index/opencv-python/" |
  grep -o "href=\"[^\"]*/$file#sha256=$sha256\"" | head -1 | sed -e 's/^href="//' -e 's/#.*//')
[ -n "$url" ] || die "$file with sha256 $sha256 not listed on $index/opencv-python/"
log "downloading $url"
curl -fsSL --retry 3 -o "$dir/$file.part" "$url"
mv "$dir/$file.part" "$dir/$file"
verify || { rm -f "$dir/$file"; die "$file: sha256 mismatch"; }
log "$file fetched (sha256 ok)"
