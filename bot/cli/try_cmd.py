"""`jamroom try`: one command through the same catalog, queue, worker and ledger as the bot."""

from __future__ import annotations

import argparse
import getpass
import json
import uuid
from pathlib import Path

from adapters.cli_app.outbound import FolderOutbound
from bot.cli.common import CliError, run, settings
from bot.models import Origin
from bot.runtime import Jamroom


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
    p.set_defaults(func=lambda a: run(_try(a)))


async def _try(args: argparse.Namespace) -> int:
    member = args.member or _login()
    origin = Origin(platform="cli", workspace="local", channel="cli", thread=args.thread, member_id=member,
                    member_name=member, event_id=uuid.uuid4().hex, is_moderator=True)
    jam = Jamroom(settings(concurrency=1))
    outbound = FolderOutbound(args.out)
    jam.outbounds.add(outbound)
    await jam.start(workers=False)
    try:
        reply = await jam.submit_text(args.command, origin)
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
