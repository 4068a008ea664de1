"""Who is speaking in the studio: display names, member ids, thread ids and the Origin they make.

A browser tab has only a display name, so the member id is derived from it: the same
name in two tabs is the same member (and gets the same credits), a different name is
someone else.  Everything a tab sends is checked here before it reaches the core.
"""

from __future__ import annotations

import hashlib
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


def member_id(name: str) -> str:
    """``Ann Lee`` -> ``ann-lee``; names with no ASCII letters get a stable hash."""
    folded = unicodedata.normalize("NFKC", name).casefold()
    slug = re.sub(r"[^a-z0-9]+", "-", folded).strip("-")
    if slug and slug.replace("-", "") == re.sub(r"[\W_]+", "", folded):
        return slug
    return "m-" + hashlib.sha256(folded.encode()).hexdigest()[:10]


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


def origin_for(name: str, thread: str, event: str, *, moderator: bool) -> Origin:
    mid = member_id(name)
    # The event id is namespaced by member, so one tab cannot replay another's command.
    return Origin(platform=PLATFORM, workspace=WORKSPACE, channel=CHANNEL, thread=thread, member_id=mid,
                  member_name=name, event_id=f"{mid}:{event}", is_moderator=moderator)
