"""``backpack doctor``: check a deployment and print one line per check (or ``--json``)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from backpack.doctor import Doctor, render_json, render_text


def register(subparsers: Any) -> None:
    """Add the ``doctor`` sub-command to the ``backpack`` parser."""
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "doctor",
        help="check what a deployment needs (exit status 0 only when nothing failed)",
        description="Check Python, OpenCV, GStreamer elements, kvssink, the .env file, AWS "
        "credentials, STS and clock skew; optionally a KVS stream and an RTSP camera.",
    )
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.add_argument(
        "--dotenv", type=Path, help="dotenv file to check (default /panorama/.env, optional)"
    )
    parser.add_argument("--region", help="AWS region (default: boto3's configuration)")
    parser.add_argument(
        "--kvs-stream", help="describe this Kinesis Video stream and test a PutMedia connection"
    )
    parser.add_argument("--camera", help="open this rtsp:// URL and read frames")
    parser.add_argument(
        "--camera-timeout",
        type=float,
        default=20.0,
        help="seconds the camera gets to deliver 30 frames (default 20)",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Run the doctor, print the report, return its exit status."""
    if args.camera_timeout <= 0:
        raise SystemExit("backpack doctor: --camera-timeout must be a positive number")
    report = Doctor(
        dotenv_path=args.dotenv,
        region=args.region,
        kvs_stream=args.kvs_stream,
        camera=args.camera,
        camera_timeout=args.camera_timeout,
    ).run()
    print(render_json(report) if args.json else render_text(report))
    return report.exit_status
