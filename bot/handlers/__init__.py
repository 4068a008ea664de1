"""Commands the core answers at once, without a job (help, credits, cancel, settings...).

Each module here exports ``HANDLERS``: handler name -> ``async (jam, parsed, origin) -> Reply``;
a handler that also takes an ``uploads`` keyword receives the member's uploads (e.g. /declare).
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Awaitable, Callable
from functools import cache
from typing import Any

Handler = Callable[..., Awaitable[Any]]


@cache
def handlers() -> dict[str, Handler]:
    table: dict[str, Handler] = {}
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda i: i.name):
        module = importlib.import_module(f"{__name__}.{info.name}")
        for name, fn in getattr(module, "HANDLERS", {}).items():
            if name in table:
                raise ValueError(f"handler {name} declared twice")
            table[name] = fn
    return table
