#!/bin/sh
# Component test (runs inside the image): GStreamer runtime, tools and the
# Python bindings. Prints one JSON object; exit status 0 when all checks pass.
set -eu
fail=0
elements=""
for e in appsrc videoconvert x264enc h264parse mp4mux matroskamux filesink avdec_h264 qtdemux; do
  if gst-inspect-1.0 --exists "$e"; then elements="$elements\"$e\": true,"; else
    elements="$elements\"$e\": false,"; fail=1; fi
done
gst=$(python3 -c 'import gi; gi.require_version("Gst", "1.0"); from gi.repository import Gst; Gst.init(None); print(Gst.version_string())') || fail=1
rtsp=$(python3 -c 'import gi; gi.require_version("GstRtspServer", "1.0"); from gi.repository import GstRtspServer; print("ok")') || fail=1
printf '{"machine": "%s", "elements": {%s "_": true}, "gstreamer": "%s", "rtsp_server": "%s"}\n' \
  "$(uname -m)" "$elements" "$gst" "$rtsp"
exit $fail
