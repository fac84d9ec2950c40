#!/usr/bin/env bash
# Bootstrap the offline base images (Debian $DEBIAN_RELEASE, minbase: bookworm by
# default, trixie too) with debootstrap and import them as local images tagged per
# architecture: $BASE_REPO:$DEBIAN_RELEASE-<arch>, e.g. backpack-local/debian:bookworm-arm64
# Only used when no registry can supply a base image; skipped per architecture
# when the tag already exists. arm64 runs its second stage under qemu (binfmt).
#
# Usage: [DEBIAN_RELEASE=trixie] build/steps/bootstrap-base-images.sh [amd64] [arm64]
set -euo pipefail
# shellcheck source=build/steps/lib.sh
source "$(dirname "$0")/lib.sh"

mirror=${DEBIAN_MIRROR:-$(debian_mirror)}
archs=("$@")
# shellcheck disable=SC2206
((${#archs[@]})) || archs=($ARCHES)
work=$BACKPACK_CACHE/rootfs
mkdir -p "$work"

bootstrap() {
  local arch=$1 tag dir tarball ctx
  tag=$(base_tag "$arch")
  if "$DOCKER" image inspect "$tag" >/dev/null 2>&1; then
    log "$tag already present"
    return 0
  fi
  dir=$work/$DEBIAN_RELEASE-$arch
  tarball=$work/$DEBIAN_RELEASE-$arch.tar
  if [ ! -s "$tarball" ]; then
    rm -rf "$dir"
    log "debootstrap $DEBIAN_RELEASE $arch -> $dir"
    debootstrap --variant=minbase --arch="$arch" "$DEBIAN_RELEASE" "$dir" "$mirror" \
      >"$work/debootstrap-$arch.log" 2>&1 || {
      tail -20 "$work/debootstrap-$arch.log" >&2
      die "debootstrap $arch failed"
    }
    # Same trimming the official debian images do: no apt lists or package cache.
    rm -rf "$dir"/var/lib/apt/lists/* "$dir"/var/cache/apt/*.bin "$dir"/var/cache/apt/archives/*.deb \
      "$dir"/var/log/*.log "$dir"/tmp/* "$dir"/root/.bash_history
    printf 'APT::Install-Recommends "false";\nAPT::Install-Suggests "false";\n' \
      >"$dir/etc/apt/apt.conf.d/90backpack-no-recommends"
    tar --numeric-owner -C "$dir" -cf "$tarball.tmp" . && mv "$tarball.tmp" "$tarball"
    rm -rf "$dir"
  fi
  ctx=$(mktemp -d)
  ln "$tarball" "$ctx/rootfs.tar" 2>/dev/null || cp "$tarball" "$ctx/rootfs.tar"
  cat >"$ctx/Dockerfile" <<'DF'
FROM scratch
ADD rootfs.tar /
ENV LANG=C.UTF-8
CMD ["bash"]
DF
  log "importing $tag"
  "$DOCKER" buildx build --platform "linux/$arch" --load -t "$tag" \
    --label "org.opencontainers.image.title=Debian $DEBIAN_RELEASE ($arch, debootstrap minbase)" \
    --label "org.opencontainers.image.source=$mirror" "$ctx" >&2
  rm -rf "$ctx"
}

# Side by side: amd64's native debootstrap overlaps arm64's emulated second stage.
pids=()
for arch in "${archs[@]}"; do
  bootstrap "$arch" &
  pids+=($!)
done
failed=0
for pid in "${pids[@]}"; do wait "$pid" || failed=1; done
[ "$failed" = 0 ] || die "bootstrapping the base images failed (see the messages above)"
