"""`jamroom credits` and `jamroom ledger verify|head|export`: reading the record."""

from __future__ import annotations

import argparse
import json
import sys

from bot import credits as fmt
from bot.cli.common import CliError, run, settings
from bot.consent import member_record
from bot.ledger import Ledger
from bot.services.records import declarations, removed_ids


def add_parsers(sub: argparse._SubParsersAction) -> None:
    c = sub.add_parser("credits", help="print who made what", description="Print the credits record.")
    which = c.add_mutually_exclusive_group()
    which.add_argument("--thread", help="a thread id (full key platform:workspace:channel:thread, or a CLI thread)")
    which.add_argument("--artifact", help="an artifact id: prints its lineage")
    c.add_argument("--format", choices=["text", "md", "json", "csv"], default="text")
    c.set_defaults(func=lambda a: run(_credits(a)))

    ledger = sub.add_parser("ledger", help="check or export the ledger", description="Check or export the ledger.")
    lsub = ledger.add_subparsers(dest="ledger_command", required=True, metavar="{verify,head,export}")
    v = lsub.add_parser("verify", help="check the hash chain", description="Check every entry of the hash chain.")
    v.add_argument("--head", help="a head hash printed earlier by `jamroom ledger head` (catches a cut tail)")
    v.set_defaults(func=lambda a: run(_verify(a)))
    h = lsub.add_parser("head", help="print the newest entry's hash", description="Print the chain's head hash.")
    h.set_defaults(func=lambda a: run(_head(a)))
    e = lsub.add_parser("export", help="write what the ledger holds (all, or about one member)",
                        description="Export ledger entries as JSON, e.g. for a member's data request.")
    e.add_argument("--member", help="a member key (platform:workspace:member) or a display name")
    e.set_defaults(func=lambda a: run(_export(a)))


async def _open() -> Ledger:
    s = settings()
    if s.database_url is None and not (s.data / "ledger.sqlite3").exists():
        raise CliError(f"no ledger at {s.data / 'ledger.sqlite3'}; set JAMROOM_DATA or DATABASE_URL", code=1)
    return await Ledger(s.sqlalchemy_url).open()


def _thread_key(thread: str) -> str:
    return thread if thread.count(":") >= 3 else f"cli:local:cli:{thread}"


async def _credits(args: argparse.Namespace) -> int:
    ledger = await _open()
    try:
        removed = await removed_ids(ledger)
        if args.artifact:
            artifacts = await ledger.lineage(args.artifact)
            if not artifacts:
                raise CliError(f"no artifact {args.artifact} in the ledger")
            title = f"Lineage of {args.artifact}: {fmt.lineage_text(artifacts, removed)}"
        elif args.thread:
            artifacts = await ledger.artifacts(thread=_thread_key(args.thread))
            title = f"Credits for thread {_thread_key(args.thread)}"
        else:
            artifacts = await ledger.artifacts()
            threads = sorted({a.thread for a in artifacts})
            title = (f"Credits for thread {threads[0]}" if len(threads) == 1
                     else f"Credits for all {len(threads)} threads in the ledger")
        print(fmt.render(artifacts, args.format, title, removed=removed, declared=await declarations(ledger)))
    finally:
        await ledger.close()
    return 0


async def _verify(args: argparse.Namespace) -> int:
    from bot.ledger.chain import MalformedHead

    ledger = await _open()
    try:
        verdict = await ledger.verify(args.head)
    except MalformedHead as exc:
        print(f"ledger verify: {exc}", file=sys.stderr)
        return 2
    finally:
        await ledger.close()
    if not verdict.ok:
        print(f"ledger BROKEN: {verdict.problem} (checked {verdict.checked} entries)", file=sys.stderr)
        return 1
    print(f"ledger ok: {verdict.checked} entries, head {verdict.head}")
    return 0


async def _head(args: argparse.Namespace) -> int:
    ledger = await _open()
    try:
        seq, digest = await ledger.head()
    finally:
        await ledger.close()
    print(f"{seq}:{digest}")
    print(f"(entry #{seq}; keep this hash somewhere else to detect removed entries later)", file=sys.stderr)
    return 0


async def _export(args: argparse.Namespace) -> int:
    ledger = await _open()
    try:
        if args.member:
            record = await member_record(ledger, await _member_key(ledger, args.member))
        else:
            record = {"member": None, "artifacts": [a.to_dict() for a in await ledger.artifacts()]}
        print(json.dumps(record, indent=2, ensure_ascii=False))
    finally:
        await ledger.close()
    return 0


async def _member_key(ledger: Ledger, member: str) -> str:
    """Accept a member key as stored, or a display name seen in the credits."""
    if member.count(":") >= 2:
        return member
    for artifact in await ledger.artifacts():
        for c in artifact.contributors:
            if c.name == member:
                return c.member
    return member
