"""The catalog: commands and per-kind follow-up actions, gathered from domain modules.

Each module in :mod:`bot.catalog.domains` defines ``COMMANDS`` (a sequence of
:class:`Command`) and optionally ``FOLLOW_UPS`` (artifact kind -> buttons), so a
new domain adds a file and edits nothing shared.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import cache

from bot.catalog import domains
from bot.catalog.spec import Command, FollowUp


@dataclass(frozen=True)
class Catalog:
    commands: Mapping[str, Command]
    follow_ups: Mapping[str, tuple[FollowUp, ...]]

    def get(self, name: str) -> Command | None:
        """The command a typed name means; an alias resolves to the command it stands for."""
        command = self.commands.get(name.lower().lstrip("/"))
        if command is not None and command.alias_of is not None:
            return self.commands.get(command.alias_of)
        return command

    def all(self) -> list[Command]:
        """Every command members can type, aliases included (platforms register each name)."""
        return sorted(self.commands.values(), key=lambda c: (c.group, c.name))

    def canonical(self) -> list[Command]:
        """Commands without their aliases, for help listings."""
        return [c for c in self.all() if c.alias_of is None]

    def actions_for(self, kind: str) -> tuple[FollowUp, ...]:
        return self.follow_ups.get(kind, ())


def build_catalog(modules: Iterable[object]) -> Catalog:
    """Merge domain modules; a command declared twice is a programming error."""
    commands: dict[str, Command] = {}
    follow_ups: dict[str, list[FollowUp]] = {}
    for module in modules:
        for declared in getattr(module, "COMMANDS", ()):
            alias_copies = [replace(declared, name=alias, aliases=(), alias_of=declared.name,
                                    description=f"Same as /{declared.name}: {declared.description}",
                                    examples=())
                            for alias in declared.aliases]
            for command in (declared, *alias_copies):
                if command.name in commands:
                    raise ValueError(f"command /{command.name} declared twice")
                commands[command.name] = command
        extra: Mapping[str, Sequence[FollowUp]] = getattr(module, "FOLLOW_UPS", {})
        for kind, buttons in extra.items():
            follow_ups.setdefault(kind, []).extend(buttons)
    return Catalog(commands, {k: tuple(v) for k, v in follow_ups.items()})


@cache
def catalog() -> Catalog:
    """The product's catalog: every module under ``bot.catalog.domains``."""
    modules = [
        importlib.import_module(f"{domains.__name__}.{info.name}")
        for info in sorted(pkgutil.iter_modules(domains.__path__), key=lambda i: i.name)
        if not info.name.startswith("_")
    ]
    return build_catalog(modules)
