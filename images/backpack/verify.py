"""Check, at build time, that the image contains what its labels will claim.

Run by the final stage of Dockerfile.base before the labels are written; any
mismatch fails the build instead of publishing a wrong label.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
from pathlib import Path


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--opencv", required=True, help="opencv-python sdist version")
    parser.add_argument("--gstreamer", required=True, help="expected GStreamer major.minor")
    parser.add_argument("--kvssink", required=True, help="'absent' or the KVS SDK version")
    parser.add_argument("--backpack", required=True, help="backpack version")
    args = parser.parse_args()
    problems: list[str] = []

    import cv2

    info = cv2.getBuildInformation()
    if not re.search(r"GStreamer:\s+YES", info):
        problems.append("cv2 was built without GStreamer")
    # opencv-python 5.0.0.93 carries OpenCV 5.0.0: compare the first three fields.
    if cv2.__version__.split(".")[:3] != args.opencv.split(".")[:3]:
        problems.append(f"cv2 {cv2.__version__} does not match opencv-python {args.opencv}")

    import gi

    gi.require_version("Gst", "1.0")
    from gi.repository import Gst

    Gst.init(None)
    gst = ".".join(str(p) for p in Gst.version()[:2])
    if not f"{gst}.".startswith(f"{args.gstreamer}."):
        problems.append(f"GStreamer {gst} does not match label {args.gstreamer}")

    import backpack

    if backpack.__version__ != args.backpack:
        problems.append(f"backpack {backpack.__version__} does not match {args.backpack}")

    plugin_dir = Path(os.environ["GST_PLUGIN_PATH"])
    has_plugin = (plugin_dir / "libgstkvssink.so").is_file()
    if args.kvssink == "absent" and has_plugin:
        problems.append("kvssink is present but the label says absent")
    if args.kvssink != "absent":
        found = subprocess.run(
            ["gst-inspect-1.0", "kvssink"], capture_output=True, text=True, check=False
        )
        if not has_plugin or found.returncode != 0:
            problems.append(f"kvssink {args.kvssink} labelled but not loadable: {found.stderr}")
        status = Path(os.environ["KVS_SDK_HOME"], "STATUS").read_text()
        if not status.startswith(f"present {args.kvssink} "):
            problems.append(f"kvssink labelled {args.kvssink} but the SDK STATUS says {status!r}")

    for problem in problems:
        print(f"verify: {problem}", file=sys.stderr)
    if not problems:
        print(
            f"verify: cv2 {cv2.__version__} (GStreamer YES), GStreamer {gst}, "
            f"kvssink {args.kvssink}, backpack {backpack.__version__}"
        )
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
