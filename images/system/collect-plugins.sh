#!/bin/sh
# Collect, from a full Debian GStreamer install copied to /full, just the plugin files
# that hold the promised elements (gstreamer-elements.txt) and the shared libraries
# they need that this (slim) system lacks, into /collect; plus the extra files named
# in the list as `file:<path>` (the RTSP server library and its typelib: their Debian
# packages hard-depend on every plugin set). Runs in the target architecture.
#
# Usage: collect-plugins.sh gstreamer-elements.txt       (writes /collect, prints a summary)
set -eu
list=$1
full=/full
triplet=$(python3 -c 'import sysconfig; print(sysconfig.get_config_var("MULTIARCH"))')
libdir=/usr/lib/$triplet
plugins=$libdir/gstreamer-1.0
mkdir -p "/collect$plugins" "/collect$libdir"
export GST_REGISTRY=/tmp/collect-registry.bin GST_PLUGIN_SYSTEM_PATH=$full$plugins

entries=$(sed -e 's/#.*//' -e 's/[[:space:]]//g' -e '/^$/d' "$list")
for entry in $entries; do
  case "$entry" in
    file:*)
      path=${entry#file:}
      path=$(echo "$path" | sed "s|@LIBDIR@|$libdir|")
      for f in $full$path; do
        [ -e "$f" ] || { echo "collect: $path not in the full install" >&2; exit 1; }
        mkdir -p "/collect$(dirname "${f#"$full"}")"
        cp -L "$f" "/collect${f#"$full"}"
      done
      continue ;;
    kvssink) continue ;;  # built by the kvssink stage, not a Debian plugin
    gi:*) continue ;;     # typelibs come with the packages or as file: lines
  esac
  file=$(LD_LIBRARY_PATH=$full$libdir gst-inspect-1.0 "$entry" 2>/dev/null |
    sed -n 's/^  Filename *//p' | head -1)
  [ -n "$file" ] || { echo "collect: no plugin provides element '$entry'" >&2; exit 1; }
  name=$(basename "$file")
  [ -e "$plugins/$name" ] || cp -L "$file" "/collect$plugins/$name"
done

# Library closure: whatever the collected files need that neither this system nor the
# collection has yet, taken from the full install, until nothing is missing.
while :; do
  missing=$(find /collect -name '*.so*' -type f | while read -r f; do
    LD_LIBRARY_PATH=/collect$libdir ldd "$f" 2>/dev/null | sed -n 's/^[[:space:]]*\([^ ]*\) => not found.*/\1/p'
  done | sort -u)
  [ -n "$missing" ] || break
  for soname in $missing; do
    src=$(find "$full$libdir" "$full/lib/$triplet" -maxdepth 1 -name "$soname" 2>/dev/null | head -1)
    [ -n "$src" ] || { echo "collect: $soname needed but not in the full install" >&2; exit 1; }
    cp -L "$src" "/collect$libdir/$soname"
  done
done
echo "collect: $(find "/collect$plugins" -type f | wc -l) plugins, $(find "/collect$libdir" -maxdepth 1 -type f | wc -l) libraries, $(du -sh /collect | cut -f1)"
find /collect -type f | sort
