"""The catalog as Discord application commands, and Discord's option values back as catalog options.

Everything here is pure: the command JSON is derived from the catalog (names,
descriptions, choices, ranges), so a new catalog command appears in Discord after
`jamroom discord-sync` with no adapter change.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from bot.catalog.registry import Catalog
from bot.catalog.spec import Command, Option, OptionType, Permission

# Discord application command option types.
STRING, INTEGER, BOOLEAN, NUMBER, ATTACHMENT = 3, 4, 5, 10, 11
#: Discord's limits: 25 choices per option, 100 characters per description.
MAX_CHOICES = 25
MAX_DESCRIPTION = 100
#: JavaScript's safe integer range bounds Discord's min_value/max_value.
SAFE_INT = 2**53
MANAGE_GUILD = 1 << 5

#: Exactly what the bot needs: see a channel, post, post in threads, open threads, attach files, read history
#: (to open a thread from its own message).
PERMISSIONS = {
    "View Channels": 1 << 10,
    "Send Messages": 1 << 11,
    "Attach Files": 1 << 15,
    "Read Message History": 1 << 16,
    "Create Public Threads": 1 << 35,
    "Send Messages in Threads": 1 << 38,
}
INVITE_PERMISSIONS = sum(PERMISSIONS.values())


def invite_url(application_id: str) -> str:
    return (f"https://discord.com/oauth2/authorize?client_id={application_id}"
            f"&scope=bot+applications.commands&permissions={INVITE_PERMISSIONS}")


def _short(text: str, limit: int = MAX_DESCRIPTION) -> str:
    text = " ".join(text.split()) or "-"
    return text if len(text) <= limit else text[: limit - 1] + "…"


def uses_autocomplete(opt: Option) -> bool:
    """Artifact references always; choice lists too long for Discord's 25 fixed choices."""
    return opt.type is OptionType.ARTIFACT or (opt.type is OptionType.CHOICE and len(opt.choices) > MAX_CHOICES)


def option_payload(opt: Option) -> dict[str, Any]:
    data: dict[str, Any] = {"name": opt.name, "description": _short(opt.description), "required": opt.required}
    if opt.type is OptionType.INTEGER:
        data["type"] = INTEGER
    elif opt.type is OptionType.NUMBER:
        data["type"] = NUMBER
    elif opt.type is OptionType.BOOLEAN:
        data["type"] = BOOLEAN
    elif opt.type is OptionType.FILE:
        data["type"] = ATTACHMENT
    else:
        data["type"] = STRING
    if data["type"] in (INTEGER, NUMBER):
        if opt.min is not None:
            data["min_value"] = max(opt.min, -SAFE_INT)
        if opt.max is not None:
            data["max_value"] = min(opt.max, SAFE_INT)
    if opt.type is OptionType.STRING and opt.max_length:
        data["max_length"] = min(opt.max_length, 6000)
    if uses_autocomplete(opt):
        data["autocomplete"] = True
    elif opt.type is OptionType.CHOICE:
        data["choices"] = [{"name": c, "value": c} for c in opt.choices]
    return data


def command_payload(command: Command, *, moderator_role: bool = False) -> dict[str, Any]:
    """One slash command; required options first, as Discord demands."""
    options = sorted(command.options, key=lambda o: not o.required)
    data: dict[str, Any] = {
        "name": command.name,
        "type": 1,
        "description": _short(command.description),
        "options": [option_payload(o) for o in options],
        "contexts": [0],  # guilds only; a DM gets "use this in a server" if it arrives anyway
        "integration_types": [0],
    }
    if command.permission is Permission.MODERATOR and not moderator_role:
        data["default_member_permissions"] = str(MANAGE_GUILD)
    return data


def commands_payload(cat: Catalog, *, moderator_role: bool = False) -> list[dict[str, Any]]:
    return [command_payload(c, moderator_role=moderator_role) for c in cat.all()]


def flatten(options: Iterable[Mapping[str, Any]] | None) -> dict[str, Any]:
    """Discord's option list ({name, type, value}) as a name -> value dict."""
    return {o["name"]: o.get("value") for o in options or () if "value" in o}


def focused(options: Iterable[Mapping[str, Any]] | None) -> tuple[str, str] | None:
    for o in options or ():
        if o.get("focused"):
            return o["name"], str(o.get("value") or "")
    return None


def file_options(command: Command) -> list[Option]:
    return [o for o in command.options if o.type is OptionType.FILE]
