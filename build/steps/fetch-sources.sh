#!/usr/bin/env bash
# Stage the pinned source archives the image build consumes, outside the repository
# (build/ is source, never output). Pins come from docker-bake.hcl (build/steps/pins.py).
#
#   $OPENCV_SDIST_DIR/opencv_python-<version>.tar.gz   (PyPI sdist, sha256-pinned)
#   $KVS_SOURCES_DIR/<repo>-<version>.tar.gz x3        (KVS producer SDK, C producer, PIC)
#   $KVS_SOURCES_DIR/SHA256SUMS, STATUS                ("present ..." or "absent: <reason>")
#
# KVS sources, in order: $BACKPACK_SOURCES_DIR/kvs (offline archives, each checked
# against its pinned sha256; an error when given but wrong), archives already staged,
# the upstream tags (git clone, each checked against its pinned commit), else absent.
# The OpenCV sdist URL is read from the simple index pip is configured with (pip
# download cannot fetch an sdist without building its metadata, i.e. compiling it).
#
# Usage: build/steps/fetch-sources.sh [opencv] [kvs]     (both when none is named)
set -euo pipefail
# shellcheck source=build/steps/lib.sh
source "$(dirname "$0")/lib.sh"
eval "$(python3 "$BACKPACK_ROOT/build/steps/pins.py" --shell)"
wanted=" ${*:-opencv kvs} "

# ------------------------------------------------------------- OpenCV sdist ----
fetch_opencv() {
dir=$OPENCV_SDIST_DIR
file=opencv_python-$OPENCV_PYTHON_VERSION.tar.gz
mkdir -p "$dir"
verify() { echo "$OPENCV_PYTHON_SHA256  $dir/$file" | sha256sum -c --quiet - 2>/dev/null; }
if [ -f "$dir/$file" ] && verify; then
  log "$file present (sha256 ok)"
else
  index=$(pip_index_url)
  url=$(curl -fsSL "$index/opencv-python/" |
    grep -o "href=\"[^\"]*/$file#sha256=$OPENCV_PYTHON_SHA256\"" | head -1 |
    sed -e 's/^href="//' -e 's/#.*//')
  [ -n "$url" ] || die "$file with sha256 $OPENCV_PYTHON_SHA256 not listed on $index/opencv-python/"
  case "$url" in http*) ;; *) url="$index/opencv-python/$url" ;; esac
  log "downloading $file"
  curl -fsSL --retry 3 -o "$dir/$file.part" "$url"
  mv "$dir/$file.part" "$dir/$file"
  verify || { rm -f "$dir/$file"; die "$file: sha256 mismatch"; }
  log "$file fetched (sha256 ok)"
fi
}

# -------------------------------------------------------------- KVS sources ----
stage=$KVS_SOURCES_DIR
mkdir -p "$stage"
# repo  version  commit  sha256 (one line per archive)
components() {
  echo "amazon-kinesis-video-streams-producer-sdk-cpp $KVS_SDK_VERSION $KVS_SDK_COMMIT $KVS_SDK_SHA256"
  echo "amazon-kinesis-video-streams-producer-c $KVS_PRODUCER_C_VERSION $KVS_PRODUCER_C_COMMIT $KVS_PRODUCER_C_SHA256"
  echo "amazon-kinesis-video-streams-pic $KVS_PIC_VERSION $KVS_PIC_COMMIT $KVS_PIC_SHA256"
}
staged_ok() {
  [ -s "$stage/SHA256SUMS" ] && grep -q '^present' "$stage/STATUS" 2>/dev/null &&
    (cd "$stage" && sha256sum -c --quiet SHA256SUMS 2>/dev/null) || return 1
  local repo version _c _s
  while read -r repo version _c _s; do
    grep -q " $repo-$version.tar.gz\$" "$stage/SHA256SUMS" || return 1
  done < <(components)
}
set_status() { echo "$1" >"$stage/STATUS.tmp" && mv "$stage/STATUS.tmp" "$stage/STATUS"; }
clear_stage() { rm -f "$stage"/*.tar.gz "$stage/SHA256SUMS"; }

from_archives() {
  local src=$1 repo version commit sha256 archive
  [ -d "$src" ] || die "BACKPACK_SOURCES_DIR=$BACKPACK_SOURCES_DIR has no kvs/ folder"
  clear_stage
  while read -r repo version commit sha256; do
    archive=$repo-$version.tar.gz
    [ -f "$src/$archive" ] || die "$src/$archive missing (pinned in docker-bake.hcl)"
    echo "$sha256  $src/$archive" | sha256sum -c --quiet - ||
      die "$src/$archive: sha256 differs from the pin $sha256"
    cp "$src/$archive" "$stage/$archive"
    echo "$sha256  $archive" >>"$stage/SHA256SUMS"
  done < <(components)
  set_status "present (archives sha256-verified against the pins)"
}

from_upstream() {
  local repo version commit _sha tmp head archive
  tmp=$(mktemp -d)
  clear_stage
  while read -r repo version commit _sha; do
    archive=$repo-$version.tar.gz
    git clone -q --depth 1 --branch "v$version" "https://github.com/awslabs/$repo.git" "$tmp/$repo" ||
      { rm -rf "$tmp"; return 1; }
    head=$(git -C "$tmp/$repo" rev-parse HEAD)
    [ "$head" = "$commit" ] || { rm -rf "$tmp"; die "$repo v$version is $head, pinned $commit"; }
    git -C "$tmp/$repo" archive --format=tar.gz --prefix="$repo-$version/" -o "$stage/$archive" HEAD
    (cd "$stage" && sha256sum "$archive") >>"$stage/SHA256SUMS"
  done < <(components)
  rm -rf "$tmp"
  set_status "present (upstream tags commit-verified against the pins)"
}

fetch_kvs() {
if [ -n "${BACKPACK_SOURCES_DIR:-}" ]; then
  from_archives "$BACKPACK_SOURCES_DIR/kvs"
  log "KVS sources: $(cat "$stage/STATUS")"
elif staged_ok; then
  log "KVS sources already staged: $(cat "$stage/STATUS")"
elif timeout 15 git ls-remote --exit-code \
  "https://github.com/awslabs/amazon-kinesis-video-streams-producer-sdk-cpp.git" \
  "refs/tags/v$KVS_SDK_VERSION" >/dev/null 2>&1 && from_upstream; then
  log "KVS sources: $(cat "$stage/STATUS")"
else
  clear_stage
  set_status "absent: no KVS producer SDK sources (GitHub unreachable and BACKPACK_SOURCES_DIR unset)"
  log "KVS sources: $(cat "$stage/STATUS"); the image is built without kvssink"
fi
}

case "$wanted" in *" opencv "*) fetch_opencv ;; esac
case "$wanted" in *" kvs "*) fetch_kvs ;; esac
