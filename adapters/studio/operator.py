"""Moderator rights in the studio come from the operator, through a one-time link.

Like Jupyter's token link, ``jamroom serve`` prints ``/studio/operator?key=…``; the
browser that opens it becomes a moderator (its member id is remembered in
``<data>/studio/moderators.json``, so a restart keeps it) and is redirected to the
clean page.  The key works once; every other tab is a member.  Running ``serve``
again prints a fresh key.  Removing a member id from the file takes the rights away.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
import os
import secrets
from pathlib import Path

log = logging.getLogger(__name__)

PATH = "/studio/operator"


class Operators:
    """The one-time key and the browsers it made moderators."""

    def __init__(self, folder: Path) -> None:
        self.file = folder / "moderators.json"
        self._key: str | None = secrets.token_urlsafe(24)
        self.moderators: set[str] = self._load()

    def _load(self) -> set[str]:
        try:
            data = json.loads(self.file.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return set()
        except (OSError, ValueError) as exc:
            log.warning("studio moderators file unreadable; no browser is a moderator until the operator link "
                        "is opened", extra={"error": str(exc)[:200]})
            return set()
        return {m for m in data.get("moderators", []) if isinstance(m, str)} if isinstance(data, dict) else set()

    def link(self, base_url: str) -> str:
        """The operator link; a new key if the last one was spent."""
        if self._key is None:
            self._key = secrets.token_urlsafe(24)
        return f"{base_url.rstrip('/')}{PATH}?key={self._key}"

    def check(self, given: str | None) -> bool:
        return bool(self._key and given and hmac.compare_digest(given.encode(), self._key.encode()))

    async def redeem(self, given: str | None, member_id: str) -> bool:
        """Spend the key on this browser's member id; False if it was wrong or already used."""
        if not self.check(given):
            return False
        self._key = None
        self.moderators.add(member_id)
        await asyncio.to_thread(self._save)
        return True

    def is_moderator(self, member_id: str) -> bool:
        return member_id in self.moderators

    def _save(self) -> None:
        self.file.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.file.with_suffix(".tmp")
        tmp.write_text(json.dumps({"moderators": sorted(self.moderators)}, indent=1), encoding="utf-8")
        os.replace(tmp, self.file)
