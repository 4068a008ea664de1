"""Shared bits for benchmarks: percentiles, peak RSS, a delivery-recording outbound."""

from __future__ import annotations

import asyncio
import resource
import statistics
import time

from bot.models import Delivery, Origin


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[k]


def summary(label: str, seconds: list[float]) -> str:
    ms = [s * 1000 for s in seconds]
    return (f"{label}: n={len(ms)} p50={pct(ms, 50):.1f} ms p99={pct(ms, 99):.1f} ms "
            f"mean={statistics.fmean(ms):.1f} ms max={max(ms):.1f} ms")


def peak_rss_mb(children: bool = False) -> float:
    who = resource.RUSAGE_CHILDREN if children else resource.RUSAGE_SELF
    return resource.getrusage(who).ru_maxrss / 1024


class TimingOutbound:
    platform = "bench"

    def __init__(self) -> None:
        self.done: dict[str, float] = {}
        self.deliveries: dict[str, Delivery] = {}
        self.event = asyncio.Event()

    async def progress(self, origin: Origin, job_id: str, state: str, text: str) -> None:
        return None

    async def deliver(self, delivery: Delivery, files: dict[str, bytes]) -> str:
        self.done[delivery.job_id] = time.perf_counter()
        self.deliveries[delivery.job_id] = delivery
        self.event.set()
        return ""

    async def wait(self, job_ids: list[str], timeout: float = 300) -> None:
        async with asyncio.timeout(timeout):
            while not all(j in self.done for j in job_ids):
                self.event.clear()
                await self.event.wait()
