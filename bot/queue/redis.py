"""The Redis queue: several worker processes and hosts share one fair, crash-safe queue.

Per-member lists and a rotation list, with every decision (accept, pick the next job fairly,
finish, retry, reclaim) made by a Lua script in one atomic step — see ``redis_scripts`` for the
keys and docs/scaling.md for why this rather than one Stream with a consumer group.

At-least-once: a taken job holds a lease (a deadline in a sorted set) that its process keeps
extending; a process that dies stops extending it, and the next consumer to look — consumers wake
at least every ``claim_idle / 4`` even with no new traffic — puts the job back at the front of its
member's queue.  The worker's delivery log makes the re-run post once.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import random
import socket
import time
from typing import Any

from redis.asyncio import Redis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from redis.exceptions import RedisError

from bot.errors import Busy, Refused
from bot.models import Job
from bot.queue import redis_scripts as lua
from bot.queue.base import Enqueued, Fairness, JobQueue, rate_limited_message

log = logging.getLogger(__name__)

BUSY = "Jamroom is busy right now; try again in a moment"
#: Share of the enqueue call's time budget after which Redis must refuse to queue it (the rest covers
#: the reply's way back), so a member told "busy" never gets that job later.
DEADLINE_SHARE = 0.6
#: Longest an ack waits for the same process's next take to carry it to Redis (seconds).
ACK_LINGER = 0.02
DEFAULT_URL = "redis://127.0.0.1:6379/0"
_SCRIPTS = {name.lower(): src for name, src in vars(lua).items() if name.isupper() and name != "PRELUDE"}


def _ms(seconds: float) -> int:
    return max(1, round(seconds * 1000))


def _pairs(flat: list[Any]) -> dict[str, Any]:
    return dict(zip(flat[::2], flat[1::2], strict=True))


class RedisQueue(JobQueue):
    backend = "redis"

    def __init__(self, url: str = DEFAULT_URL, fairness: Fairness | None = None, *, prefix: str = "jamroom",
                 claim_idle: float = 30.0, max_attempts: int = 5, retry_backoff: float = 2.0,
                 backoff_cap: float = 300.0, op_timeout: float = 1.0, identity: str | None = None) -> None:
        self.url = url
        self.fairness = fairness or Fairness()
        self.prefix = "{" + prefix + "}"
        self.claim_idle = claim_idle
        self.max_attempts = max(1, max_attempts)
        self.retry_backoff = retry_backoff
        self.backoff_cap = backoff_cap
        self.op_timeout = op_timeout
        self.identity = identity or f"{socket.gethostname()}:{os.getpid()}"
        #: Longest a blocked consumer sleeps: bounds how late an expired lease is noticed.
        self.poll = min(max(claim_idle / 4, 0.05), 5.0)
        self._redis = self._client(op_timeout, retries=1)
        self._block = self._client(self.poll + op_timeout + 1.0, retries=0)
        self._scripts = {name: self._redis.register_script(src) for name, src in _SCRIPTS.items()}
        #: Jobs this process took and has not finished: id -> (worker name, the task that took it).
        self._held: dict[str, tuple[str, asyncio.Task[Any] | None]] = {}
        self._keeper: asyncio.Task[None] | None = None
        #: Acked jobs not yet told to Redis: the next take carries them (one round trip for both),
        #: or a flush ``ACK_LINGER`` seconds later if no take comes.
        self._acks: list[str] = []
        self._ack_flush: asyncio.Task[None] | None = None
        #: Redis clock minus ours (seconds), for enqueue deadlines; measured on first use.
        self._clock_offset: float | None = None
        self._offset_at = 0.0

    @classmethod
    def from_settings(cls, settings: Any, **overrides: Any) -> RedisQueue:
        """The queue the settings describe; ``overrides`` replace keyword arguments (tests: ``prefix``)."""
        fairness = Fairness(settings.member_in_flight, settings.rate_limit, settings.rate_window,
                            settings.idempotency_ttl)
        options: dict[str, Any] = {
            "prefix": getattr(settings, "redis_prefix", None) or "jamroom", "claim_idle": settings.claim_idle,
            "max_attempts": settings.max_attempts, "retry_backoff": settings.retry_backoff, **overrides}
        return cls(settings.redis_url or DEFAULT_URL, fairness, **options)

    def _client(self, timeout: float, retries: int) -> Redis:
        return Redis.from_url(self.url, decode_responses=True, socket_timeout=timeout,
                              socket_connect_timeout=self.op_timeout, retry=Retry(NoBackoff(), retries),
                              health_check_interval=30, client_name=f"jamroom:{self.identity}")

    def key(self, name: str) -> str:
        return f"{self.prefix}:{name}"

    async def _run(self, script: str, *args: Any) -> Any:
        return await self._scripts[script](args=[self.prefix, *args])

    async def _asking(self, script: str, *args: Any) -> Any:
        """A call whose caller is waiting on a person: fail fast with a one-line "busy".  This
        process's pending acks land first, so what it reads includes what it finished."""
        if self._acks and script != "enqueue":
            acks, self._acks = self._acks, []
            try:
                async with asyncio.timeout(self.op_timeout):
                    await self._run("ack", *acks)
            except (RedisError, OSError, TimeoutError):
                self._acks[:0] = acks  # still owed; the call below reports the outage
        try:
            async with asyncio.timeout(self.op_timeout * 2.5):
                return await self._run(script, *args)
        except (RedisError, OSError, TimeoutError) as exc:
            log.warning("redis unavailable", extra={"op": script, "error": str(exc) or type(exc).__name__})
            raise Busy(BUSY) from exc

    async def _reliably(self, script: str, *args: Any) -> Any:
        """Bookkeeping that must land: retry with backoff for about a lease; None if Redis stayed away
        (the lease then lapses and the job runs again, which the delivery log makes harmless)."""
        delay, deadline = 0.05, time.monotonic() + max(self.claim_idle, 5.0)
        while True:
            try:
                return await self._run(script, *args)
            except (RedisError, OSError) as exc:
                if time.monotonic() >= deadline:
                    log.warning("redis unavailable; giving up on bookkeeping",
                                extra={"op": script, "error": str(exc) or type(exc).__name__})
                    return None
                await asyncio.sleep(delay * random.uniform(0.5, 1.0))
                delay = min(delay * 2, 2.0)

    async def _deadline(self, seconds: float) -> int:
        """``seconds`` from now on the Redis server's clock (ms), from an offset measured with TIME and
        refreshed every few minutes, so hosts with skewed clocks still agree."""
        if self._clock_offset is None or time.monotonic() - self._offset_at > 300:
            async def measure() -> float:
                before = time.time()
                sec, micros = await self._redis.time()
                after = time.time()
                return (sec + micros / 1e6) - (before + after) / 2

            try:
                async with asyncio.timeout(self.op_timeout * 2.5 * DEADLINE_SHARE):
                    self._clock_offset = await measure()
                self._offset_at = time.monotonic()
            except (RedisError, OSError, TimeoutError) as exc:
                raise Busy(BUSY) from exc
        return round((time.time() + self._clock_offset + seconds) * 1000)

    # -- the JobQueue interface ----------------------------------------------------------------

    async def enqueue(self, job: Job, idempotency_key: str) -> Enqueued:
        f = self.fairness
        rate = await self.rate_of(job)
        limit, window = (-1, f.rate_window) if rate is None else (rate.limit, rate.window)
        body = json.dumps(job.to_dict(), separators=(",", ":"), ensure_ascii=False)
        deadline = await self._deadline(self.op_timeout * 2.5 * DEADLINE_SHARE)
        kind, seen, value = await self._asking(
            "enqueue", self.key(f"idem:{idempotency_key}"), body, job.id, job.member, limit,
            _ms(window), _ms(f.idempotency_ttl), deadline)
        if kind == 3:  # reached Redis after its deadline: nothing was queued
            raise Busy(BUSY)
        if kind == 0:
            return Enqueued(Job.from_dict(json.loads(seen)), int(value), duplicate=True)
        if kind == 2:
            raise Refused(rate_limited_message(limit, window, int(value) / 1000))
        return Enqueued(job, int(value))

    async def consume(self, worker: str = "worker") -> Job:
        who = f"{self.identity}/{worker}"
        self._start_keeper()
        delay, outage = 0.05, False
        while True:
            acks, self._acks = self._acks, []
            try:
                got = await self._run("take", who, self.fairness.member_in_flight, self.max_attempts,
                                      _ms(self.claim_idle), *acks)
                acks = []
                if outage:
                    log.info("redis is back", extra={"worker": who})
                    outage, delay = False, 0.05
                if isinstance(got, list):
                    job = Job.from_dict(json.loads(got[1]))
                    job.attempts = int(got[2])
                    self._held[job.id] = (who, asyncio.current_task())
                    return job
                wait = self.poll if got < 0 else min(self.poll, max(got / 1000 + 0.002, 0.01))
                await self._block.blpop([self.key("wake")], timeout=round(wait, 3))
            except asyncio.CancelledError:
                self._acks[:0] = acks  # the consumer was stopped mid-call: the acks are still owed
                raise
            except (RedisError, OSError) as exc:
                self._acks[:0] = acks  # not known to have landed: carried again (finishing twice is a no-op)
                if not outage:
                    log.warning("redis unavailable; consumer retrying", extra={"worker": who, "error": str(exc)})
                    outage = True
                await asyncio.sleep(delay * random.uniform(0.5, 1.0))
                delay = min(delay * 2, 5.0)

    async def ack(self, job: Job) -> None:
        """Finished: told to Redis by this process's next take, or within ``ACK_LINGER`` seconds.
        (A SIGKILL in between lets the lease lapse and the job run again; the delivery log keeps the
        post single, as for any crash after posting.)"""
        self._held.pop(job.id, None)
        self._acks.append(job.id)
        if self._ack_flush is None or self._ack_flush.done():
            self._ack_flush = asyncio.create_task(self._flush_acks_later(), name="jamroom-redis-acks")

    async def _flush_acks_later(self) -> None:
        await asyncio.sleep(ACK_LINGER)
        await self._flush_acks()

    async def _flush_acks(self) -> None:
        while self._acks:
            acks, self._acks = self._acks, []
            await self._reliably("ack", *acks)

    async def fail(self, job: Job, error: str, *, retry: bool, delay: float = 0.0) -> bool:
        self._held.pop(job.id, None)
        got = await self._reliably("fail", job.id, error[:500], int(retry), self.max_attempts,
                                   _ms(self.retry_backoff), _ms(self.backoff_cap), max(0, round(delay * 1000)))
        if got is None:
            return retry
        return got in (1, 2)

    async def position(self, job_id: str) -> int | None:
        got = await self._asking("position", job_id)
        return None if got is None else int(got)

    async def cancel(self, job_id: str, member: str) -> bool:
        return bool(await self._asking("cancel", job_id, member))

    async def job(self, job_id: str) -> Job | None:
        with contextlib.suppress(RedisError, OSError, ValueError, KeyError):
            await self._flush_acks()
            body = await self._redis.hget(self.key("jobs"), job_id)
            if body:
                return Job.from_dict(json.loads(body))
        return None

    async def waiting_of(self, member: str) -> list[str]:
        return list(await self._asking("waiting_of", member))

    async def heartbeat(self, job: Job) -> None:
        with contextlib.suppress(RedisError, OSError):
            await self._run("keep", _ms(self.claim_idle), job.id)

    async def stats(self) -> dict[str, Any]:
        waiting, delayed, running, dead, counts, leases, seen, done, now = await self._asking("stats")
        counts = {k: int(v) for k, v in _pairs(counts).items()}
        workers: dict[str, dict[str, Any]] = {}
        for name, last in _pairs(seen).items():
            workers[name] = {"running": 0, "done": 0, "seen_s_ago": round((now - int(last)) / 1000, 1)}
        for name in leases:
            workers.setdefault(name, {"running": 0, "done": 0, "seen_s_ago": None})["running"] += 1
        for name, n in _pairs(done).items():
            workers.setdefault(name, {"running": 0, "done": 0, "seen_s_ago": None})["done"] = int(n)
        return {
            "backend": self.backend, "waiting": int(waiting) + int(delayed), "delayed": int(delayed),
            "running": int(running), "done": counts.get("done", 0), "failed": counts.get("failed", 0),
            "cancelled": counts.get("cancelled", 0), "retried": counts.get("retried", 0),
            "reclaimed": counts.get("reclaimed", 0), "dead": int(dead), "workers": workers,
        }

    async def close(self) -> None:
        """Land pending acks, hand running jobs back, close connections — each step bounded, so a
        stopping process never waits on an unreachable Redis (what is left, leases make good)."""
        if self._ack_flush is not None:
            self._ack_flush.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._ack_flush
        if self._acks:
            acks, self._acks = self._acks, []
            try:
                async with asyncio.timeout(self.op_timeout * 2.5):
                    await self._run("ack", *acks)
            except (RedisError, OSError, TimeoutError) as exc:
                log.warning("could not record acks; those jobs' leases will lapse", extra={"error": str(exc)})
        if self._keeper is not None:
            self._keeper.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._keeper
            self._keeper = None
        if self._held:
            await self._hand_back()
        for client in (self._block, self._redis):
            with contextlib.suppress(RedisError, OSError, TimeoutError):
                async with asyncio.timeout(self.op_timeout * 2):
                    await client.aclose()

    # -- leases ------------------------------------------------------------------------------------

    def _start_keeper(self) -> None:
        if self._keeper is None or self._keeper.done():
            self._keeper = asyncio.create_task(self._keep_leases(), name="jamroom-redis-leases")

    async def _keep_leases(self) -> None:
        """Extend the leases of every job this process holds, so long jobs are never reclaimed."""
        while True:
            await asyncio.sleep(self.claim_idle / 3)
            self._drop_orphans()
            if not self._held:
                continue
            try:
                await self._run("keep", _ms(self.claim_idle), *list(self._held))
            except (RedisError, OSError) as exc:
                log.warning("could not extend job leases", extra={"error": str(exc), "jobs": len(self._held)})

    def _drop_orphans(self) -> None:
        """A consumer task that died of an error never finishes its job: stop renewing that lease, so
        another worker takes the job after ``claim_idle`` (cancelled tasks' jobs are handed back by close)."""
        for job_id, (who, task) in list(self._held.items()):
            if task is not None and task.done() and not task.cancelled() and task.exception() is not None:
                log.warning("a consumer died holding a job; its lease will lapse", extra={"job": job_id,
                                                                                          "worker": who})
                del self._held[job_id]

    async def _hand_back(self) -> None:
        """On shutdown, put this process's unfinished jobs back at the front (no attempt spent)."""
        by_worker: dict[str, list[str]] = {}
        for job_id, (who, _) in self._held.items():
            by_worker.setdefault(who, []).append(job_id)
        self._held.clear()
        for who, ids in by_worker.items():
            try:
                async with asyncio.timeout(self.op_timeout * 2):
                    await self._run("release", who, *ids)
            except (RedisError, OSError, TimeoutError) as exc:
                log.warning("could not hand jobs back; their leases will lapse", extra={"error": str(exc)})

    # -- operators (`jamroom jobs`) ------------------------------------------------------------

    async def failed(self, limit: int = 50) -> list[dict[str, Any]]:
        """Dead letters, newest first: id, member, attempts, reason, error, at (epoch s), job."""
        rows = await self._redis.xrevrange(self.key("dead"), count=limit)
        out = []
        for entry, fields in rows:
            out.append({"id": fields.get("id", ""), "member": fields.get("member", ""),
                        "attempts": int(fields.get("attempts", 0)), "reason": fields.get("reason", ""),
                        "error": fields.get("error", ""), "at": int(fields.get("at", 0)) / 1000,
                        "entry": entry, "job": json.loads(fields.get("job") or "{}")})
        return out

    async def retry(self, job_id: str) -> bool:
        """Put a dead letter back on its member's queue with fresh attempts."""
        return bool(await self._run("requeue", job_id))

    async def ping(self) -> bool:
        return bool(await self._redis.ping())
