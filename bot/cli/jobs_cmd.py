"""`jamroom jobs failed|retry ID|stats`: look at and repair the shared Redis queue."""

from __future__ import annotations

import argparse
import json
import time
from typing import Any

from bot.cli.common import CliError, run, settings


def add_parsers(sub: argparse._SubParsersAction) -> None:
    jobs = sub.add_parser("jobs", help="inspect the Redis queue (failed jobs, retries, counts)",
                          description="Inspect the shared Redis queue: dead letters, retries, counts per worker.")
    jsub = jobs.add_subparsers(dest="jobs_command", required=True, metavar="{failed,retry,stats}")
    f = jsub.add_parser("failed", help="list jobs that failed for good (dead letters), newest first",
                        description="List dead letters: jobs that ran out of attempts or failed for good.")
    f.add_argument("--limit", type=int, default=20, help="how many (default 20)")
    f.add_argument("--json", action="store_true", help="print JSON")
    f.set_defaults(func=lambda a: run(_failed(a)))
    r = jsub.add_parser("retry", help="put a failed job back on the queue",
                        description="Put a dead letter back on its member's queue with a fresh set of attempts.")
    r.add_argument("job_id", metavar="ID", nargs="+", help="job id(s) from `jamroom jobs failed`")
    r.set_defaults(func=lambda a: run(_retry(a)))
    s = jsub.add_parser("stats", help="waiting, running, done, failed, per worker",
                        description="Queue counts: waiting, running, done, failed, and per worker.")
    s.add_argument("--json", action="store_true", help="print JSON")
    s.set_defaults(func=lambda a: run(_stats(a)))


async def _open() -> Any:
    cfg = settings()
    if cfg.queue_backend != "redis":
        raise CliError("`jamroom jobs` needs the Redis queue: set REDIS_URL (the memory queue lives inside "
                       "`jamroom serve` and has no dead letters)", code=1)
    from bot.queue.redis import RedisQueue

    queue = RedisQueue.from_settings(cfg)
    try:
        await queue.ping()
    except Exception as exc:
        await queue.close()
        raise CliError(f"cannot reach Redis at {queue.url}: {exc}", code=1) from None
    return queue


def _when(epoch: float) -> str:
    return time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(epoch))


async def _failed(args: argparse.Namespace) -> int:
    queue = await _open()
    try:
        rows = await queue.failed(args.limit)
    finally:
        await queue.close()
    if args.json:
        print(json.dumps(rows, indent=2, ensure_ascii=False))
        return 0
    if not rows:
        print("no failed jobs")
        return 0
    for row in rows:
        text = row["job"].get("request", {}).get("text") or "/" + row["job"].get("request", {}).get("command", "?")
        print(f"{row['id']}  {_when(row['at'])}  {row['member']}  attempts={row['attempts']}  {row['reason']}: "
              f"{row['error']}  ({text})")
    return 0


async def _retry(args: argparse.Namespace) -> int:
    queue = await _open()
    missing = []
    try:
        for job_id in args.job_id:
            if await queue.retry(job_id):
                print(f"requeued {job_id}")
            else:
                missing.append(job_id)
    finally:
        await queue.close()
    if missing:
        raise CliError(f"no failed job {', '.join(missing)}; see `jamroom jobs failed`", code=1)
    return 0


async def _stats(args: argparse.Namespace) -> int:
    queue = await _open()
    try:
        stats = await queue.stats()
    finally:
        await queue.close()
    if args.json:
        print(json.dumps(stats, indent=2))
        return 0
    keys = ("waiting", "delayed", "running", "done", "failed", "dead", "retried", "reclaimed", "cancelled")
    print("  ".join(f"{k} {stats.get(k, 0)}" for k in keys))
    workers = stats.get("workers", {})
    if workers:
        width = max(len(w) for w in workers)
        print(f"{'worker':<{width}}  running  done  last seen")
        for name, w in sorted(workers.items()):
            seen = "-" if w["seen_s_ago"] is None else f"{w['seen_s_ago']:.0f} s ago"
            print(f"{name:<{width}}  {w['running']:>7}  {w['done']:>4}  {seen}")
    return 0
