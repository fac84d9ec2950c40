"""Component test (runs inside the image): play each promised GStreamer path.

Encodes a test clip to MP4, MKV and MPEG-TS, reads the files back (explicit demux +
parse + software decoder, and decodebin), serves H.264 over RTSP with gst-rtsp-server
and reads it back the way an app reads an RTSP camera (rtspsrc ! rtph264depay ! ...).
Each path counts the frames that reach the sink. Prints one JSON object; exit status 0
when every path delivered its frames.
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading

import gi

gi.require_version("Gst", "1.0")
gi.require_version("GstRtspServer", "1.0")
from gi.repository import GLib, Gst, GstRtspServer  # noqa: E402

FRAMES = 30
CAPS = "video/x-raw,format=I420,width=320,height=240,framerate=15/1"
SOURCE = f"videotestsrc num-buffers={FRAMES} ! videoconvert ! videoscale ! {CAPS}"


def run(pipeline: str, timeout: float = 120) -> int:
    """Run a pipeline to EOS; return the number of buffers its `sink` fakesink got."""
    element = Gst.parse_launch(pipeline)
    count = [0]
    sink = element.get_by_name("sink")
    if sink is not None:
        sink.set_property("signal-handoffs", True)
        sink.connect("handoff", lambda *_: count.__setitem__(0, count[0] + 1))
    element.set_state(Gst.State.PLAYING)
    bus = element.get_bus()
    message = bus.timed_pop_filtered(
        int(timeout * Gst.SECOND), Gst.MessageType.EOS | Gst.MessageType.ERROR
    )
    element.set_state(Gst.State.NULL)
    if message is None or message.type == Gst.MessageType.ERROR:
        detail = message.parse_error()[0].message if message is not None else "timeout"
        raise RuntimeError(f"{pipeline}: {detail}")
    return count[0]


def rtsp_roundtrip() -> int:
    """Serve H.264 with gst-rtsp-server; read it back as a camera would."""
    server = GstRtspServer.RTSPServer()
    server.set_service("0")
    factory = GstRtspServer.RTSPMediaFactory()
    factory.set_launch(
        "( videotestsrc is-live=true ! videoconvert ! video/x-raw,format=I420,width=320,height=240 "
        "! x264enc tune=zerolatency key-int-max=15 ! rtph264pay name=pay0 pt=96 )"
    )
    server.get_mount_points().add_factory("/test", factory)
    server.attach(None)
    loop = GLib.MainLoop()
    thread = threading.Thread(target=loop.run, daemon=True)
    thread.start()
    port = server.get_bound_port()
    try:
        return run(
            f"rtspsrc location=rtsp://127.0.0.1:{port}/test latency=0 protocols=tcp "
            f"! rtph264depay ! h264parse ! openh264dec ! videoconvert "
            f"! identity eos-after={FRAMES + 1} ! fakesink name=sink"
        )
    finally:
        loop.quit()


def main() -> int:
    Gst.init(None)
    results: dict[str, object] = {}
    paths = {
        "encode_mp4": f"{SOURCE} ! x264enc ! h264parse ! mp4mux ! filesink location=/tmp/p.mp4",
        "encode_mkv": f"{SOURCE} ! x264enc ! h264parse ! matroskamux ! filesink location=/tmp/p.mkv",
        "encode_ts": f"{SOURCE} ! x264enc ! h264parse ! mpegtsmux ! filesink location=/tmp/p.ts",
        "read_mp4": "filesrc location=/tmp/p.mp4 ! qtdemux ! h264parse ! openh264dec "
        "! videoconvert ! fakesink name=sink",
        "read_mkv": "filesrc location=/tmp/p.mkv ! matroskademux ! h264parse ! openh264dec "
        "! videoconvert ! fakesink name=sink",
        "decodebin_mp4": "filesrc location=/tmp/p.mp4 ! decodebin ! videoconvert "
        "! fakesink name=sink",
    }
    ok = True
    for name, pipeline in paths.items():
        try:
            frames = run(pipeline)
            results[name] = frames
            ok &= name.startswith("encode") or frames == FRAMES
        except RuntimeError as error:
            results[name] = str(error)
            ok = False
    try:
        results["rtsp_camera"] = rtsp_roundtrip()
        ok &= results["rtsp_camera"] == FRAMES
    except RuntimeError as error:
        results["rtsp_camera"] = str(error)
        ok = False
    v4l2 = subprocess.run(["gst-inspect-1.0", "--exists", "v4l2src"], check=False)
    results["v4l2src"] = v4l2.returncode == 0  # no camera device in CI: the element only
    ok &= v4l2.returncode == 0
    print(json.dumps(results))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
