"""Shared measuring loop for the arq / saq / taskiq runners (run inside each library's own venv).

Only redis-py (present in every venv, at whatever version the library pins) and the standard library
are used here, so the same file works in all three environments.  A runner supplies a `Library` with
four coroutines; this module does the rest and prints one JSON line of results.

Completion is counted without a Redis call per job: each worker process keeps a counter in memory
and writes it to a hash every 10 ms, so the competitors pay for nothing Jamroom's worker does not.
Enqueue→start latency uses `time.monotonic()` (one clock for all processes on Linux); jobs are sent
one at a time, each 4–54 ms (seeded uniform) after the previous one started, so a polling worker
(arq) is met at a random point of its poll cycle rather than always just after a poll.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import redis.asyncio as aioredis

DONE = "bench:done"
STARTED = "bench:started"


@dataclass
class Library:
    """What a runner provides: bench side (prepare, enqueue, close) and worker side (serve)."""

    name: str
    prepare: Callable[[str], Awaitable[None]]
    enqueue: Callable[[int, float | None], Awaitable[None]]
    close: Callable[[], Awaitable[None]]
    serve: Callable[[str, int], Awaitable[None]]


class Tally:
    """In-process job counter for the worker side; the job functions call `Tally.job(t)`."""

    count = 0
    client: aioredis.Redis | None = None

    @classmethod
    async def job(cls, t: float | None) -> None:
        if t is not None and cls.client is not None:
            await cls.client.rpush(STARTED, f"{time.monotonic() - t:.6f}")
        cls.count += 1

    @classmethod
    async def report(cls, url: str) -> None:
        cls.client = aioredis.from_url(url)
        pid, last = str(os.getpid()), -1
        while True:
            if cls.count != last:
                last = cls.count
                await cls.client.hset(DONE, pid, last)
            await asyncio.sleep(0.01)


#: Warm-up jobs per worker before a throughput run's clock starts (the same in bench/queue_bench.py).
WARM_UP = 50


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))] if ordered else float("nan")


async def worker(lib: Library, url: str, concurrency: int, lifetime: float) -> None:
    """Runs until killed, or for `lifetime` seconds at most should the bench process vanish."""
    reporter = asyncio.create_task(Tally.report(url))
    print("ready", flush=True)
    try:
        await asyncio.wait_for(lib.serve(url, concurrency), lifetime)
    except TimeoutError:
        pass
    finally:
        reporter.cancel()


def start_workers(args: argparse.Namespace, n: int, concurrency: int) -> list[subprocess.Popen[str]]:
    """Workers stay in this process group, so the caller's timeout kill reaches them too."""
    procs = []
    for _ in range(n):
        cmd = [sys.executable, sys.argv[0], "--role", "worker", "--redis", args.redis,
               "--concurrency", str(concurrency), "--timeout", str(args.timeout)]
        procs.append(subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True))
    for proc in procs:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
    return procs


def stop(procs: list[subprocess.Popen[str]]) -> None:
    for proc in procs:
        if proc.poll() is None:
            proc.kill()
        proc.wait(timeout=10)


async def done(client: aioredis.Redis) -> int:
    return sum(int(v) for v in (await client.hvals(DONE)))


async def wait_done(client: aioredis.Redis, n: int, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while await done(client) < n:
        if time.monotonic() > deadline:
            raise TimeoutError(f"only {await done(client)} of {n} done after {timeout:g} s")
        await asyncio.sleep(0.005)


async def fresh(lib: Library, client: aioredis.Redis, url: str) -> None:
    await client.flushdb()
    await lib.prepare(url)


async def throughput(lib: Library, args: argparse.Namespace, client: aioredis.Redis, workers: int) -> float:
    await fresh(lib, client, args.redis)
    procs = start_workers(args, workers, args.concurrency)
    try:
        # Warm-up: jobs through every worker's serve loop before the clock starts, so a worker's own
        # start-up (imports, consumer groups, pools) is never counted, however busy the machine is.
        warm = WARM_UP * workers
        for i in range(warm):
            await lib.enqueue(-1 - i, None)
        await wait_done(client, warm, args.timeout)
        t0 = time.perf_counter()

        async def part(k: int) -> None:
            for i in range(k, args.jobs, args.enqueuers):
                await lib.enqueue(i, None)

        await asyncio.gather(*(part(k) for k in range(args.enqueuers)))
        await wait_done(client, warm + args.jobs, args.timeout)
        return args.jobs / (time.perf_counter() - t0)
    finally:
        stop(procs)
        await lib.close()


async def latency(lib: Library, args: argparse.Namespace, client: aioredis.Redis) -> list[float]:
    await fresh(lib, client, args.redis)
    procs = start_workers(args, 1, 1)
    try:
        await asyncio.sleep(0.5)
        deadline, rng = time.monotonic() + args.timeout, random.Random(0)
        for i in range(args.latency):
            await lib.enqueue(i, time.monotonic())
            while await client.llen(STARTED) < i + 1:  # started: the worker is idle again after this
                if time.monotonic() > deadline:
                    raise TimeoutError(f"latency run: {i} of {args.latency} started")
                await asyncio.sleep(0.001)
            await asyncio.sleep(rng.uniform(0.004, 0.054))  # random phase against a polling worker (arq)
        return [float(r) * 1000 for r in await client.lrange(STARTED, 0, -1)]
    finally:
        stop(procs)
        await lib.close()


async def bench(lib: Library, args: argparse.Namespace) -> None:
    client = aioredis.from_url(args.redis)
    try:
        rates = {str(w): await throughput(lib, args, client, w) for w in (1, 2)}
        ms = await latency(lib, args, client)
        await client.flushdb()
    finally:
        await client.aclose() if hasattr(client, "aclose") else await client.close()
    print(json.dumps({"library": lib.name, "jobs": args.jobs, "jobs_s": rates, "latency_n": len(ms),
                      "p50_ms": pct(ms, 50), "p99_ms": pct(ms, 99)}), flush=True)


def main(lib: Library) -> None:
    parser = argparse.ArgumentParser(description=f"{lib.name}: no-op jobs/s and enqueue→start latency")
    parser.add_argument("--role", default="bench", choices=["bench", "worker"])
    parser.add_argument("--redis", required=True, help="redis URL with a dedicated DB: it is FLUSHED")
    parser.add_argument("--jobs", type=int, default=5000)
    parser.add_argument("--concurrency", type=int, default=8, help="concurrent jobs per worker process")
    parser.add_argument("--enqueuers", type=int, default=16)
    parser.add_argument("--latency", type=int, default=500)
    parser.add_argument("--timeout", type=float, default=180, help="seconds allowed for one drain or latency run")
    args = parser.parse_args()
    if args.role == "worker":
        asyncio.run(worker(lib, args.redis, args.concurrency, 4 * args.timeout))
    else:
        asyncio.run(bench(lib, args))
