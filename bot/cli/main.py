"""`jamroom` — entry point; each subcommand lives in its own module.

Subcommand modules import the whole bot (SQLAlchemy, aiohttp, the generators), which takes a
second or more on a busy machine.  So the top level knows only names and one-line helps, and
imports the one module the command line asks for: `jamroom --help` stays instant.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from typing import NamedTuple

from bot import __version__

DESCRIPTION = "Jamroom: image and music sketches for chat, with credits and honest AI labels."


class Entry(NamedTuple):
    module: str
    help: str


#: Subcommand -> the module that declares it (its ``add_parsers(sub)`` adds the real parser).
COMMANDS: dict[str, Entry] = {
    "try": Entry("bot.cli.try_cmd", "run one command and write its files to a folder"),
    "serve": Entry("bot.cli.serve_cmd", "start the bot (studio, Slack, Discord)"),
    "worker": Entry("bot.cli.serve_cmd", "run queue workers (Redis backend)"),
    "credits": Entry("bot.cli.records", "print who made what"),
    "ledger": Entry("bot.cli.records", "check or export the ledger"),
    "jobs": Entry("bot.cli.jobs_cmd", "inspect the Redis queue (failed jobs, retries, counts)"),
    "doctor": Entry("bot.cli.admin_cmd", "check settings, storage, the ledger, Redis and platform credentials"),
    "slack-manifest": Entry("bot.cli.slack_cmd", "print the Slack app manifest (JSON) made from the catalog"),
    "discord-sync": Entry("bot.cli.discord_cmd", "register Jamroom's slash commands with Discord"),
}


def _requested(argv: list[str]) -> str | None:
    """The subcommand named on the command line (the first word that is one), if any."""
    for word in argv:
        if word in COMMANDS:
            return word
        if not word.startswith("-"):
            return None
    return None


def build_parser(argv: list[str] | None = None) -> argparse.ArgumentParser:
    """The parser; only the requested subcommand's module is imported (all of them when ``argv`` is None)."""
    parser = argparse.ArgumentParser(prog="jamroom", description=DESCRIPTION)
    parser.add_argument("--version", action="version", version=f"jamroom {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    wanted = set(COMMANDS) if argv is None else {_requested(argv)} - {None}
    modules = {COMMANDS[name].module for name in wanted}
    loaded: set[str] = set()
    for name, entry in COMMANDS.items():
        if entry.module not in modules:
            sub.add_parser(name, help=entry.help, add_help=False)
        elif entry.module not in loaded:
            module = importlib.import_module(entry.module)
            adder = getattr(module, "add_parsers", None) or module.add_parser
            adder(sub)
            loaded.add(entry.module)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    parser = build_parser(argv)
    args = parser.parse_args(argv)
    if not hasattr(args, "func"):  # a stub: only reachable if a module forgot to declare its command
        parser.error(f"unknown command {args.command}")
    return int(args.func(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
