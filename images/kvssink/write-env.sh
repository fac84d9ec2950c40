#!/bin/sh
# Write the dotenv file KVSSpyGlass reads (dotenv_path="/panorama/.env") from the
# image's own ENV, so the two can never disagree, with a comment that says
# whether kvssink is really in the image.
set -eu
dest=${1:-/panorama/.env}
status=$(cat "${KVS_SDK_HOME:?}/STATUS" 2>/dev/null || echo "absent: no STATUS marker")
mkdir -p "$(dirname "$dest")"
{
  echo "# Backpack base image: GStreamer environment for KVSSpyGlass (python-dotenv format)."
  echo "# Usage: KVSSpyGlass(..., dotenv_path=\"$dest\"). Same values as the image ENV."
  case "$status" in
    present*) echo "# kvssink: ${status}"
       echo "# (plugin in GST_PLUGIN_PATH, SDK libraries in LD_LIBRARY_PATH)" ;;
    *) echo "# kvssink: ABSENT - ${status#absent: }."
       echo "# GST_PLUGIN_PATH points to an empty directory; KVSSpyGlass cannot stream until an"
       echo "# image built with the KVS producer SDK sources is used (BACKPACK_SOURCES_DIR=..."
       echo "# or a machine that reaches the upstream tags; see images/README.md)." ;;
  esac
  echo "GST_PLUGIN_PATH=${GST_PLUGIN_PATH:?}"
  echo "LD_LIBRARY_PATH=${LD_LIBRARY_PATH:?}"
} >"$dest"
chmod 0644 "$dest"
cat "$dest"
