"""``backpack run``: run a Panorama application project (or app file) on this box."""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
from typing import Any

# backpack.panorama (cv2, GStreamer) is imported only when `run` runs: registering the
# sub-command must not need them (`backpack doctor` diagnoses a broken cv2).
_logger = logging.getLogger(__name__)


def _pair(option: str) -> Any:
    def parse(text: str) -> tuple[str, str]:
        name, sep, value = text.partition("=")
        if not sep or not name:
            raise argparse.ArgumentTypeError(f"{option} expects NAME=VALUE, got {text!r}")
        return name, value

    return parse


def _typed(module: str, name: str) -> Any:
    """An argparse type calling ``backpack.panorama.<module>.<name>.parse``, imported late."""

    def convert(text: str) -> Any:
        parse = getattr(importlib.import_module(f"backpack.panorama.{module}"), name).parse
        try:
            return parse(text)
        except ValueError as exc:
            raise argparse.ArgumentTypeError(str(exc)) from None

    return convert


def register(subparsers: Any) -> None:
    """Add the ``run`` sub-command."""
    parser = subparsers.add_parser(
        "run",
        help="run a Panorama application project or app file",
        description=(
            "Run an AWS Panorama application (graphs/<app>/graph.json + packages/, or one .py "
            "file) with cameras, ONNX models and SpyGlass outputs. Progress on stderr."
        ),
    )
    parser.add_argument("project", help="project directory or application .py file")
    parser.add_argument(
        "--camera",
        action="append",
        default=[],
        type=_typed("camera", "CameraSource"),
        help="rtsp:// URL, video file or /dev/videoN (repeat for more cameras: camera_0, ...)",
    )
    parser.add_argument(
        "--output",
        action="append",
        default=[],
        type=_typed("outputs", "OutputSpec"),
        help="[STREAM_ID=]file:PATH | rtsp[:PORT[/PATH]] | kvs:STREAM | preview[:PORT]",
    )
    parser.add_argument(
        "--param",
        action="append",
        default=[],
        type=_pair("--param"),
        help="NAME=VALUE overriding a graph parameter (converted to its declared type)",
    )
    parser.add_argument(
        "--model",
        action="append",
        default=[],
        type=_pair("--model"),
        help="MODEL_NODE=PATH.onnx for each model node of the graph",
    )
    parser.add_argument("--frames", type=int, default=None, help="stop after this many frames")
    parser.add_argument("--summary", default=None, help="write a JSON summary here at the end")
    parser.add_argument(
        "--status-interval", type=float, default=5.0, help="seconds between status lines"
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Load the project, check the wiring and run; 2 for a configuration error."""
    from backpack.panorama.errors import ProjectError, UnsupportedFeatureError
    from backpack.panorama.project import load_project
    from backpack.panorama.runtime import Runtime, RuntimeConfig

    if not logging.getLogger().handlers:
        logging.basicConfig(
            stream=sys.stderr, level=logging.INFO, format="%(asctime)s %(name)s: %(message)s"
        )
    try:
        project = load_project(args.project)
        config = RuntimeConfig(
            cameras=tuple(args.camera),
            outputs=tuple(args.output),
            parameters=dict(args.param),
            models=dict(args.model),
            max_frames=args.frames,
            status_interval=args.status_interval,
            summary_path=args.summary,
        )
        runtime = Runtime(project, config)
    except (ProjectError, UnsupportedFeatureError, ValueError, RuntimeError) as exc:
        print(f"backpack run: error: {exc}", file=sys.stderr)
        return 2
    _logger.info("Running %s (%s)", project.name, project.entry)
    return runtime.run()
