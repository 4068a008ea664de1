"""The studio's parts, kept on the aiohttp app so every handler reaches the same ones."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from aiohttp import web

from adapters.studio.access import Access
from adapters.studio.hub import Hub
from adapters.studio.journal import Journal
from adapters.studio.operator import Operators
from adapters.studio.uploads import Quota, Shelf
from adapters.studio.watch import Community

if TYPE_CHECKING:
    from bot.runtime import Jamroom


BLOB_LIMIT = 1000


@dataclass
class Studio:
    jam: Jamroom
    hub: Hub
    access: Access
    community: Community
    operators: Operators
    shelf: Shelf = field(default_factory=Shelf)
    quota: Quota = field(default_factory=Quota)
    #: Files that came with an answer (a /credits export): sha256 -> (name, mime), the newest kept.
    blobs: dict[str, tuple[str, str]] = field(default_factory=dict)

    def keep_blob(self, digest: str, name: str, mime: str) -> None:
        self.blobs.pop(digest, None)
        self.blobs[digest] = (name, mime)
        while len(self.blobs) > BLOB_LIMIT:
            self.blobs.pop(next(iter(self.blobs)))

    @classmethod
    def for_jam(cls, jam: Jamroom, hub: Hub | None = None) -> Studio:
        """The studio's parts; its own files (thread journal, moderators) live under ``<data>/studio``."""
        access = Access.from_settings(jam.settings.host, jam.settings.studio_token, jam.settings.public_url)
        folder = Path(jam.settings.data) / "studio"
        hub = hub or Hub(jam, Journal(folder / "threads.sqlite3"))
        return cls(jam, hub, access, Community(jam), Operators(folder))


STUDIO_KEY: web.AppKey[Studio] = web.AppKey("studio", Studio)


def studio_of(request: web.Request) -> Studio:
    return request.app[STUDIO_KEY]
