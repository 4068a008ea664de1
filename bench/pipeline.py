"""Pipeline benchmark: acknowledgement latency under a burst, and /sketch end to end.

    python bench/pipeline.py [--burst 100] [--sketches 20]

Prints ack p50/p99 while 100 jobs wait (target p99 < 50 ms) and /sketch end-to-end
p50/p99 with one generator process (target p50 < 1.0 s), plus peak RSS.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from pathlib import Path

sys.path.append(str(Path(__file__).resolve().parent))  # appended: bench/ must not shadow stdlib names

from common import TimingOutbound, peak_rss_mb, summary

from bot.models import Origin
from bot.runtime import Jamroom
from bot.settings import Settings


def origin(member: str, event: str) -> Origin:
    return Origin("bench", "w", "c", "t", member, member, event)


async def burst(n: int, data: Path) -> None:
    jam = Jamroom(Settings(_env_file=None, data=data / "burst", queue="memory", database_url=None,
                           concurrency=1, rate_limit=10_000))
    out = TimingOutbound()
    jam.outbounds.add(out)
    await jam.start()
    try:
        warm = await jam.submit_text("/sketch warm up", origin("warm", "warm"))  # a running server is warm
        await out.wait([warm.job_id])

        async def one(i: int) -> float:
            t0 = time.perf_counter()
            reply = await jam.submit_text(f"/sketch burst {i} seed:{i}", origin(f"m{i % 25}", f"burst-{i}"))
            assert reply.ok, reply.text
            return time.perf_counter() - t0

        latencies = await asyncio.gather(*(one(i) for i in range(n)))
        stats = await jam.queue.stats()
        print(summary(f"ack latency, {n} commands at once ({stats['waiting']} still waiting after)", latencies))
    finally:
        await jam.stop()


async def sketches(n: int, data: Path) -> None:
    jam = Jamroom(Settings(_env_file=None, data=data / "e2e", queue="memory", database_url=None, concurrency=1))
    out = TimingOutbound()
    jam.outbounds.add(out)
    await jam.start()
    try:
        warm = await jam.submit_text("/sketch warm up seed:1", origin("w", "warm"))
        await out.wait([warm.job_id])
        times = []
        for i in range(n):
            t0 = time.perf_counter()
            reply = await jam.submit_text(f'/sketch prompt:"neon koi in the rain {i}" seed:{i}', origin("a", f"s{i}"))
            await out.wait([reply.job_id])
            times.append(out.done[reply.job_id] - t0)
            assert out.deliveries[reply.job_id].ok, out.deliveries[reply.job_id].error
        print(summary("/sketch end to end (1 generator process)", times))
        print(f"generator process peak RSS: {generator_peak_mb(jam):.0f} MB")
    finally:
        await jam.stop()


def generator_peak_mb(jam: Jamroom) -> float:
    """VmHWM of the pool's processes (they are the forkserver's children, not ours, so rusage misses them)."""
    peak = 0.0
    for slot in jam.pool._slots:
        try:
            status = Path(f"/proc/{slot.process.pid}/status").read_text()
        except OSError:
            continue
        for line in status.splitlines():
            if line.startswith("VmHWM:"):
                peak = max(peak, int(line.split()[1]) / 1024)
    return peak


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--burst", type=int, default=100)
    parser.add_argument("--sketches", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        await burst(args.burst, Path(tmp))
        await sketches(args.sketches, Path(tmp))
    print(f"core process peak RSS: {peak_rss_mb():.0f} MB")


if __name__ == "__main__":
    asyncio.run(main())
