#!/bin/sh
# Component test (runs inside the image): kvssink is either really there
# (gst-inspect finds it, its libraries resolve) or plainly declared absent
# (no plugin file, STATUS marker and /panorama/.env say so). Prints one JSON
# object; exit status 0 when the image is consistent with its own declaration.
set -eu
status=$(cat "$KVS_SDK_HOME/STATUS")
plugin=$GST_PLUGIN_PATH/libgstkvssink.so
# (not --exists: it demands a plugin version >= GStreamer's; kvssink reports 1.0)
if gst-inspect-1.0 kvssink >/dev/null 2>&1; then found=true; else found=false; fi
if [ -f "$plugin" ]; then file=true; else file=false; fi
if grep -q "^# kvssink: ABSENT" /panorama/.env; then env_absent=true; else env_absent=false; fi
printf '{"status": "%s", "found": %s, "plugin_file": %s, "env_says_absent": %s}\n' \
  "$status" "$found" "$file" "$env_absent"
case "$status" in
  present*) [ "$found" = true ] && [ "$file" = true ] && [ "$env_absent" = false ] ;;
  absent*) [ "$found" = false ] && [ "$file" = false ] && [ "$env_absent" = true ] ;;
  *) exit 1 ;;
esac
