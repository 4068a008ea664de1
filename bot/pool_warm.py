"""Imported once by the generator pool's forkserver: loads every generator module up front, so each
generator process forked from it (at start, or replacing a killed one) takes its first job without
spending seconds importing (issue 12.14).  A module that fails to import is skipped here; the job
that needs it reports the error as before."""

from __future__ import annotations

import contextlib
import importlib
import pkgutil

from generators.registry import BUILTIN_PACKAGES

#: Generator modules this process imported (the pool's tests and bench read it from a child).
LOADED: list[str] = []

for _package_name in BUILTIN_PACKAGES:
    with contextlib.suppress(Exception):
        _package = importlib.import_module(_package_name)
        for _info in pkgutil.iter_modules(_package.__path__):
            if _info.name.startswith("_"):
                continue
            with contextlib.suppress(Exception):
                importlib.import_module(f"{_package_name}.{_info.name}")
                LOADED.append(f"{_package_name}.{_info.name}")
