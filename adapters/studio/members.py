"""What a studio tab says about itself: display names, thread and event ids, and the Origin they make.

The member id is not here: it comes from the browser's own cookie (:mod:`.identity`),
so a display name is only a name — two tabs typing "Ann" in two browsers are two
members.  Everything a tab sends is checked here before it reaches the core.
"""

from __future__ import annotations

import re
import unicodedata

from bot.models import Origin

PLATFORM = "studio"
WORKSPACE = "local"
CHANNEL = "studio"
THREAD_PREFIX = f"{PLATFORM}:{WORKSPACE}:{CHANNEL}:"
NAME_LIMIT = 32

_THREAD = re.compile(r"[a-z0-9][a-z0-9-]{0,39}")
_EVENT = re.compile(r"[A-Za-z0-9-]{8,64}")


class BadInput(ValueError):
    """A tab sent something the studio will not pass on (shown to that tab as one line)."""


def clean_name(raw: object) -> str:
    """A display name: 1–32 printable characters, inner whitespace folded."""
    if not isinstance(raw, str):
        raise BadInput("choose a display name first")
    if any(unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co") for ch in raw):
        raise BadInput("a display name cannot contain control characters")
    name = " ".join(raw.split())
    if not name:
        raise BadInput("choose a display name first")
    if len(name) > NAME_LIMIT:
        raise BadInput(f"a display name is at most {NAME_LIMIT} characters")
    return name


def clean_thread(raw: object) -> str:
    if not isinstance(raw, str) or not _THREAD.fullmatch(raw):
        raise BadInput("that is not a studio thread id")
    return raw


def clean_event(raw: object) -> str:
    if not isinstance(raw, str) or not _EVENT.fullmatch(raw):
        raise BadInput("each message needs an id (8–64 letters, digits or dashes)")
    return raw


def thread_key(thread: str) -> str:
    return THREAD_PREFIX + thread


def thread_of(key: str) -> str | None:
    """The studio thread id of a ledger thread key, or None for other platforms' threads."""
    return key[len(THREAD_PREFIX):] if key.startswith(THREAD_PREFIX) else None


def origin_for(mid: str, name: str, thread: str, event: str, *, moderator: bool) -> Origin:
    # The event id is namespaced by member, so one tab cannot replay another's command.
    return Origin(platform=PLATFORM, workspace=WORKSPACE, channel=CHANNEL, thread=thread, member_id=mid,
                  member_name=name, event_id=f"{mid}:{event}", is_moderator=moderator)
