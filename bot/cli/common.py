"""Shared CLI plumbing: one-line errors, settings, running a coroutine."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Coroutine
from typing import Any, NoReturn

from bot.settings import Settings


class CliError(Exception):
    """Printed as one line on stderr; ``code`` is the exit status (2: bad input, 1: failure)."""

    def __init__(self, message: str, code: int = 2) -> None:
        super().__init__(" ".join(message.split()))
        self.code = code


def fail(message: str, code: int = 2) -> NoReturn:
    print(f"jamroom: {' '.join(message.split())}", file=sys.stderr)
    raise SystemExit(code)


def settings(**overrides: Any) -> Settings:
    try:
        return Settings(**{k: v for k, v in overrides.items() if v is not None})
    except Exception as exc:  # pydantic's report is many lines; keep the first
        first = str(exc).splitlines()
        fail(f"bad settings: {first[0] if first else exc}")


def run(coro: Coroutine[Any, Any, int | None]) -> int:
    try:
        return asyncio.run(coro) or 0
    except CliError as exc:
        fail(str(exc), exc.code)
    except KeyboardInterrupt:
        return 130
