"""Members' files shared in Slack, fetched with the bot token to be a command's source.

The size Slack reports is checked before anything is read, and the read stops at the
limit anyway, so a wrong or hostile size cannot make us buffer more than the limit.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import aiohttp

from bot.errors import UserError

CHUNK = 64 * 1024


@dataclass(frozen=True)
class SharedFile:
    """What we keep of a Slack file object (it also fits in a modal's private_metadata)."""

    name: str
    mime: str
    size: int
    url: str

    @classmethod
    def from_slack(cls, data: dict[str, Any]) -> SharedFile | None:
        url = data.get("url_private_download") or data.get("url_private")
        if not url:
            return None
        return cls(str(data.get("name") or "file"), str(data.get("mimetype") or ""), int(data.get("size") or 0),
                   str(url))

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "mimetype": self.mime, "size": self.size, "url_private_download": self.url}


async def fetch(session: aiohttp.ClientSession, token: str, shared: SharedFile, limit: int) -> bytes:
    """Download one file; refuse before reading when it is too large."""
    if shared.size > limit:
        raise UserError(f"{shared.name} is too large: {shared.size / 1e6:.1f} MB (limit {limit / 1e6:.0f} MB)")
    headers = {"Authorization": f"Bearer {token}"}
    async with session.get(shared.url, headers=headers, allow_redirects=False) as resp:
        if resp.status != 200:
            raise UserError(f"could not fetch {shared.name} from Slack ({resp.status}); share it again")
        length = resp.content_length
        if length is not None and length > limit:
            raise UserError(f"{shared.name} is too large (limit {limit / 1e6:.0f} MB)")
        data = bytearray()
        async for chunk in resp.content.iter_chunked(CHUNK):
            data += chunk
            if len(data) > limit:
                raise UserError(f"{shared.name} is too large (limit {limit / 1e6:.0f} MB)")
    return bytes(data)
