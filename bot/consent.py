"""Consent to build on someone's work, checked once in the core before a built-on job is queued.

Members may opt out of remixes of their work; the opt-out is a ledger entry, so it
is recorded like everything else.  (The /consent command arrives with the credits
issue; the check is here so every adapter and button goes through it.)
"""

from __future__ import annotations

import time

from bot.errors import Refused
from bot.ledger import Ledger
from bot.models import Artifact, Origin

KIND = "consent"


class Consent:
    def __init__(self, ledger: Ledger) -> None:
        self.ledger = ledger

    async def allows_remix(self, member: str) -> bool:
        found = await self.ledger.entries_of(KIND, member)
        return bool(found[-1]["remix"]) if found else True

    async def set_remix(self, origin: Origin, allowed: bool) -> None:
        await self.ledger.append(KIND, origin.member_key, origin.thread_key,
                                 {"remix": allowed, "at": time.time(), "name": origin.member_name})

    async def check(self, origin: Origin, parents: list[Artifact]) -> None:
        for parent in parents:
            for c in parent.contributors:
                if c.member != origin.member_key and not await self.allows_remix(c.member):
                    raise Refused(f"{c.name} does not allow remixes of their work, so {parent.id} can't be built on")
