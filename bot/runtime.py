"""The composition root: settings in, a running Jamroom out.

Everything is wired here and only here — queue backend, ledger, artifact store,
generator pool, label policy, consent, outbound adapters and workers — so the
rest of the core depends on interfaces, and tests build the same object with
their own settings.
"""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from bot.catalog.parse import Parsed
from bot.catalog.registry import Catalog, catalog
from bot.consent import Consent
from bot.intake import Intake
from bot.labels import Labels
from bot.ledger import Ledger
from bot.models import Origin, Upload
from bot.outbound import Outbounds
from bot.policy import Policy
from bot.pool import GeneratorPool
from bot.queue.base import Fairness, JobQueue
from bot.queue.memory import MemoryQueue
from bot.reply import Reply
from bot.services.door import Door
from bot.settings import Settings
from bot.store import ArtifactStore, UploadSweeper
from bot.worker import Worker
from generators import registry
from generators.base import Generator

log = logging.getLogger(__name__)

Check = Callable[[Parsed, Origin], Awaitable[None]]


def fairness_from(settings: Settings) -> Fairness:
    return Fairness(settings.member_in_flight, settings.rate_limit, settings.rate_window, settings.idempotency_ttl)


def make_queue(settings: Settings) -> JobQueue:
    if settings.queue_backend == "redis":
        from bot.queue.redis import RedisQueue  # imported only when chosen

        return RedisQueue.from_settings(settings)
    return MemoryQueue.from_settings(settings)


class Jamroom:
    """One Jamroom: call :meth:`start`, submit commands, :meth:`stop`."""

    def __init__(self, settings: Settings | None = None, *, queue: JobQueue | None = None,
                 cat: Catalog | None = None, extra_generators: Mapping[str, Generator] | None = None) -> None:
        self.settings = settings or Settings()
        self.catalog = cat or catalog()
        self._extra_generators = dict(extra_generators or {})
        self.store = ArtifactStore(self.settings.artifacts_dir)
        self.ledger = Ledger(self.settings.sqlalchemy_url)
        self.queue = queue or make_queue(self.settings)
        self.pool = GeneratorPool(self.settings.concurrency, timeout=self.settings.job_timeout,
                                  max_output_bytes=self.settings.max_output_bytes,
                                  memory_limit=self.settings.generator_memory_mb * 1024 * 1024)
        self.labels = Labels(self.ledger, self.settings.label_text)
        self.consent = Consent(self.ledger, self.settings.consent_ttl)
        self.policy = Policy(self.ledger, self.queue.waiting_of, ceiling=self.settings.rate_limit_ceiling)
        self.queue.rate_for = self.policy.rate_for  # moderators' /settings rate_limit, shared through the queue
        self.outbounds = Outbounds()
        self.checks: list[Check] = []
        self.intake = Intake(self)
        self.worker = Worker(self)
        self._workers_running = False
        self._warming: asyncio.Task[dict[str, Generator]] | None = None

    @functools.cached_property
    def generators(self) -> dict[str, Generator]:
        """Every generator by name, loaded on first use (importing them all costs ~0.5 s of start-up)."""
        return {**registry.generators(), **self._extra_generators}

    def warm(self) -> asyncio.Task[dict[str, Generator]]:
        """Import every generator in a thread, now, so no command ever waits on imports on the event loop
        (``serve`` and ``worker`` call this at start-up; ``jamroom try`` and ``--help`` stay lazy)."""
        if self._warming is None:
            self._warming = asyncio.create_task(asyncio.to_thread(lambda: self.generators), name="jamroom-warm")
        return self._warming

    @property
    def generators_ready(self) -> bool:
        """True once the generator table is loaded (checks that need it never wait during a warm-up)."""
        return "generators" in self.__dict__

    async def loaded_generators(self) -> dict[str, Generator]:
        """The generator table without blocking the loop: waits for a warm-up under way, else loads in a thread."""
        if self.generators_ready:
            return self.generators
        return await self.warm()

    def generator(self, name: str) -> Generator:
        return self.generators[name]

    def generator_for(self, command: str, parent_kind: str | None) -> Generator | None:
        return registry.for_command(command, parent_kind, self.generators)

    async def start(self, *, workers: bool = True, warm: bool = False) -> Jamroom:
        self.settings.data.mkdir(parents=True, exist_ok=True)
        if warm:
            self.warm()
        await self.ledger.open()
        self.sweeper = UploadSweeper(self.store, self.ledger.files_in_use, self.settings.upload_retention_days).start()
        if workers:
            await self.start_workers()
        return self

    async def start_workers(self, concurrency: int | None = None) -> None:
        """Start the generator pool and in-process worker tasks (memory queue, or a worker process)."""
        if self._workers_running:
            return
        await self.pool.start()
        self.worker.start(concurrency or self.settings.concurrency)
        self._workers_running = True

    async def stop(self, grace: float = 0.0) -> None:
        """Stop; running jobs get ``grace`` seconds to finish before they are handed back to the queue."""
        if self._warming is not None and not self._warming.done():
            await asyncio.gather(self._warming, return_exceptions=True)  # a thread can't be cancelled; let it end
        if self._workers_running:
            await self.worker.stop(grace)
            await self.pool.close()
            self._workers_running = False
        if getattr(self, "sweeper", None) is not None:
            await self.sweeper.stop()
        await self.queue.close()
        await self.ledger.close()

    async def __aenter__(self) -> Jamroom:
        return await self.start()

    async def __aexit__(self, *exc: Any) -> None:
        await self.stop()

    # -- the one way in, for every adapter ---------------------------------------------------

    async def submit_text(self, text: str, origin: Origin, uploads: Mapping[str, Upload] | None = None) -> Reply:
        return await self.intake.submit_text(text, origin, uploads)

    async def submit_options(self, name: str, options: Mapping[str, Any], origin: Origin,
                             uploads: Mapping[str, Upload] | None = None) -> Reply:
        return await self.intake.submit_options(name, options, origin, uploads)

    @functools.cached_property
    def door(self) -> Door:
        """The narrow facade adapters use (submit, precheck, recent, history, save upload)."""
        return Door(self)

    def save_upload(self, name: str, mime: str, data: bytes) -> Upload:
        """Adapters store a member's file first, then reference it in the command."""
        digest = self.store.put(data)
        return Upload(name=name, mime=mime, sha256=digest, size=len(data))
