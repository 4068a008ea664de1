"""The narrow door adapters use into the core, instead of reaching through the whole Jamroom.

Submit a command, pre-check one before showing anything public, list a thread's recent
results, rebuild a thread's history as deliveries, and save a member's upload — each
the same for every platform, each off the event loop where it touches disks.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from bot.credits import credits_line
from bot.models import Artifact, Delivery, Origin, Upload
from bot.presentation import buttons_for
from bot.reply import Reply
from bot.services.records import removed_ids

if TYPE_CHECKING:
    from bot.runtime import Jamroom


class Door:
    def __init__(self, jam: Jamroom) -> None:
        self._jam = jam

    async def submit_text(self, text: str, origin: Origin, uploads: Mapping[str, Upload] | None = None) -> Reply:
        return await self._jam.intake.submit_text(text, origin, uploads)

    async def submit_options(self, name: str, options: Mapping[str, Any], origin: Origin,
                             uploads: Mapping[str, Upload] | None = None) -> Reply:
        return await self._jam.intake.submit_options(name, options, origin, uploads)

    async def precheck(self, name: str, options: Mapping[str, Any], origin: Origin) -> str | None:
        """The one-line refusal the command would get, before anything public is shown; None if none."""
        return await self._jam.intake.precheck(name, options, origin)

    async def recent(self, thread_key: str, kinds: tuple[str, ...] = (), limit: int = 25) -> list[Artifact]:
        """The thread's results, newest first, of these kinds, without removed ones."""
        gone = await removed_ids(self._jam.ledger)
        found = await self._jam.ledger.artifacts(thread=thread_key, newest_first=True, limit=max(limit, 50))
        return [a for a in found if a.id not in gone and (not kinds or a.kind in kinds)][:limit]

    async def history(self, origin: Origin, limit: int = 50) -> list[Delivery]:
        """The thread's results as deliveries (oldest first), for adapters that redraw a thread."""
        found = await self.recent(origin.thread_key, limit=limit)
        policy = await self._jam.labels.policy(origin)
        return [Delivery(job_id=a.job_id, origin=origin, text=a.summary or a.kind, artifact=a,
                         credits_line=credits_line(a.contributors), label=policy.render(a.generator, a.version),
                         buttons=buttons_for(a, self._jam.catalog.actions_for(a.kind)))
                for a in reversed(found)]

    async def save_upload(self, name: str, mime: str, data: bytes) -> Upload:
        """Store a member's file (hashing and writing megabytes: off the event loop)."""
        return await asyncio.to_thread(self._jam.save_upload, name, mime, data)
