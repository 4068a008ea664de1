"""Chaos figures for the queue (issue 12): worker kills, a frozen Redis, a killed embedded Jamroom.

    python bench/chaos.py [kills|outage|embedded|all] [--jobs 200] [--kill-every 5] [--freeze 5]

Benchmark only, never in CI.  Every Redis here is a private redis-server on a free port (started and
stopped by this script; the shared one is never frozen or killed).  Figures printed:

- kills: N /slow jobs through two worker processes; every --kill-every seconds the worker holding a
  job is SIGKILLed (with its generator processes) and a fresh one started.  Lost (never delivered),
  duplicated (delivered twice), and for each restarted worker: spawn → ready, and spawn → its first
  delivery (issue 12.14: the pool's processes are forked warm, so a new worker answers at once).
- outage: commands every 50 ms from 4 members while Redis is frozen with SIGSTOP for --freeze
  seconds.  Slowest answer, answered "busy", accepted-but-lost, phantom (answered "busy", yet posted).
- embedded: the default (memory queue, SQLite) with 24 jobs queued is SIGKILLed, then SIGTERMed;
  jobs kept and delivered after the restart.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import os
import signal
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "tests"), str(ROOT)]

from support import RecordingOutbound, origin  # noqa: E402
from test_scaleout_support import (  # noqa: E402
    PrivateRedis,
    jam_catalog,
    jam_generators,
    kill_group,
    make_jam,
    read_events,
    settings,
    spawn,
    wait_ready,
)


async def kills(args: argparse.Namespace, tmp: Path) -> None:
    server = PrivateRedis(tmp / "redis", appendonly=False).start()
    out, data = tmp / "events.jsonl", tmp / "workers"
    common = ["--redis", server.url, "--prefix", "chaos", "--data", str(data), "--out", str(out)]
    started: dict[int, float] = {}
    ready: dict[int, float] = {}

    def start_worker():
        t0 = time.time()
        proc = spawn("worker_main", *common)
        wait_ready(proc, timeout=120)
        started[proc.pid], ready[proc.pid] = t0, time.time()
        return proc

    workers = [start_worker(), start_worker()]
    restarted: list[int] = []
    jam = make_jam(tmp / "adapter", server.url, "chaos")
    await jam.start(workers=False)
    ids: set[str] = set()
    try:
        for i in range(args.jobs):
            reply = await jam.submit_text(f"/slow j{i} seconds:0.2", origin(f"m{i % 8}", f"k{i}"))
            ids.add(reply.job_id)
        deadline = time.monotonic() + args.timeout
        next_kill = time.monotonic() + args.kill_every
        while time.monotonic() < deadline:
            delivered = {e["job"] for e in read_events(out) if e["event"] == "deliver"}
            if ids <= delivered:
                break
            if time.monotonic() >= next_kill and len(restarted) < args.kills:
                running = [e for e in read_events(out) if e["event"] == "progress" and e["state"] == "running"]
                pids = {w.pid: w for w in workers}
                holder = next((e["pid"] for e in reversed(running) if e["pid"] in pids), None)
                victim = pids.get(holder) or workers[0]
                kill_group(victim)
                workers.remove(victim)
                fresh = start_worker()
                workers.append(fresh)
                restarted.append(fresh.pid)
                next_kill = time.monotonic() + args.kill_every
            await asyncio.sleep(0.1)
    finally:
        await jam.stop()
        for w in workers:
            kill_group(w, signal.SIGTERM)
        server.stop()
    events = read_events(out)
    counts = collections.Counter(e["job"] for e in events if e["event"] == "deliver")
    lost = len(ids - set(counts))
    duplicated = sum(1 for n in counts.values() if n > 1)
    print(f"kills: {args.jobs} jobs (/slow 0.2 s), 2 workers, {len(restarted)} SIGKILLs every {args.kill_every:g} s: "
          f"lost {lost}, duplicated {duplicated}")
    for pid in restarted:
        firsts = [e["t"] for e in events if e["event"] == "deliver" and e["pid"] == pid]
        first = f"{min(firsts) - started[pid]:.2f} s" if firsts else "none (no job left for it)"
        print(f"  restarted worker {pid}: spawn → ready {ready[pid] - started[pid]:.2f} s, "
              f"spawn → first delivery {first}")


async def outage(args: argparse.Namespace, tmp: Path) -> None:
    from bot.queue.redis import BUSY, RedisQueue
    from bot.runtime import Jamroom

    server = PrivateRedis(tmp / "redis", appendonly=False).start()
    cfg = settings(tmp / "data", redis_url=server.url, concurrency=1)
    jam = Jamroom(cfg, queue=RedisQueue.from_settings(cfg, prefix="chaos"), cat=jam_catalog(),
                  extra_generators=jam_generators())
    out = RecordingOutbound()
    jam.outbounds.add(out)
    await jam.start()
    await jam.submit_text("/echo warm-up", origin("w", "warm-up"))  # generators load on first use
    answers: list[tuple[str, bool, float]] = []  # (job id or event, busy, seconds)
    try:
        async def member(m: int, until: float) -> None:
            i = 0
            while time.monotonic() < until:
                event = f"o{m}-{i}"
                t0 = time.monotonic()
                reply = await jam.submit_text(f"/echo {event}", origin(f"m{m}", event))
                answers.append((reply.job_id or event, BUSY in reply.text, time.monotonic() - t0))
                if args.verbose:
                    print(f"  {time.monotonic() - start:6.2f} s m{m}: {time.monotonic() - t0:.2f} s {reply.text[:60]}")
                i += 1
                await asyncio.sleep(0.05)

        start = time.monotonic()
        until = start + args.freeze + 2
        members = [asyncio.create_task(member(m, until)) for m in range(4)]
        await asyncio.sleep(1)
        os.kill(server.process.pid, signal.SIGSTOP)
        await asyncio.sleep(args.freeze)
        os.kill(server.process.pid, signal.SIGCONT)
        await asyncio.gather(*members)
        accepted = {a for a, busy, _ in answers if not busy}
        try:
            await out.wait_for(len(accepted) + 1, timeout=60)
        except TimeoutError:
            pass
        await asyncio.sleep(3)  # anything a frozen command left behind would be posted by now
    finally:
        await jam.stop()
        server.stop()
    posted = collections.Counter(d.job_id for d, _ in out.deliveries)
    busy_ids = {a for a, busy, _ in answers if busy}
    phantom = sum(1 for d, _ in out.deliveries if d.job_id not in accepted and d.text != "echo: warm-up")
    print(f"outage: Redis frozen {args.freeze:g} s; {len(answers)} commands, {len(busy_ids)} answered busy; "
          f"slowest answer {max(s for _, _, s in answers):.2f} s; lost {len(accepted - set(posted))}; "
          f"phantom {phantom}; posted twice {sum(1 for n in posted.values() if n > 1)}")


CHILD = """
import asyncio, sys
from support import make_jam, origin
async def main(data):
    jam, _ = make_jam(data, rate_limit=1000, member_in_flight=100)
    await jam.start(workers=False)
    for i in range(24):
        await jam.submit_text(f"/echo job {i}", origin(f"m{i % 4}", f"event-{i}"))
    print("queued", flush=True)
    await asyncio.sleep(3600)
