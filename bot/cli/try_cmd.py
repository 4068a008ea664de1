"""`jamroom try`: one command through the same catalog, queue, worker and ledger as the bot."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import json
import uuid
from pathlib import Path

from adapters.cli_app.outbound import FolderOutbound
from bot.catalog.attach import attach, sniff_mime
from bot.cli.common import CliError, run, settings
from bot.errors import ParseError
from bot.models import Origin
from bot.runtime import Jamroom

#: The largest file `--file` reads (the catalog's own per-option limits apply after this).
FILE_READ_LIMIT = 64 * 1024 * 1024


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("try", help="run one command and write its files to a folder",
                       description="Run one Jamroom command locally, e.g. "
                                   "jamroom try '/sketch prompt:\"neon koi in the rain\" seed:7' --out out/")
    p.add_argument("command", help="the command text, as typed in chat")
    p.add_argument("--out", type=Path, default=Path("."), help="folder for the files (default: here)")
    p.add_argument("--json", action="store_true", help="print a JSON object instead of text")
    p.add_argument("--member", default=None, help="who is asking (default: your login name)")
    p.add_argument("--thread", default="try", help="thread id, so later commands can build on results")
    p.add_argument("--timeout", type=float, default=120.0, help="seconds to wait for the result")
    p.add_argument("--file", type=Path, action="append", default=[], metavar="PATH",
                   help="a file for the command's file option (repeat for commands that take two), "
                        "e.g. --file riff.mid or --file hum.m4a")
    p.set_defaults(func=_main)


def _main(args: argparse.Namespace) -> int:
    """Run `try`; with --json, errors are printed as a JSON object on stdout too."""
    if not args.json:
        return run(_try(args))
    try:
        return asyncio.run(_try(args)) or 0
    except CliError as exc:
        print(json.dumps({"ok": False, "error": str(exc)}, ensure_ascii=False))
        return exc.code
    except KeyboardInterrupt:
        return 130


def _read_files(paths: list[Path]) -> list[tuple[str, str, bytes]]:
    files = []
    for path in paths:
        try:
            size = path.stat().st_size
            if size > FILE_READ_LIMIT:
                raise CliError(f"{path.name} is too large: {size / 1e6:.0f} MB")
            data = path.read_bytes()
        except FileNotFoundError:
            raise CliError(f"no such file: {path}") from None
        except IsADirectoryError:
            raise CliError(f"{path} is a folder, not a file") from None
        except PermissionError:
            raise CliError(f"can't read {path}: permission denied") from None
        files.append((path.name, sniff_mime(path.name, data), data))
    return files


async def _try(args: argparse.Namespace) -> int:
    member = args.member or _login()
    origin = Origin(platform="cli", workspace="local", channel="cli", thread=args.thread, member_id=member,
                    member_name=member, event_id=uuid.uuid4().hex, is_moderator=True)
    files = _read_files(args.file)
    jam = Jamroom(settings(concurrency=1))
    outbound = FolderOutbound(args.out)
    jam.outbounds.add(outbound)
    await jam.start(workers=False)
    try:
        saved = [await asyncio.to_thread(jam.save_upload, name, mime, data) for name, mime, data in files]
        try:
            text, uploads = attach(args.command, saved, jam.catalog)
        except ParseError as exc:
            raise CliError(str(exc)) from None
        reply = await jam.submit_text(text, origin, uploads)
        if not reply.ok:
            raise CliError(reply.text.removeprefix("⚠️ "))
        if reply.job_id is None:
            print(reply.text)
            for att in reply.attachments:
                path = args.out / att.name
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(att.data)
                print(f"wrote {path}")
            return 0
        jam.pool.warm = False  # one job: import only its generator, not every one (serve and worker start warm)
        await jam.start_workers(1)
        written = await outbound.wait(reply.job_id, args.timeout)
    finally:
        await jam.stop()
    return _print(written, args.json)


def _login() -> str:
    try:
        return getpass.getuser()
    except Exception:
        return "you"


def _print(written, as_json: bool) -> int:
    d = written.delivery
    if d.error:
        raise CliError(d.error, code=1)
    a = d.artifact
    files = [{"path": str(written.paths[f.name]), "mime": f.mime, "generator": a.generator, "version": a.version,
              "seed": a.seed, "sha256": f.sha256, "artifact": a.id} for f in a.files]
    contributors = [{"member": c.name, "role": c.role.value, "action": c.action} for c in a.contributors]
    if as_json:
        print(json.dumps({"artifacts": files, "contributors": contributors, "artifact": a.id, "kind": a.kind,
                          "text": d.text, "label": d.label, "credits": d.credits_line,
                          "actions": [b.text() for b in d.buttons]}, ensure_ascii=False, indent=2))
        return 0
    print(f"{d.label + ' · ' if d.label else ''}{d.text}")
    for f in files:
        print(f"  {f['path']}  ({f['mime']}, sha256 {f['sha256'][:12]})")
    print(f"  {a.generator} v{a.version} · seed {a.seed} · artifact {a.id}")
    print(f"  {d.credits_line}")
    if d.buttons:
        print("  next: " + " | ".join(f"{b.label}: {b.text()}" for b in d.buttons))
    return 0
