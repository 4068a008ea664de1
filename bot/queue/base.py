"""The JobQueue interface every backend implements (memory now, Redis for scale-out).

Guarantees the core relies on:
- ``enqueue`` is idempotent on the platform event id: the same key returns the same job;
- members are served round-robin, each with at most ``member_in_flight`` jobs running,
  and at most ``rate_limit`` accepted jobs per ``rate_window`` seconds;
- ``cancel`` removes a waiting job, only for the member who asked for it.
"""

from __future__ import annotations

import abc
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from bot.models import Job


@dataclass(frozen=True)
class Fairness:
    member_in_flight: int = 3
    rate_limit: int = 20
    rate_window: float = 600.0
    idempotency_ttl: float = 24 * 3600.0


@dataclass(frozen=True)
class Enqueued:
    job: Job
    position: int
    #: True when the idempotency key was seen before: ``job`` is the earlier one.
    duplicate: bool = False


@dataclass(frozen=True)
class Retries:
    """How failed jobs come back: at most ``max_attempts`` runs, waiting ``backoff`` × 2^(n-1) (up to
    ``cap``) or the platform's ``retry_after``, whichever is longer."""

    max_attempts: int = 5
    backoff: float = 2.0
    cap: float = 300.0

    def delay(self, attempts: int, requested: float = 0.0) -> float:
        """Seconds before run ``attempts + 1``; a platform's ``retry_after`` is never shortened."""
        backoff = min(self.cap, self.backoff * 2 ** max(attempts - 1, 0))
        return max(backoff, max(0.0, requested))


@dataclass(frozen=True)
class RateLimit:
    """Accepted jobs allowed per member per window (seconds)."""

    limit: int
    window: float


#: Who decides a job's rate limit (the workspace's moderators, see bot/policy.py); None = exempt.
RateFor = Callable[[Job, RateLimit], Awaitable[RateLimit | None]]


def rate_limited_message(limit: int, window: float, retry_in: float) -> str:
    minutes = max(1, round(window / 60))
    wait = max(1, round(retry_in))
    when = f"{wait} s" if wait < 90 else f"{round(wait / 60)} min"
    return f"you have started {limit} jobs in the last {minutes} minutes; try again in {when}"


def round_robin_order(queues: dict[str, list[Job]], rotation: list[str]) -> list[Job]:
    """The order waiting jobs will start in: one per member per turn, members in rotation order."""
    order: list[Job] = []
    cursors = {m: 0 for m in rotation}
    remaining = sum(len(queues.get(m, [])) for m in rotation)
    while remaining:
        for member in rotation:
            jobs = queues.get(member, [])
            i = cursors[member]
            if i < len(jobs):
                order.append(jobs[i])
                cursors[member] = i + 1
                remaining -= 1
    return order


class JobQueue(abc.ABC):
    """A fair, idempotent job queue."""

    backend: str = "abstract"
    #: Set by the runtime to the workspace policy; without it every job gets the fairness default.
    rate_for: RateFor | None = None

    async def rate_of(self, job: Job) -> RateLimit | None:
        """The rate limit this job is held to (None: exempt, e.g. a moderator)."""
        default = RateLimit(self.fairness.rate_limit, self.fairness.rate_window)  # type: ignore[attr-defined]
        return default if self.rate_for is None else await self.rate_for(job, default)

    @abc.abstractmethod
    async def enqueue(self, job: Job, idempotency_key: str) -> Enqueued:
        """Queue ``job`` unless ``idempotency_key`` was seen; raises Refused or Busy."""

    @abc.abstractmethod
    async def consume(self, worker: str = "worker") -> Job:
        """Wait for the next job this worker may run (fairness applied)."""

    @abc.abstractmethod
    async def ack(self, job: Job) -> None:
        """The job finished (delivered, or failed for good and the member was told)."""

    @abc.abstractmethod
    async def fail(self, job: Job, error: str, *, retry: bool, delay: float = 0.0) -> bool:
        """The job failed; with ``retry`` it is queued again after at least ``delay`` seconds (a
        platform's retry_after) and the backoff.  Returns True if it will retry; False when it failed
        for good (``retry`` False, or attempts used up): it is then a dead letter."""

    @abc.abstractmethod
    async def position(self, job_id: str) -> int | None:
        """1-based place among waiting jobs, 0 when running, None when not queued."""

    @abc.abstractmethod
    async def cancel(self, job_id: str, member: str) -> bool:
        """Remove a waiting job of ``member``; False if not theirs or no longer waiting."""

    @abc.abstractmethod
    async def waiting_of(self, member: str) -> list[str]:
        """Ids of the member's waiting jobs, oldest first."""

    @abc.abstractmethod
    async def stats(self) -> dict[str, Any]:
        """Counts for /metrics and `jamroom jobs stats`."""

    async def job(self, job_id: str) -> Job | None:
        """A waiting or running job by id (so /cancel can update the message that queued it)."""
        return None

    async def heartbeat(self, job: Job) -> None:  # noqa: B027 - optional for backends without leases
        """Tell the queue a long job is still alive (Redis: keeps it from being reclaimed)."""

    async def close(self) -> None:  # noqa: B027 - optional
        """Release connections."""
