#!/bin/sh
# Component test (runs inside the image): every promised GStreamer element
# (/usr/share/backpack/gstreamer-elements.txt) exists, and the Python bindings and the
# RTSP server load. Prints one JSON object; exit status 0 when all checks pass.
set -eu
list=${1:-/usr/share/backpack/gstreamer-elements.txt}
fail=0
elements=""
# (not --exists: it also demands the plugin's version >= GStreamer's, and kvssink says 1.0)
for e in $(sed -e 's/#.*//' -e 's/[[:space:]]//g' -e '/^$/d' -e '/^file:/d' -e '/^gi:/d' "$list"); do
  if gst-inspect-1.0 "$e" >/dev/null 2>&1; then elements="$elements\"$e\": true,"; else
    elements="$elements\"$e\": false,"; fail=1; fi
done
gst=$(python3 -c 'import gi; gi.require_version("Gst", "1.0"); from gi.repository import Gst; Gst.init(None); print(Gst.version_string())') || fail=1
rtsp=$(python3 -c 'import gi; gi.require_version("GstRtspServer", "1.0"); from gi.repository import GstRtspServer; print("ok")') || fail=1
printf '{"machine": "%s", "elements": {%s "_": true}, "gstreamer": "%s", "rtsp_server": "%s"}\n' \
  "$(uname -m)" "$elements" "$gst" "$rtsp"
exit $fail
