"""Moderators' settings per workspace: blocked words, answered-in channels, member limits.

The rate limit is enforced by the queue (one count per member, shared by every process through
Redis when it is there); :meth:`Policy.rate_for` tells it the limit: the workspace's setting in
either direction, up to the operator's hard ceiling, and none for moderators.

Every change is a ledger entry (kind ``setting``), so who changed what and when is
part of the record.  The newest entry for a key wins.  :meth:`Policy.check` runs
in the core before anything is enqueued, whichever adapter the request came from.
"""

from __future__ import annotations

import re
import time
import unicodedata
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from bot.catalog.parse import Parsed
from bot.catalog.spec import OptionType
from bot.errors import Refused
from bot.ledger import Ledger
from bot.models import Job, Origin
from bot.queue.base import RateLimit

KIND = "setting"
#: Commands that keep working where the bot is switched off, so a moderator can switch it back on.
ALWAYS = frozenset({"settings", "labels", "help", "credits", "consent", "optout", "remove", "declare", "cancel"})
_WORD = re.compile(r"[^\W_]+", re.UNICODE)


def fold(text: str) -> str:
    """Case- and accent-insensitive form: ``Café`` and ``CAFE`` both become ``cafe``."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def words_of(text: str) -> list[str]:
    return _WORD.findall(fold(text))


def contains_blocked(text: str, blocked: Iterable[str]) -> bool:
    """True when ``text`` holds a blocked word or phrase as whole words (``ass`` does not block ``class``)."""
    tokens = words_of(text)
    joined = " " + " ".join(tokens) + " "
    for phrase in blocked:
        target = " ".join(words_of(phrase))
        if target and f" {target} " in joined:
            return True
    return False


def workspace_of(origin: Origin) -> str:
    return f"{origin.platform}:{origin.workspace}"


@dataclass(frozen=True)
class WorkspaceSettings:
    blocked: tuple[str, ...] = ()
    #: Channel ids where the bot answers; empty means everywhere.
    channels: tuple[str, ...] = ()
    member_jobs: int | None = None
    rate_limit: int | None = None
    #: Set only when a moderator chose a window; otherwise the server's.
    rate_window: float | None = None
    consent_hours: float = 24.0
    changed_by: dict[str, str] = field(default_factory=dict)
    #: The operator's hard ceiling on any rate limit (JAMROOM_RATE_LIMIT_CEILING).
    ceiling: int | None = None

    def describe(self) -> str:
        lines = [
            f"blocked words: {len(self.blocked)}" + (f" ({', '.join(self.blocked)})" if self.blocked else ""),
            "answers in: " + (", ".join(f"#{c}" for c in self.channels) if self.channels else "every channel"),
            f"waiting jobs per member: {self.member_jobs or 'server default'}",
            f"rate limit per member: {self._rate_text()}",
            f"consent requests wait up to {self.consent_hours:g} h",
        ]
        lines.append("moderators are exempt from the rate limit (not from the running-jobs cap)")
        if self.changed_by:
            lines.append("last changes: " + "; ".join(f"{k} by {v}" for k, v in sorted(self.changed_by.items())))
        return "\n".join(lines)


    def _rate_text(self) -> str:
        if not self.rate_limit:
            text = "server default"
        elif self.ceiling is not None and self.rate_limit > self.ceiling:
            text = f"{self.ceiling} (asked {self.rate_limit}; the operator's ceiling is {self.ceiling})"
        else:
            text = str(self.rate_limit)
        return text + (f" per {self.rate_window / 60:g} min" if self.rate_window else "")


class Policy:
    """Reads and writes workspace settings; enforces them before enqueue."""

    def __init__(self, ledger: Ledger, waiting: Callable[[str], Awaitable[list[str]]] | None = None, *,
                 ceiling: int = 200) -> None:
        self.ledger = ledger
        self.waiting = waiting
        self.ceiling = ceiling

    async def settings(self, origin: Origin) -> WorkspaceSettings:
        values: dict[str, Any] = {}
        changed: dict[str, str] = {}
        for entry in await self.ledger.entries_of(KIND, workspace_of(origin)):
            key = entry["key"]
            values[key] = entry["value"]
            when = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(float(entry.get("at", 0))))
            changed[key] = f"{entry.get('set_by', '?')} at {when}"
        return WorkspaceSettings(
            blocked=tuple(values.get("blocked", ())), channels=tuple(values.get("channels", ())),
            member_jobs=values.get("member_jobs"), rate_limit=values.get("rate_limit"),
            rate_window=float(values["rate_window"]) if values.get("rate_window") else None,
            consent_hours=float(values.get("consent_hours", 24.0)), changed_by=changed, ceiling=self.ceiling,
        )

    async def rate_for(self, job: Job, default: RateLimit) -> RateLimit | None:
        """The queue's question: this job's rate limit. Moderators are exempt; a moderator's setting
        wins over the server default in both directions, up to the ceiling."""
        origin = job.request.origin
        if origin.is_moderator:
            return None
        current = await self.settings(origin)
        limit = current.rate_limit or default.limit
        return RateLimit(min(limit, self.ceiling), current.rate_window or default.window)

    async def set(self, origin: Origin, key: str, value: Any) -> None:
        await self.ledger.append(KIND, workspace_of(origin), origin.thread_key,
                                 {"key": key, "value": value, "set_by": origin.member_name,
                                  "member": origin.member_key, "at": time.time()})

    async def check(self, parsed: Parsed, origin: Origin) -> None:
        """Refuse blocked words (without echoing them), closed channels, and members over their limits."""
        current = await self.settings(origin)
        name = parsed.command.name
        if current.channels and origin.channel not in current.channels and name not in ALWAYS:
            raise Refused("Jamroom does not answer in this channel; a moderator can change that with /settings")
        if current.blocked and name != "settings":  # moderators must be able to name the words they unblock
            for opt in parsed.command.options:
                value = parsed.values.get(opt.name)
                if opt.type is OptionType.STRING and isinstance(value, str) and contains_blocked(value,
                                                                                                  current.blocked):
                    raise Refused(f"your {opt.name} uses a word this server has blocked; please rephrase it")
        if parsed.command.handler is None:
            await self._limits(current, origin)

    async def _limits(self, current: WorkspaceSettings, origin: Origin) -> None:
        if current.member_jobs is not None and self.waiting is not None:
            waiting = len(await self.waiting(origin.member_key))
            if waiting >= current.member_jobs:
                raise Refused(f"you already have {waiting} waiting jobs (this server allows {current.member_jobs}); "
                              "wait for one to finish")
