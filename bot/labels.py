"""The AI-label policy: per workspace and per channel, set by moderators, recorded in the ledger.

Provenance is always written into files; this policy only decides whether a
result *message* carries a visible label, and its text.  The newest entry for
the channel wins over the workspace's; with none, the label is on.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from bot.ledger import Ledger
from bot.models import Origin

KIND = "label-policy"


@dataclass(frozen=True)
class LabelPolicy:
    on: bool
    text: str
    scope: str
    set_by: str = ""
    set_at: float = 0.0

    def render(self, generator: str, version: str) -> str | None:
        if not self.on:
            return None
        short = generator.split(".")[-1]
        try:
            return self.text.format(generator=short, version=version)
        except (KeyError, IndexError, ValueError):
            return self.text


def workspace_scope(origin: Origin) -> str:
    return f"{origin.platform}:{origin.workspace}"


def channel_scope(origin: Origin) -> str:
    return f"{origin.platform}:{origin.workspace}:{origin.channel}"


class Labels:
    def __init__(self, ledger: Ledger, default_text: str) -> None:
        self.ledger = ledger
        self.default_text = default_text

    async def policy(self, origin: Origin) -> LabelPolicy:
        for scope in (channel_scope(origin), workspace_scope(origin)):
            found = await self.ledger.entries_of(KIND, scope)
            if found:
                last = found[-1]
                return LabelPolicy(bool(last["on"]), last.get("text") or self.default_text, scope,
                                   last.get("set_by", ""), float(last.get("at", 0.0)))
        return LabelPolicy(True, self.default_text, "default")

    async def set(self, origin: Origin, *, on: bool, scope: str, text: str | None) -> LabelPolicy:
        key = channel_scope(origin) if scope == "channel" else workspace_scope(origin)
        payload = {"on": on, "text": text or self.default_text, "set_by": origin.member_name,
                   "member": origin.member_key, "at": time.time()}
        await self.ledger.append(KIND, key, origin.thread_key, payload)
        return LabelPolicy(on, payload["text"], key, origin.member_name, payload["at"])
