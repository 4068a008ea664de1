"""The Slack app manifest, generated from the catalog with exactly the scopes the bot uses.

An admin pastes it into "Create New App → From an app manifest"; a new catalog
command shows up here without anyone editing Slack settings by hand.  Names that
Slack keeps for itself are registered with the ``jam-`` prefix (``names.py``).
"""

from __future__ import annotations

from typing import Any

from adapters.slack_app import names
from adapters.slack_app.listeners import SHORTCUT_ID
from bot.catalog.registry import Catalog, catalog
from bot.catalog.spec import Command, OptionType

#: Each bot scope and why the bot needs it (docs/slack.md repeats this table).
SCOPES: dict[str, str] = {
    "commands": "slash commands and the 'Jam on this' message shortcut",
    "chat:write": "the header message, results and private answers",
    "chat:write.public": "headers in public channels the bot has not joined",
    "files:write": "uploading results (files.getUploadURLExternal / files.completeUploadExternal)",
    "files:read": "reading members' MIDI or image files used as a command's source",
    "users:read": "display names for credits, and users.info to tell admins and owners (moderators)",
    "app_mentions:read": "'@Jamroom <command>' inside a thread",
}
GROUP_SCOPE = ("usergroups:read", "checking the configured moderator user group")
NAME_LIMIT = 32
DESCRIPTION_LIMIT = 100
HINT_LIMIT = 100


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"


def usage_hint(command: Command) -> str:
    """``neon koi [seed:…]``: the bare option first, as members type it."""
    parts = []
    for opt in command.options:
        if opt.name == command.bare:
            parts.insert(0, f"[{opt.name}]" if not opt.required else opt.name)
        elif opt.type is OptionType.FILE:
            continue
        elif opt.required:
            parts.append(f"{opt.name}:…")
        else:
            parts.append(f"[{opt.name}:…]")
    return _clip(" ".join(parts), HINT_LIMIT)


def scopes(moderator_group: bool = False) -> list[str]:
    found = list(SCOPES)
    if moderator_group:
        found.append(GROUP_SCOPE[0])
    return sorted(found)


def build(*, url: str, name: str = "Jamroom", prefix: str = "", socket_mode: bool = False,
          moderator_group: bool = False, cat: Catalog | None = None) -> dict[str, Any]:
    cat = cat or catalog()
    prefix = names.check_prefix(prefix)
    request_url = url.rstrip("/") + "/slack/events"
    commands = []
    for command in cat.all():
        slash = names.slack_name(command.name, prefix)
        if len(slash) > NAME_LIMIT:
            raise ValueError(f"{slash} is longer than Slack's {NAME_LIMIT} characters; use a shorter prefix")
        entry: dict[str, Any] = {"command": slash, "description": _clip(command.description, DESCRIPTION_LIMIT),
                                 "should_escape": False}
        hint = usage_hint(command)
        if hint:
            entry["usage_hint"] = hint
        if not socket_mode:
            entry["url"] = request_url
        commands.append(entry)
    settings: dict[str, Any] = {
        "event_subscriptions": {"bot_events": ["app_mention"]},
        "interactivity": {"is_enabled": True},
        "org_deploy_enabled": False,
        "socket_mode_enabled": socket_mode,
        "token_rotation_enabled": False,
    }
    if not socket_mode:
        settings["event_subscriptions"]["request_url"] = request_url
        settings["interactivity"]["request_url"] = request_url
    return {
        "_metadata": {"major_version": 1, "minor_version": 1},
        "display_information": {
            "name": name,
            "description": "Image and music sketches in threads, with credits and honest AI labels",
            "background_color": "#2c2d30",
        },
        "features": {
            "bot_user": {"display_name": name, "always_online": True},
            "slash_commands": commands,
            "shortcuts": [{"name": "Jam on this", "type": "message", "callback_id": SHORTCUT_ID,
                           "description": "Run a Jamroom command in this message's thread (on its file)"}],
        },
        "oauth_config": {"scopes": {"bot": scopes(moderator_group)}},
        "settings": settings,
    }