asyncio.run(main(sys.argv[1]))
"""


async def embedded(args: argparse.Namespace, tmp: Path) -> None:
    from support import make_jam as make_memory_jam

    for sig in (signal.SIGKILL, signal.SIGTERM):
        data = tmp / f"embedded-{sig.name}"
        env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "tests"), str(ROOT)])}
        child = await asyncio.create_subprocess_exec(sys.executable, "-c", CHILD, str(data), env=env, cwd=str(ROOT),
                                                     stdout=asyncio.subprocess.PIPE)
        await child.stdout.readline()
        child.send_signal(sig)
        await child.wait()
        jam, out = make_memory_jam(data, rate_limit=1000, member_in_flight=100)
        await jam.start()
        try:
            kept = (await jam.queue.stats())["resumed"]
            try:
                await out.wait_for(24, timeout=120)
            except TimeoutError:
                pass
        finally:
            await jam.stop()
        print(f"embedded: 24 queued, {sig.name}: {kept} kept, {len(out.deliveries)} delivered after the restart")


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scenario", nargs="?", default="all", choices=["kills", "outage", "embedded", "all"])
    parser.add_argument("--jobs", type=int, default=200)
    parser.add_argument("--kills", type=int, default=4)
    parser.add_argument("--kill-every", type=float, default=5.0)
    parser.add_argument("--freeze", type=float, default=5.0)
    parser.add_argument("--timeout", type=float, default=300.0)
    parser.add_argument("--verbose", action="store_true", help="outage: print every answer")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="jamroom-chaos-") as tmp:
        for name in ("embedded", "outage", "kills") if args.scenario == "all" else (args.scenario,):
            await globals()[name](args, Path(tmp))


if __name__ == "__main__":
    asyncio.run(main())
