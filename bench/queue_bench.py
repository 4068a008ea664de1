"""Redis queue benchmark: no-op jobs/s with 1 and 2 worker processes, enqueue→start latency, recovery.

    python bench/queue_bench.py [--jobs 5000] [--concurrency 8] [--enqueuers 16] [--latency 500] [--claim-idle 1.0]

Uses REDIS_URL (default the local server) under a fresh key prefix, removed afterwards.  Every job
goes through the full enqueue path (idempotency key, rate limit, round-robin across 50 members,
in-flight limit) and the worker's take/ack scripts; the job itself does nothing.  Figures:

- jobs/s end to end (enqueue and drain at once) and drain-only (queue filled first);
- enqueue→start p50/p99 on an idle worker (one job at a time);
- recovery after SIGKILL: from killing the worker that holds a job (just after it started, so its
  lease is fresh) to the other, idle worker starting it, with no new traffic (expect claim_idle plus
  at most one poll, claim_idle / 4).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

# This file is named queue.py: take its folder off the path, or it would shadow the standard `queue`.
HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != HERE]
sys.path.insert(0, str(HERE.parent))



from bot.models import Job, Origin, Request  # noqa: E402
from bot.queue.base import Fairness  # noqa: E402
from bot.queue.redis import RedisQueue  # noqa: E402


def pct(values: list[float], q: float) -> float:
    """bench/common.py's percentile (not imported: that would put this folder back on the path)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))] if ordered else float("nan")


#: Warm-up jobs per worker before the clock starts (the same in queue_compare_runners/harness.py).
WARM_UP = 50
OPEN = Fairness(member_in_flight=1000, rate_limit=10**9, rate_window=600, idempotency_ttl=600)


def make_job(i: int, run: str, **options: object) -> Job:
    member = f"m{i % 50}"
    origin = Origin("bench", "w", "c", "t", member, member, f"{run}-{i}")
    return Job(f"j{run}{i}", Request("noop", dict(options), origin), "bench.noop", i, [])


# -- the worker process -----------------------------------------------------------------------------


async def work(url: str, prefix: str, concurrency: int, claim_idle: float) -> None:
    queue = RedisQueue(url, OPEN, prefix=prefix, claim_idle=claim_idle)
    report = queue._redis  # the same connections: one more client would only add sockets

    async def loop(n: int) -> None:
        while True:
            job = await queue.consume(f"bench-{n}")
            sent = job.request.options.get("t")
            if sent is not None:
                await report.rpush(queue.key("bench:started"), f"{job.id} {time.monotonic() - sent:.6f} {os.getpid()}")
            if job.request.options.get("hold"):
                await asyncio.sleep(3600)
            await queue.ack(job)

    print("ready", flush=True)
    await asyncio.gather(*(loop(n) for n in range(concurrency)))


def start_worker(args: argparse.Namespace, prefix: str, concurrency: int) -> subprocess.Popen[str]:
    cmd = [sys.executable, __file__, "--role", "worker", "--prefix", prefix, "--concurrency", str(concurrency),
           "--claim-idle", str(args.claim_idle), "--redis", args.redis]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True, start_new_session=True)
    assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
    return proc


def stop(procs: list[subprocess.Popen[str]]) -> None:
    for proc in procs:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


# -- the measurements -------------------------------------------------------------------------------


async def wait_done(queue: RedisQueue, n: int, timeout: float = 300) -> None:
    deadline = time.monotonic() + timeout
    while (await queue.stats())["done"] < n:
        if time.monotonic() > deadline:
            raise TimeoutError(f"only {(await queue.stats())['done']} of {n} done")
        await asyncio.sleep(0.02)


async def poll(probe, target: int, every: float = 0.002) -> None:
    while True:
        if await probe() >= target:
            return
        await asyncio.sleep(every)


async def enqueue_all(queue: RedisQueue, n: int, run: str, tasks: int = 16) -> float:
    """Enqueue n jobs from concurrent tasks (as concurrent adapter requests would); returns seconds."""
    t0 = time.perf_counter()

    async def part(k: int) -> None:
        for i in range(k, n, tasks):
            job = make_job(i, run)
            await queue.enqueue(job, f"{run}:{i}")

    await asyncio.gather(*(part(k) for k in range(tasks)))
    return time.perf_counter() - t0


