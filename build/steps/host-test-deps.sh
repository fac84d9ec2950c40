#!/usr/bin/env bash
# Install what the library's tests need on a Debian 12 host: GStreamer (with the
# RTSP server and Python bindings), Debian's OpenCV (built WITH_GSTREAMER) and a
# virtual environment that sees them. Idempotent: re-running only checks.
set -euo pipefail
# shellcheck source=build/steps/lib.sh
source "$(dirname "$0")/lib.sh"
here=$BACKPACK_ROOT
venv=${BACKPACK_VENV:-$here/.venv}

apt_packages=(
  gstreamer1.0-tools gstreamer1.0-plugins-base gstreamer1.0-plugins-good
  gstreamer1.0-plugins-bad gstreamer1.0-plugins-ugly gstreamer1.0-libav
  gir1.2-gstreamer-1.0 gir1.2-gst-plugins-base-1.0 gir1.2-gst-rtsp-server-1.0
  python3-gi python3-gst-1.0 python3-opencv python3-numpy python3-venv python3-pip
  chromium chromium-driver fonts-dejavu-core fonts-wqy-microhei fonts-symbola
)
apt_install "${apt_packages[@]}"

# Debian's python sees Debian's cv2/gi/numpy; the venv adds the pure-Python
# dependencies on top without replacing numpy (cv2 is built against it).
if [ ! -x "$venv/bin/python" ]; then
  /usr/bin/python3 -m venv --system-site-packages "$venv"
fi
"$venv/bin/python" -m pip install -q --upgrade pip
"$venv/bin/python" -m pip install -q -c "$here/build/steps/host-constraints.txt" -e "$here[test]"
