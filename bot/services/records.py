"""What the ledger says about artifacts beyond their making: removals (tombstones) and declarations."""

from __future__ import annotations

from bot.ledger import Ledger
from bot.models import Origin

TOMBSTONE = "tombstone"
DECLARATION = "declaration"
MADE = {"human": "human-made", "ai-assisted": "AI-assisted", "ai": "AI-made"}


async def removed_ids(ledger: Ledger) -> set[str]:
    return {e["subject"] for e in await ledger.entries_of(TOMBSTONE)}


async def is_removed(ledger: Ledger, artifact_id: str) -> bool:
    return bool(await ledger.entries_of(TOMBSTONE, artifact_id))


async def declarations(ledger: Ledger) -> dict[str, str]:
    """Upload sha256 -> what its uploader declared ("human-made"...); the newest declaration wins."""
    return {e["subject"]: MADE.get(e["made"], e["made"]) for e in await ledger.entries_of(DECLARATION)}


def origin_for_thread(thread: str, member: str, name: str, event: str) -> Origin:
    """An origin addressed to a thread (for notices and retractions outside the asker's own request)."""
    platform, workspace, channel, rest = [*thread.split(":", 3), "", "", ""][:4]
    return Origin(platform, workspace, channel, rest, member.rsplit(":", 1)[-1], name, event)
