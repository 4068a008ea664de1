"""Find generators: the built-in ones and any plugged in through entry points.

Built-in modules under ``generators.image``, ``generators.music`` and
``generators.audio`` export ``GENERATORS`` (a list of generator classes); other
distributions add theirs to the ``jamroom.generators`` entry-point group.
"""

from __future__ import annotations

import importlib
import logging
import pkgutil
from functools import cache
from importlib.metadata import entry_points

from generators.base import Generator

log = logging.getLogger(__name__)

ENTRY_POINT_GROUP = "jamroom.generators"
BUILTIN_PACKAGES = ("generators.image", "generators.music", "generators.audio", "generators.listen")


def _builtin() -> list[type]:
    found: list[type] = []
    for package_name in BUILTIN_PACKAGES:
        package = importlib.import_module(package_name)
        for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda i: i.name):
            if info.name.startswith("_"):
                continue
            module = importlib.import_module(f"{package_name}.{info.name}")
            found.extend(getattr(module, "GENERATORS", ()))
    return found


def _plugged_in() -> list[type]:
    found: list[type] = []
    for ep in entry_points(group=ENTRY_POINT_GROUP):
        try:
            found.append(ep.load())
        except Exception as exc:  # a broken plugin must not take the bot down
            log.warning("generator plugin %s failed to load: %s", ep.name, exc)
    return found


@cache
def generators() -> dict[str, Generator]:
    """Every generator by name; built-ins win over a plugin of the same name."""
    table: dict[str, Generator] = {}
    for cls in _builtin() + _plugged_in():
        table.setdefault(cls.name, cls())
    return table


def get(name: str) -> Generator:
    try:
        return generators()[name]
    except KeyError:
        raise KeyError(f"no generator named {name!r}") from None


def for_command(command: str, parent_kind: str | None = None,
                table: dict[str, Generator] | None = None) -> Generator | None:
    """The generator serving ``command``; for built-on work, the one accepting ``parent_kind``.

    ``table`` defaults to every registered generator (the runtime passes its own, with test additions).
    """
    for gen in (generators() if table is None else table).values():
        if gen.command != command:
            continue
        if parent_kind is None and not gen.accepts:
            return gen
        if parent_kind is not None and parent_kind in gen.accepts:
            return gen
    return None
