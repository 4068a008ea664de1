"""The in-process queue: the default for `jamroom serve` and `jamroom try`.

With a :class:`Journal` (``from_settings``: ``<JAMROOM_DATA>/queue.sqlite3``) waiting, delayed and
running jobs are written to SQLite and taken up again at start, so a SIGKILL or SIGTERM loses none.
"""

from __future__ import annotations

import asyncio
import contextlib
import heapq
import itertools
import time
from collections import deque
from typing import Any

from bot.errors import Refused
from bot.models import Job, JobState
from bot.queue.base import Enqueued, Fairness, JobQueue, RateLimit, Retries, rate_limited_message, round_robin_order
from bot.queue.journal import Journal

#: Dead letters kept for `jamroom jobs failed` (oldest dropped first).
DEAD_LETTERS_KEPT = 1000


class MemoryQueue(JobQueue):
    backend = "memory"

    def __init__(self, fairness: Fairness | None = None, *, retries: Retries | None = None,
                 journal: Journal | None = None, clock=time.monotonic) -> None:
        self.fairness = fairness or Fairness()
        self.retries = retries or Retries()
        self._clock = clock
        #: Retries not yet due: a heap of (due, tie-breaker, job).
        self._delayed: list[tuple[float, int, Job]] = []
        self._tie = itertools.count()
        self._dead: deque[dict[str, Any]] = deque(maxlen=DEAD_LETTERS_KEPT)
        self._waiting: dict[str, deque[Job]] = {}
        self._rotation: deque[str] = deque()
        self._running: dict[str, int] = {}
        self._running_jobs: dict[str, Job] = {}
        self._states: dict[str, JobState] = {}
        self._keys: dict[str, tuple[float, Job]] = {}
        self._accepted: dict[str, deque[float]] = {}
        self._changed = asyncio.Condition()
        self._counts = {"done": 0, "failed": 0, "cancelled": 0, "retried": 0, "resumed": 0}
        self.journal = journal
        if journal is not None:
            self._resume(journal)

    def _resume(self, journal: Journal) -> None:
        """Take up the jobs a previous run left: running ones run again (unless that was their last
        attempt: then they are dead letters, so a job that kills the process cannot loop forever)."""
        now, wall = self._clock(), time.time()
        for saved in journal.load():
            job, state = saved["job"], saved["state"]
            self._keys[saved["key"]] = (now, job)
            if state == "running" and job.attempts >= self.retries.max_attempts:
                self._bury(job, "the process stopped during each attempt", "lost")
                journal.drop_now(job.id)
                continue
            self._counts["resumed"] += 1
            if state == "delayed":
                due = now + max(0.0, saved["due"] - wall)
                heapq.heappush(self._delayed, (due, next(self._tie), job))
                self._states[job.id] = JobState.WAITING
            else:
                self._push(job)

    @classmethod
    def from_settings(cls, settings: Any) -> MemoryQueue:
        """The queue the settings describe (fairness, retry cap and backoff)."""
        fairness = Fairness(settings.member_in_flight, settings.rate_limit, settings.rate_window,
                            settings.idempotency_ttl)
        return cls(fairness, retries=Retries(settings.max_attempts, settings.retry_backoff),
                   journal=Journal(settings.data / "queue.sqlite3"))

    async def enqueue(self, job: Job, idempotency_key: str) -> Enqueued:
        now = self._clock()
        self._expire_keys(now)
        seen = self._keys.get(idempotency_key)
        if seen is not None:
            earlier = seen[1]
            return Enqueued(earlier, await self.position(earlier.id) or 0, duplicate=True)
        rate = await self.rate_of(job)
        if rate is not None:
            self._check_rate(job.member, now, rate)
            self._accepted.setdefault(job.member, deque()).append(now)
        self._keys[idempotency_key] = (now, job)
        if self.journal is not None:
            await self.journal.add(job, idempotency_key)
        async with self._changed:
            self._push(job)
            self._changed.notify_all()
        return Enqueued(job, await self.position(job.id) or 0)

    def _check_rate(self, member: str, now: float, rate: RateLimit) -> None:
        stamps = self._accepted.setdefault(member, deque())
        while stamps and now - stamps[0] >= max(rate.window, self.fairness.rate_window):
            stamps.popleft()  # kept for the longest window in use, so a longer setting counts them
        recent = [t for t in stamps if now - t < rate.window]
        if len(recent) >= rate.limit:
            retry_in = rate.window - (now - recent[-rate.limit]) if rate.limit else rate.window
            raise Refused(rate_limited_message(rate.limit, rate.window, retry_in))

    def _expire_keys(self, now: float) -> None:
        ttl = self.fairness.idempotency_ttl
        if len(self._keys) > 1000:
            self._keys = {k: v for k, v in self._keys.items() if now - v[0] < ttl}

    def _push(self, job: Job, *, front: bool = False) -> None:
        queue = self._waiting.setdefault(job.member, deque())
        if not queue and job.member not in self._rotation:
            self._rotation.append(job.member)
        if front:
            queue.appendleft(job)
        else:
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

    def _promote_due(self) -> float | None:
        """Retries whose time has come go to the front of their member's queue; returns seconds until
        the next one is due (None when there is none)."""
        now = self._clock()
        while self._delayed and self._delayed[0][0] <= now:
            _, _, job = heapq.heappop(self._delayed)
            self._push(job, front=True)
        return self._delayed[0][0] - now if self._delayed else None

    async def consume(self, worker: str = "worker") -> Job:
        job = await self._next()
        if self.journal is not None:
            await self.journal.started(job)
        return job

    async def _next(self) -> Job:
        async with self._changed:
            while True:
                next_due = self._promote_due()
                job = self._take()
                if job is not None:
                    self._running[job.member] = self._running.get(job.member, 0) + 1
                    self._running_jobs[job.id] = job
                    self._states[job.id] = JobState.RUNNING
                    job.attempts += 1
                    return job
                if next_due is None:
                    await self._changed.wait()
                else:
                    with contextlib.suppress(TimeoutError):
                        async with asyncio.timeout(max(next_due, 0.001)):
                            await self._changed.wait()

    async def _finish(self, job: Job, state: JobState) -> bool:
        """Stop counting ``job`` as running; False when it was not running (already finished)."""
        async with self._changed:
            was_running = self._running_jobs.pop(job.id, None) is not None
            if was_running:
                self._running[job.member] -= 1
                if not self._running[job.member]:
                    del self._running[job.member]
                self._states[job.id] = state
            self._changed.notify_all()
            return was_running

    async def ack(self, job: Job) -> None:
        await self._finish(job, JobState.DONE)
        self._counts["done"] += 1
        if self.journal is not None:
            await self.journal.done(job.id)

    async def fail(self, job: Job, error: str, *, retry: bool, delay: float = 0.0) -> bool:
        again = retry and job.attempts < self.retries.max_attempts
        if not await self._finish(job, JobState.WAITING if again else JobState.FAILED):
            return False  # already finished (e.g. the worker's give-up after the last retry)
        if again:
            self._counts["retried"] += 1
            wait = self.retries.delay(job.attempts, delay)
            if self.journal is not None:
                await self.journal.delayed(job, wait)
            due = self._clock() + wait
            async with self._changed:
                heapq.heappush(self._delayed, (due, next(self._tie), job))
                self._changed.notify_all()
            return True
        self._bury(job, error, "exhausted" if retry else "gave-up")
        if self.journal is not None:
            await self.journal.done(job.id)
        return False

    def _bury(self, job: Job, error: str, reason: str) -> None:
        self._counts["failed"] += 1
        self._dead.append({"id": job.id, "member": job.member, "attempts": job.attempts, "reason": reason,
                           "error": error[:500], "at": time.time(), "job": job.to_dict()})

    async def failed(self, limit: int = 50) -> list[dict[str, Any]]:
        """Dead letters, newest first (the same fields as the Redis queue's)."""
        return list(itertools.islice(reversed(self._dead), limit))

    async def retry(self, job_id: str) -> bool:
        """Put a dead letter back on its member's queue with fresh attempts."""
        for letter in self._dead:
            if letter["id"] == job_id:
                self._dead.remove(letter)
                job = Job.from_dict(letter["job"])
                job.attempts = 0
                if self.journal is not None:
                    await self.journal.add(job, f"retry:{job.id}")
                async with self._changed:
                    self._push(job)
                    self._changed.notify_all()
                return True
        return False

    async def position(self, job_id: str) -> int | None:
        state = self._states.get(job_id)
        if state is JobState.RUNNING:
            return 0
        if state is not JobState.WAITING:
            return None
        queues = {m: list(q) for m, q in self._waiting.items()}
        order = round_robin_order(queues, list(self._rotation)) + [j for _, _, j in sorted(self._delayed)]
        for i, job in enumerate(order):
            if job.id == job_id:
                return i + 1
        return None

    async def cancel(self, job_id: str, member: str) -> bool:
        async with self._changed:
            for i, (_, _, job) in enumerate(self._delayed):
                if job.id == job_id and job.member == member:
                    self._delayed.pop(i)
                    heapq.heapify(self._delayed)
                    self._states[job_id] = JobState.CANCELLED
                    self._counts["cancelled"] += 1
                    await self._forget(job_id)
                    return True
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
                    await self._forget(job_id)
                    return True
        return False

    async def _forget(self, job_id: str) -> None:
        if self.journal is not None:
            await self.journal.done(job_id)

    async def close(self) -> None:
        if self.journal is not None:
            await self.journal.close()
            self.journal = None

    async def job(self, job_id: str) -> Job | None:
        if job_id in self._running_jobs:
            return self._running_jobs[job_id]
        for queue in self._waiting.values():
            for job in queue:
                if job.id == job_id:
                    return job
        for _, _, job in self._delayed:
            if job.id == job_id:
                return job
        return None

    async def waiting_of(self, member: str) -> list[str]:
        delayed = [job.id for _, _, job in sorted(self._delayed) if job.member == member]
        return [job.id for job in self._waiting.get(member, ())] + delayed

    async def stats(self) -> dict[str, Any]:
        return {
            "backend": self.backend,
            "waiting": sum(len(q) for q in self._waiting.values()) + len(self._delayed),
            "delayed": len(self._delayed),
            "running": len(self._running_jobs),
            "dead": len(self._dead),
            **self._counts,
        }
