"""The moderator's window on the community: other platforms' threads, read-only, from the ledger.

An operator running the studio sees every Discord and Slack thread that made
something, with each result's files, credits and label, without touching those
platforms.  It is a snapshot read from the ledger (refreshed on opening), and
nothing can be sent from it: actions belong in the thread where the work lives.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from adapters.studio import messages as msg
from adapters.studio.members import THREAD_PREFIX
from bot.models import Origin
from bot.services.records import removed_ids

if TYPE_CHECKING:
    from bot.runtime import Jamroom

PREFIX = "x-"
SCAN_LIMIT = 5000
SHOWN_LIMIT = 200
FRESH_FOR = 5.0


@dataclass(frozen=True)
class Watched:
    id: str
    key: str
    platform: str
    title: str
    updated: float

    def view(self) -> dict[str, Any]:
        return {"id": self.id, "platform": self.platform, "title": self.title, "updated": self.updated}


def watch_id(thread_key: str) -> str:
    return PREFIX + hashlib.sha256(thread_key.encode()).hexdigest()[:12]


def is_watch(thread: str) -> bool:
    return thread.startswith(PREFIX)


def origin_of(thread_key: str) -> Origin:
    platform, workspace, channel, thread = ([*thread_key.split(":", 3), "", "", ""])[:4]
    return Origin(platform, workspace, channel, thread, "", "", "")


class Community:
    """Other platforms' threads found in the ledger, re-read at most every few seconds."""

    def __init__(self, jam: Jamroom) -> None:
        self.jam = jam
        self._threads: dict[str, Watched] = {}
        self._read_at = float("-inf")

    async def threads(self) -> dict[str, Watched]:
        if time.monotonic() - self._read_at < FRESH_FOR:
            return self._threads
        found: dict[str, Watched] = {}
        for artifact in await self.jam.ledger.artifacts(newest_first=True, limit=SCAN_LIMIT):
            key = artifact.thread
            if key.startswith(THREAD_PREFIX) or watch_id(key) in found:
                continue
            platform = key.split(":", 1)[0]
            title = f"{platform} · {artifact.summary or artifact.kind}"[:70]
            found[watch_id(key)] = Watched(watch_id(key), key, platform, title, artifact.created)
        self._threads, self._read_at = found, time.monotonic()
        return found

    async def listing(self) -> list[dict[str, Any]]:
        return [w.view() for w in sorted((await self.threads()).values(), key=lambda w: w.updated, reverse=True)]

    async def snapshot(self, watched: Watched) -> list[dict[str, Any]]:
        """The thread's results, oldest first, without buttons (they would act on another platform)."""
        artifacts = await self.jam.ledger.artifacts(thread=watched.key, newest_first=True, limit=SHOWN_LIMIT)
        policy = await self.jam.labels.policy(origin_of(watched.key))
        gone = await removed_ids(self.jam.ledger)
        out = []
        for artifact in reversed([a for a in artifacts if a.id not in gone]):
            message = msg.history_message(watched.id, artifact, self.jam.catalog,
                                          policy.render(artifact.generator, artifact.version))
            message["buttons"] = []
            out.append(message)
        return out