async def throughput(args: argparse.Namespace, workers: int) -> None:
    prefix = f"jamroom-bench-{uuid.uuid4().hex[:8]}"
    queue = RedisQueue(args.redis, OPEN, prefix=prefix)
    procs: list[subprocess.Popen[str]] = []
    try:
        procs = [start_worker(args, prefix, args.concurrency) for _ in range(workers)]
        warm = WARM_UP * workers  # as the competitors' harness: start-up never counted
        await enqueue_all(queue, warm, "warm", args.enqueuers)
        await wait_done(queue, warm)
        t0 = time.perf_counter()
        enq = await enqueue_all(queue, args.jobs, "e2e", args.enqueuers)
        await wait_done(queue, warm + args.jobs)
        e2e = time.perf_counter() - t0
        stop(procs)
        await enqueue_all(queue, args.jobs, "drain", args.enqueuers)
        procs = [start_worker(args, prefix, args.concurrency) for _ in range(workers)]
        started = time.perf_counter()
        before = (await queue.stats())["done"] - warm - args.jobs  # rate once all are up
        await wait_done(queue, warm + 2 * args.jobs)
        drain = (args.jobs - before) / (time.perf_counter() - started)
        print(f"{workers} worker process(es) × {args.concurrency} consumers, {args.jobs} no-op jobs "
              f"({args.enqueuers} enqueuing tasks in one process): "
              f"end to end {args.jobs / e2e:,.0f} jobs/s (enqueue alone {args.jobs / enq:,.0f}/s); "
              f"drain {drain:,.0f} jobs/s")
    finally:
        stop(procs)
        await drop(queue)


async def latency(args: argparse.Namespace) -> None:
    prefix = f"jamroom-bench-{uuid.uuid4().hex[:8]}"
    queue = RedisQueue(args.redis, OPEN, prefix=prefix)
    procs = [start_worker(args, prefix, 1)]
    try:
        for i in range(args.latency):
            await queue.enqueue(make_job(i, "lat", t=time.monotonic()), f"lat:{i}")
            await asyncio.sleep(0.004)  # the worker is idle (blocked) again before the next one
        await wait_done(queue, args.latency)
        rows = await queue._redis.lrange(queue.key("bench:started"), 0, -1)
        ms = [float(r.split()[1]) * 1000 for r in rows]
        print(f"enqueue→start on an idle worker: n={len(ms)} p50={pct(ms, 50):.2f} ms p99={pct(ms, 99):.2f} ms "
              f"max={max(ms):.2f} ms")
    finally:
        stop(procs)
        await drop(queue)


async def recovery(args: argparse.Namespace) -> None:
    times = [await one_recovery(args) for _ in range(args.kills)]
    print(f"recovery after SIGKILL just after the job started (claim_idle {args.claim_idle:g} s, no new traffic): "
          f"mean {sum(times) / len(times):.2f} s, max {max(times):.2f} s over {len(times)} kills")


async def one_recovery(args: argparse.Namespace) -> float:
    prefix = f"jamroom-bench-{uuid.uuid4().hex[:8]}"
    queue = RedisQueue(args.redis, OPEN, prefix=prefix, claim_idle=args.claim_idle)
    key = queue.key("bench:started")
    procs = [start_worker(args, prefix, 1) for _ in range(2)]
    try:
        await queue.enqueue(make_job(0, "kill", t=time.monotonic(), hold=True), "kill")
        await poll(lambda: queue._redis.llen(key), 1)
        holder_pid = int((await queue._redis.lindex(key, 0)).split()[2])
        killed = time.monotonic()  # right after the job started: its lease is fresh, the worst case
        os.killpg(holder_pid, signal.SIGKILL)
        await poll(lambda: queue._redis.llen(key), 2)
        return time.monotonic() - killed
    finally:
        stop(procs)
        await drop(queue)


async def drop(queue: RedisQueue) -> None:
    keys = [k async for k in queue._redis.scan_iter(match=f"{queue.prefix}:*", count=1000)]
    for i in range(0, len(keys), 500):
        await queue._redis.delete(*keys[i:i + 500])
    await queue.close()


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--redis", default=os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"))
    parser.add_argument("--jobs", type=int, default=5000)
    parser.add_argument("--concurrency", type=int, default=8, help="consumer tasks per worker process")
    parser.add_argument("--enqueuers", type=int, default=16, help="concurrent enqueue tasks in the bench process")
    parser.add_argument("--latency", type=int, default=500)
    parser.add_argument("--kills", type=int, default=3)
    parser.add_argument("--claim-idle", type=float, default=1.0)
    parser.add_argument("--role", default="bench", choices=["bench", "worker"])
    parser.add_argument("--prefix")
    args = parser.parse_args()
    if args.role == "worker":
        await work(args.redis, args.prefix, args.concurrency, args.claim_idle)
        return
    for workers in (1, 2):
        await throughput(args, workers)
    await latency(args)
    await recovery(args)


if __name__ == "__main__":
    asyncio.run(main())
