"""Help text generated from the catalog, so every adapter says the same thing."""

from __future__ import annotations

from bot.catalog.registry import Catalog, catalog
from bot.catalog.spec import Command, Permission

#: Help headings by catalog group, in the order members meet them.
HEADINGS: dict[str, str] = {
    "images": "pictures",
    "music": "music",
    "core": "building on results",
    "credits": "credits and consent (your own work)",
    "moderation": "moderation (moderators only)",
}


def describe(command: Command) -> str:
    lines = [f"/{command.name} — {command.description}"]
    if command.permission is Permission.MODERATOR:
        lines[0] += " (moderators)"
    if command.aliases:
        lines[0] += " (also " + ", ".join(f"/{a}" for a in command.aliases) + ")"
    for opt in command.options:
        need = "required" if opt.required else f"default {opt.default}" if opt.default is not None else "optional"
        lines.append(f"  {opt.name}: {opt.description} — {opt.allowed()} ({need})")
    if command.bare and any(command.option(o) for o in ("ar", "seed", "style", "no")):
        lines.append("  at the end of the text: --ar W:H, --seed N, --style NAME, --no WORD")
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
    order = list(HEADINGS)
    commands = sorted(cat.canonical(), key=lambda c: (order.index(c.group) if c.group in order else len(order),
                                                       c.group, c.name))
    group = None
    for command in commands:
        if command.group != group:
            group = command.group
            lines.append(f"{HEADINGS.get(group, group)}:")
        also = " (also " + ", ".join(f"/{a}" for a in command.aliases) + ")" if command.aliases else ""
        lines.append(f"  /{command.name}{also} — {command.description}")
    lines.append("Type /help <command> for its options.")
    return "\n".join(lines)
