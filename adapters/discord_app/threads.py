"""Jam threads: which artifact a Discord thread was opened from, kept in the ledger.

The first result of a command is posted in the channel and a thread is opened from
that message (its id becomes the thread's id).  The artifact was recorded under the
channel, so the link lets commands, buttons and autocomplete inside the thread find
it; it lives in the ledger so the gateway process and workers on other hosts agree.
"""

from __future__ import annotations

from bot.ledger import Ledger
from bot.models import Origin

KIND = "discord-thread"


def thread_key(origin: Origin, thread_id: str) -> str:
    return f"discord:{origin.workspace}:{origin.channel}:{thread_id}"


async def record(ledger: Ledger, origin: Origin, thread_id: str, artifact_id: str, name: str) -> None:
    await ledger.append(KIND, thread_key(origin, thread_id), origin.thread_key,
                        {"artifact": artifact_id, "name": name, "opened_by": origin.member_key})


async def starter(ledger: Ledger, key: str) -> str | None:
    """The artifact a thread was opened from, or None when it is not a jam thread."""
    found = await ledger.entries_of(KIND, key)
    return str(found[0]["artifact"]) if found else None
