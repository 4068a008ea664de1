"""The outbound half of every adapter, as the core sees it.

Workers hand a :class:`Delivery` to the outbound of the platform the request came
from.  Posting uses only REST-style calls, so a worker on another host can deliver.
Transient platform errors raise :class:`DeliveryRetry`; the job is then retried
with backoff (at least the platform's ``retry_after``), posting the stored files
without running the generator again.  Nothing is raised once a result is posted:
cosmetic edits after it are logged, never retried as a job.
"""

from __future__ import annotations

import logging
from typing import Protocol

from bot.models import Delivery, Origin

log = logging.getLogger(__name__)


class DeliveryRetry(Exception):
    """A transient failure (5xx, 429, network): post the stored result again later.

    ``retry_after`` is the platform's own wait (Discord's ``retry_after``, Slack's
    ``Retry-After``) when it gave one; the worker waits at least that long.
    """

    def __init__(self, message: str, *, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class Outbound(Protocol):
    platform: str

    async def progress(self, origin: Origin, job_id: str, state: str, text: str) -> None:
        """Show progress ("queued · position 3", "working…") where the member is looking."""

    async def deliver(self, delivery: Delivery, files: dict[str, bytes]) -> str:
        """Post the result or the failure; returns a reference to the posted message."""


class Outbounds:
    """Outbound halves by platform; a platform without one logs instead of failing the job."""

    def __init__(self) -> None:
        self._by_platform: dict[str, Outbound] = {}

    def add(self, outbound: Outbound) -> None:
        self._by_platform[outbound.platform] = outbound

    def get(self, platform: str) -> Outbound | None:
        return self._by_platform.get(platform)

    def file_limit(self, origin: Origin) -> int | None:
        """The largest file the origin's platform takes (an outbound's optional ``file_limit``); None: any."""
        target = self.get(origin.platform)
        limit = getattr(target, "file_limit", None)
        return limit(origin) if callable(limit) else None

    async def progress(self, origin: Origin, job_id: str, state: str, text: str) -> None:
        target = self.get(origin.platform)
        if target is None:
            return
        try:
            await target.progress(origin, job_id, state, text)
        except Exception as exc:  # progress is best-effort; the result still goes out
            log.warning("progress update failed", extra={"job": job_id, "error": str(exc)})

    async def deliver(self, delivery: Delivery, files: dict[str, bytes]) -> str:
        target = self.get(delivery.origin.platform)
        if target is None:
            log.warning("no outbound for platform", extra={"platform": delivery.origin.platform,
                                                           "job": delivery.job_id})
            return ""
        return await target.deliver(delivery, files)
