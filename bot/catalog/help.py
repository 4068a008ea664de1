"""Help text generated from the catalog, so every adapter says the same thing."""

from __future__ import annotations

from bot.catalog.registry import Catalog, catalog
from bot.catalog.spec import Command, Permission


def describe(command: Command) -> str:
    lines = [f"/{command.name} — {command.description}"]
    if command.permission is Permission.MODERATOR:
        lines[0] += " (moderators)"
    for opt in command.options:
        need = "required" if opt.required else f"default {opt.default}" if opt.default is not None else "optional"
        lines.append(f"  {opt.name}: {opt.description} — {opt.allowed()} ({need})")
    for example in command.examples:
        lines.append(f"  e.g. {example}")
    return "\n".join(lines)


def help_text(name: str | None = None, cat: Catalog | None = None) -> str:
    cat = cat or catalog()
    if name:
        command = cat.get(name)
        if command is None:
            return f"unknown command /{name.lstrip('/')}; type /help for the list"
        return describe(command)
    lines = ["Jamroom commands:"]
    group = None
    for command in cat.all():
        if command.group != group:
            group = command.group
            lines.append(f"{group}:")
        lines.append(f"  /{command.name} — {command.description}")
    lines.append("Type /help <command> for its options.")
    return "\n".join(lines)
