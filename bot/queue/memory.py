"""The in-process queue: the default for `jamroom serve` and `jamroom try`."""

from __future__ import annotations

import asyncio
import time
from collections import deque
from typing import Any

from bot.errors import Refused
from bot.models import Job, JobState
from bot.queue.base import Enqueued, Fairness, JobQueue, rate_limited_message, round_robin_order


class MemoryQueue(JobQueue):
    backend = "memory"

    def __init__(self, fairness: Fairness | None = None, *, clock=time.monotonic) -> None:
        self.fairness = fairness or Fairness()
        self._clock = clock
        self._waiting: dict[str, deque[Job]] = {}
        self._rotation: deque[str] = deque()
        self._running: dict[str, int] = {}
        self._running_jobs: dict[str, Job] = {}
        self._states: dict[str, JobState] = {}
        self._keys: dict[str, tuple[float, Job]] = {}
        self._accepted: dict[str, deque[float]] = {}
        self._changed = asyncio.Condition()
        self._counts = {"done": 0, "failed": 0, "cancelled": 0, "retried": 0}

    async def enqueue(self, job: Job, idempotency_key: str) -> Enqueued:
        now = self._clock()
        self._expire_keys(now)
        seen = self._keys.get(idempotency_key)
        if seen is not None:
            earlier = seen[1]
            return Enqueued(earlier, await self.position(earlier.id) or 0, duplicate=True)
        self._check_rate(job.member, now)
        self._keys[idempotency_key] = (now, job)
        self._accepted.setdefault(job.member, deque()).append(now)
        async with self._changed:
            self._push(job)
            self._changed.notify_all()
        return Enqueued(job, await self.position(job.id) or 0)

    def _check_rate(self, member: str, now: float) -> None:
        stamps = self._accepted.setdefault(member, deque())
        while stamps and now - stamps[0] >= self.fairness.rate_window:
            stamps.popleft()
        if len(stamps) >= self.fairness.rate_limit:
            retry_in = self.fairness.rate_window - (now - stamps[0])
            raise Refused(rate_limited_message(self.fairness.rate_limit, self.fairness.rate_window, retry_in))

    def _expire_keys(self, now: float) -> None:
        ttl = self.fairness.idempotency_ttl
        if len(self._keys) > 1000:
            self._keys = {k: v for k, v in self._keys.items() if now - v[0] < ttl}

    def _push(self, job: Job) -> None:
        queue = self._waiting.setdefault(job.member, deque())
        if not queue and job.member not in self._rotation:
            self._rotation.append(job.member)
        queue.append(job)
        self._states[job.id] = JobState.WAITING

    def _take(self) -> Job | None:
        for _ in range(len(self._rotation)):
            member = self._rotation[0]
            self._rotation.rotate(-1)
            if self._running.get(member, 0) >= self.fairness.member_in_flight:
                continue
            queue = self._waiting[member]
            job = queue.popleft()
            if not queue:
                self._rotation.remove(member)
                del self._waiting[member]
            return job
        return None

    async def consume(self, worker: str = "worker") -> Job:
        async with self._changed:
            while True:
                job = self._take()
                if job is not None:
                    self._running[job.member] = self._running.get(job.member, 0) + 1
                    self._running_jobs[job.id] = job
                    self._states[job.id] = JobState.RUNNING
                    job.attempts += 1
                    return job
                await self._changed.wait()

    async def _finish(self, job: Job, state: JobState) -> None:
        async with self._changed:
            if self._running_jobs.pop(job.id, None) is not None:
                self._running[job.member] -= 1
                if not self._running[job.member]:
                    del self._running[job.member]
            self._states[job.id] = state
            self._changed.notify_all()

    async def ack(self, job: Job) -> None:
        await self._finish(job, JobState.DONE)
        self._counts["done"] += 1

    async def fail(self, job: Job, error: str, *, retry: bool) -> bool:
        if retry:
            await self._finish(job, JobState.WAITING)
            self._counts["retried"] += 1
            async with self._changed:
                self._push(job)
                self._changed.notify_all()
            return True
        await self._finish(job, JobState.FAILED)
        self._counts["failed"] += 1
        return False

    async def position(self, job_id: str) -> int | None:
        state = self._states.get(job_id)
        if state is JobState.RUNNING:
            return 0
        if state is not JobState.WAITING:
            return None
        queues = {m: list(q) for m, q in self._waiting.items()}
        for i, job in enumerate(round_robin_order(queues, list(self._rotation))):
            if job.id == job_id:
                return i + 1
        return None

    async def cancel(self, job_id: str, member: str) -> bool:
        async with self._changed:
            queue = self._waiting.get(member)
            if not queue:
                return False
            for job in queue:
                if job.id == job_id:
                    queue.remove(job)
                    if not queue:
                        del self._waiting[member]
                        self._rotation.remove(member)
                    self._states[job_id] = JobState.CANCELLED
                    self._counts["cancelled"] += 1
                    self._changed.notify_all()
                    return True
        return False

    async def job(self, job_id: str) -> Job | None:
        if job_id in self._running_jobs:
            return self._running_jobs[job_id]
        for queue in self._waiting.values():
            for job in queue:
                if job.id == job_id:
                    return job
        return None

    async def waiting_of(self, member: str) -> list[str]:
        return [job.id for job in self._waiting.get(member, ())]

    async def stats(self) -> dict[str, Any]:
        return {
            "backend": self.backend,
            "waiting": sum(len(q) for q in self._waiting.values()),
            "running": len(self._running_jobs),
            **self._counts,
        }
