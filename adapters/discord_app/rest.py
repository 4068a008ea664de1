"""The few Discord REST calls the outbound half makes, over plain aiohttp.

Only REST, so a worker on another host can deliver without a gateway.  The base
URL is discord.py's ``Route.BASE`` read at call time, so one setting moves both
halves (tests point it at a loopback fake).  Transient failures (429, 5xx, network)
raise :class:`DeliveryRetry`; an expired interaction token raises :class:`TokenExpired`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import aiohttp
from discord.http import Route

from bot.outbound import DeliveryRetry

EPHEMERAL = 1 << 6
#: Discord error codes for a dead interaction webhook: unknown webhook, invalid webhook token.
_EXPIRED_CODES = {10015, 50027}


class TokenExpired(Exception):
    """The interaction token no longer works (older than 15 minutes): post as the bot instead."""


class RestError(Exception):
    """A permanent refusal from Discord (bad request, missing permission)."""

    def __init__(self, status: int, body: str) -> None:
        super().__init__(f"Discord said {status}: {body[:200]}")
        self.status = status


class DiscordRest:
    def __init__(self, bot_token: str | None, *, timeout: float = 30.0) -> None:
        self._bot_token = bot_token
        self._timeout = aiohttp.ClientTimeout(total=timeout)
        self._session: aiohttp.ClientSession | None = None

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    def _http(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(timeout=self._timeout)
        return self._session

    async def request(self, method: str, path: str, *, payload: Mapping[str, Any] | None = None,
                      files: Mapping[str, bytes] | None = None, bot: bool = False, webhook: bool = False,
                      params: Mapping[str, str] | None = None) -> Any:
        headers = {"User-Agent": "DiscordBot (https://github.com/jamroom, 0.1) Jamroom"}
        if bot:
            if not self._bot_token:
                raise RestError(401, "no bot token to post with")
            headers["Authorization"] = f"Bot {self._bot_token}"
        body: Any = None
        if files:
            form = aiohttp.FormData()
            form.add_field("payload_json", json.dumps(payload or {}), content_type="application/json")
            for i, (name, data) in enumerate(files.items()):
                form.add_field(f"files[{i}]", data, filename=name, content_type="application/octet-stream")
            body = form
        elif payload is not None:
            body = json.dumps(payload)
            headers["Content-Type"] = "application/json"
        try:
            async with self._http().request(method, Route.BASE + path, data=body, headers=headers,
                                            params=params) as resp:
                text = await resp.text()
                status = resp.status
        except (aiohttp.ClientError, TimeoutError) as exc:
            raise DeliveryRetry(f"network error talking to Discord: {exc}") from exc
        if status == 429 or status >= 500:
            raise DeliveryRetry(f"Discord answered {status}")
        if webhook and status in (401, 404):
            code = _code(text)
            if status == 401 or code in _EXPIRED_CODES:
                raise TokenExpired(text[:200])
        if status >= 400:
            raise RestError(status, text)
        return json.loads(text) if text else None

    # -- interaction webhooks (the interaction token, no bot token) ----------------------------

    async def edit_original(self, app_id: str, token: str, payload: Mapping[str, Any]) -> Any:
        return await self.request("PATCH", f"/webhooks/{app_id}/{token}/messages/@original", payload=payload,
                                  webhook=True)

    async def delete_original(self, app_id: str, token: str) -> None:
        await self.request("DELETE", f"/webhooks/{app_id}/{token}/messages/@original", webhook=True)

    async def followup(self, app_id: str, token: str, payload: Mapping[str, Any],
                       files: Mapping[str, bytes] | None = None) -> dict[str, Any]:
        return await self.request("POST", f"/webhooks/{app_id}/{token}", payload=payload, files=files,
                                  webhook=True, params={"wait": "true"})

    async def download(self, url: str, limit: int) -> bytes:
        """A member's attachment, refusing more than ``limit`` bytes whatever the metadata said."""
        try:
            async with self._http().get(url) as resp:
                if resp.status != 200:
                    raise RestError(resp.status, "could not fetch the attachment")
                data = bytearray()
                async for chunk in resp.content.iter_chunked(65536):
                    data += chunk
                    if len(data) > limit:
                        raise RestError(413, f"attachment is larger than {limit} bytes")
                return bytes(data)
        except (aiohttp.ClientError, TimeoutError) as exc:
            raise RestError(502, f"could not fetch the attachment: {exc}") from exc

    # -- the bot token ---------------------------------------------------------------------------

    async def channel_message(self, channel_id: str, payload: Mapping[str, Any],
                              files: Mapping[str, bytes] | None = None) -> dict[str, Any]:
        return await self.request("POST", f"/channels/{channel_id}/messages", payload=payload, files=files, bot=True)

    async def start_thread(self, channel_id: str, message_id: str, name: str) -> dict[str, Any]:
        return await self.request("POST", f"/channels/{channel_id}/messages/{message_id}/threads",
                                  payload={"name": name, "auto_archive_duration": 1440}, bot=True)


def _code(text: str) -> int | None:
    try:
        return int(json.loads(text).get("code"))
    except (ValueError, TypeError, AttributeError):
        return None
