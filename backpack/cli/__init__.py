"""The ``backpack`` console script: one sub-command per module of this package.

    backpack run PROJECT_DIR --camera rtsp://... --output file:/out/x.mkv
    backpack doctor --json

Each sub-command module exposes ``register(subparsers)``, which adds its parser and sets
``func`` (``args -> exit status``) as the parser's default.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from backpack import __version__

_COMMANDS = ("run", "doctor")


def build_parser() -> argparse.ArgumentParser:
    """The top-level parser with every sub-command registered."""
    parser = argparse.ArgumentParser(
        prog="backpack", description="Backpack: edge video-analytics toolkit."
    )
    parser.add_argument("--version", action="version", version=f"backpack {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name in _COMMANDS:
        importlib.import_module(f"backpack.cli.{name}").register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Parse ``argv`` (default: ``sys.argv[1:]``) and run the chosen sub-command."""
    args = build_parser().parse_args(argv)
    status: int = args.func(args)
    return status


if __name__ == "__main__":
    sys.exit(main())
