"""``/studio/catalog.json``: the catalog as the page's completion and help need it.

Generated from the same declarations as the parser, so the page never offers an
option the core would refuse, and its help says what ``/help`` says.
"""

from __future__ import annotations

from typing import Any

from bot.catalog.help import describe
from bot.catalog.registry import Catalog
from bot.catalog.spec import Command, Option, OptionType, Permission


def _plain(value: Any) -> Any:
    return value if value is None or isinstance(value, str | int | float | bool) else str(value)


def option_view(opt: Option) -> dict[str, Any]:
    return {"name": opt.name, "type": opt.type.value, "description": opt.description, "required": opt.required,
            "default": _plain(opt.default), "choices": list(opt.choices), "min": opt.min, "max": opt.max,
            "max_length": opt.max_length,
            "allowed": opt.allowed(), "mimes": list(opt.mimes), "max_bytes": opt.max_bytes}


def command_view(command: Command) -> dict[str, Any]:
    files = [o.name for o in command.options if o.type is OptionType.FILE]
    return {"name": command.name, "description": command.description, "group": command.group,
            "usage": command.usage(), "bare": command.bare, "file": files[0] if files else None,
            "moderator": command.permission is Permission.MODERATOR, "builds_on": command.builds_on,
            "examples": list(command.examples), "help": describe(command),
            "options": [option_view(o) for o in command.options]}


def catalog_view(cat: Catalog) -> dict[str, Any]:
    return {
        "commands": [command_view(c) for c in cat.all()],
        "follow_ups": {kind: [{"label": f.label, "command": f.command, "args": dict(f.args),
                               "description": f.description} for f in buttons]
                       for kind, buttons in cat.follow_ups.items()},
    }
