"""A synthetic camera for the example: a white box on black, as RTSP (gst-rtsp-server) or a file.

    python3 tools/camera.py rtsp --port 8554 --path /cam --box 0.25,0.5,0.25,0.25
    python3 tools/camera.py file /tmp/cam.mp4 --frames 60 --box 0.5,0.25,0.25,0.25

The box is given as left,top,width,height (normalized); the example's model finds it.
"""

from __future__ import annotations

import argparse
import contextlib
import signal
import sys
import threading

import gi

gi.require_version("Gst", "1.0")
gi.require_version("GstRtspServer", "1.0")
from gi.repository import GLib, Gst, GstRtspServer  # noqa: E402


def scene(width: int, height: int, fps: int, box: tuple[float, float, float, float]) -> str:
    """GStreamer description of the scene (raw video, ``is-live`` test sources)."""
    left, top, box_w, box_h = box
    return (
        f"compositor name=mix background=black sink_1::xpos={round(left * width)} "
        f"sink_1::ypos={round(top * height)} ! video/x-raw,width={width},height={height},"
        f"framerate={fps}/1 ! videoconvert ! video/x-raw,format=I420 "
        f"videotestsrc is-live=true pattern=black ! video/x-raw,width={width},height={height},"
        f"framerate={fps}/1 ! mix. "
        f"videotestsrc is-live=true pattern=white ! video/x-raw,width={round(box_w * width)},"
        f"height={round(box_h * height)},framerate={fps}/1 ! mix."
    )


class RTSPCamera:
    """Serves the scene at ``rtsp://HOST:PORT/PATH`` (H.264) from a background thread."""

    def __init__(
        self, port: int, path: str = "/cam", host: str = "0.0.0.0", **scene_args: object
    ) -> None:
        Gst.init(None)
        self._context = GLib.MainContext.new()
        self._server = GstRtspServer.RTSPServer.new()
        self._server.set_address(host)
        self._server.set_service(str(port))
        factory = GstRtspServer.RTSPMediaFactory.new()
        # The scene pipeline ends in I420; add the encoder and the payloader.
        launch = scene(**scene_args)  # type: ignore[arg-type]
        mix, _, rest = launch.partition(" videotestsrc")
        factory.set_launch(
            f"( {mix} ! x264enc tune=zerolatency speed-preset=ultrafast key-int-max=15 ! "
            f"rtph264pay name=pay0 pt=96 config-interval=1 videotestsrc{rest} )"
        )
        factory.set_shared(True)
        self._server.get_mount_points().add_factory(path, factory)
        self._source = self._server.attach(self._context)
        self.port = self._server.get_bound_port()
        self.path = path
        self._loop = GLib.MainLoop.new(self._context, False)
        self._thread = threading.Thread(target=self._loop.run, daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._server.client_filter(lambda _s, _c: GstRtspServer.RTSPFilterResult.REMOVE)
        self._loop.quit()
        self._thread.join(5)
        source = self._context.find_source_by_id(self._source)
        if source is not None:
            source.destroy()


def make_file(path: str, frames: int, **scene_args: object) -> None:
    """Write ``frames`` frames of the scene to an H.264 MP4 file."""
    Gst.init(None)
    launch = scene(**scene_args).replace("is-live=true", f"num-buffers={frames}")  # type: ignore[arg-type]
    mix, _, rest = launch.partition(" videotestsrc")
    pipeline = Gst.parse_launch(
        f"{mix} ! x264enc speed-preset=ultrafast key-int-max=15 ! h264parse ! mp4mux ! "
        f'filesink location="{path}" videotestsrc{rest}'
    )
    pipeline.set_state(Gst.State.PLAYING)
    message = pipeline.get_bus().timed_pop_filtered(
        120 * Gst.SECOND, Gst.MessageType.EOS | Gst.MessageType.ERROR
    )
    pipeline.set_state(Gst.State.NULL)
    if message is None or message.type != Gst.MessageType.EOS:
        raise RuntimeError(f"could not write {path}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("mode", choices=("rtsp", "file"))
    parser.add_argument("output", nargs="?", help="file to write (file mode)")
    parser.add_argument("--port", type=int, default=8554)
    parser.add_argument("--path", default="/cam")
    parser.add_argument("--width", type=int, default=640)
    parser.add_argument("--height", type=int, default=480)
    parser.add_argument("--fps", type=int, default=15)
    parser.add_argument("--frames", type=int, default=60)
    parser.add_argument("--box", default="0.25,0.5,0.25,0.25")
    args = parser.parse_args()
    box = tuple(float(v) for v in args.box.split(","))
    common = {"width": args.width, "height": args.height, "fps": args.fps, "box": box}
    if args.mode == "file":
        make_file(args.output, args.frames, **common)
        return 0
    camera = RTSPCamera(args.port, args.path, **common)
    camera.start()
    print(f"serving rtsp://127.0.0.1:{camera.port}{args.path}", flush=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    with contextlib.suppress(KeyboardInterrupt):
        stop.wait()
    camera.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
