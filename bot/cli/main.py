"""`jamroom` — entry point; each subcommand lives in its own module."""

from __future__ import annotations

import argparse
import sys

from bot import __version__
from bot.cli import records, serve_cmd, try_cmd


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="jamroom", description="Jamroom: image and music sketches for chat, "
                                     "with credits and honest AI labels.")
    parser.add_argument("--version", action="version", version=f"jamroom {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    try_cmd.add_parser(sub)
    serve_cmd.add_parsers(sub)
    records.add_parsers(sub)
    for extra in _extensions():
        extra.add_parsers(sub)
    return parser


def _extensions() -> list:
    """CLI modules that arrive with later features (jobs, discord-sync); absent ones are skipped."""
    import importlib

    found = []
    for name in ("bot.cli.jobs_cmd", "bot.cli.discord_cmd", "bot.cli.slack_cmd", "bot.cli.admin_cmd"):
        try:
            found.append(importlib.import_module(name))
        except ModuleNotFoundError:
            continue
    return found




def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    return int(args.func(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
