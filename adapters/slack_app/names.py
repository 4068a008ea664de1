"""Slack's names for catalog commands: built-in commands are taken, prefixes must be lowercase.

Slack refuses a manifest that registers one of its own commands (and its built-in would
win anyway), so a catalog command with such a name is registered as ``/jam-<name>``;
every place that shows a command to a Slack member (help, refusals) uses that name.
"""

from __future__ import annotations

import re

#: Slack's built-in slash commands (https://slack.com/help/articles/201259356): never ours to register.
BUILTIN_COMMANDS = frozenset({
    "active", "apps", "archive", "away", "call", "close", "collapse", "dm", "dnd", "expand", "feed", "feedback",
    "invite", "join", "kick", "leave", "me", "msg", "mute", "open", "part", "prefs", "remind", "remove", "rename",
    "search", "shortcuts", "shrug", "star", "status", "topic", "who",
})
#: Put before a catalog name that collides with a built-in: /remove -> /jam-remove.
COLLISION_PREFIX = "jam-"
#: What Slack accepts in a command name: lowercase letters, digits, hyphens and underscores.
_ALLOWED = re.compile(r"[a-z0-9_-]*")


def check_prefix(prefix: str) -> str:
    """The prefix without a leading slash; ValueError with one line when Slack would refuse it."""
    cleaned = prefix.strip().lstrip("/")
    if not _ALLOWED.fullmatch(cleaned):
        raise ValueError(f"command prefix {prefix!r} must be lowercase letters, digits, - or _ "
                         f"(Slack refuses other names), e.g. jam-")
    return cleaned


def slack_name(name: str, prefix: str = "") -> str:
    """The slash command Slack shows for catalog command ``name`` (with its slash)."""
    candidate = f"{prefix}{name}"
    if candidate in BUILTIN_COMMANDS:
        candidate = f"{COLLISION_PREFIX}{candidate}"
    return f"/{candidate}"


def catalog_name(slash: str, prefix: str = "") -> str:
    """The catalog command behind a Slack slash command (the inverse of :func:`slack_name`)."""
    name = slash.strip().lstrip("/")
    if name.startswith(COLLISION_PREFIX) and name[len(COLLISION_PREFIX):] in BUILTIN_COMMANDS:
        name = name[len(COLLISION_PREFIX):]
    if prefix and name.startswith(prefix):
        name = name[len(prefix):]
    return name


def in_slack_names(text: str, names: list[str], prefix: str = "") -> str:
    """Core text (help, refusals) with each ``/name`` of the catalog written as Slack knows it."""
    renamed = {n: slack_name(n, prefix) for n in names if slack_name(n, prefix) != f"/{n}"}
    if not renamed:
        return text
    pattern = re.compile(r"(?<![\w/<-])/(" + "|".join(re.escape(n) for n in sorted(renamed, key=len, reverse=True))
                         + r")(?![\w-])")
    return pattern.sub(lambda m: renamed[m.group(1)], text)
