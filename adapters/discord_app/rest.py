"""The few Discord REST calls the outbound half makes, through discord.py's own HTTP code.

Bot-token calls go through :class:`discord.http.HTTPClient` (per-route buckets,
``retry_after`` waits, global limits); interaction-token calls through discord.py's
webhook adapter (the same one ``Interaction.followup`` uses, with its per-webhook
lock and ``retry_after`` waits).  We add only the mapping of their errors onto what
the worker understands: a rate limit or server error that outlasts discord.py's own
retries raises :class:`DeliveryRetry` carrying Discord's ``retry_after``; an expired
interaction token raises :class:`TokenExpired`; anything else is :class:`RestError`.

Only REST, so a worker on another host can deliver without a gateway.  URLs come
from discord.py's ``Route.BASE`` read at call time (``endpoints.apply`` sets it).
"""

from __future__ import annotations

import asyncio
import json
import secrets
from collections.abc import Mapping
from typing import Any

import aiohttp
import discord
from discord.http import HTTPClient, Route
from discord.webhook.async_ import async_context

from bot.outbound import DeliveryRetry

EPHEMERAL = 1 << 6
#: Discord error codes for a dead interaction webhook: unknown webhook, invalid webhook token.
_EXPIRED_CODES = {10015, 50027}
#: discord.py waits out a 429 itself up to this long per call; longer ones come back to the queue.
MAX_RATELIMIT_WAIT = 30.0


class TokenExpired(Exception):
    """The interaction token no longer works (older than 15 minutes): post as the bot instead."""


class RestError(Exception):
    """A permanent refusal from Discord (bad request, missing permission)."""

    def __init__(self, status: int, body: str) -> None:
        super().__init__(f"Discord said {status}: {body[:200]}")
        self.status = status


def _retry_after(exc: discord.HTTPException) -> float | None:
    """Discord's wait from the 429's header (discord.py keeps the body's copy to itself)."""
    raw = exc.response.headers.get("Retry-After") if exc.response is not None else None
    try:
        return float(raw) if raw is not None else None
    except ValueError:
        return None


def _translate(exc: BaseException, *, webhook: bool) -> BaseException:
    """discord.py's and aiohttp's errors as the worker's three outcomes."""
    if isinstance(exc, discord.RateLimited):
        return DeliveryRetry(f"Discord rate limit ({exc.retry_after:.1f} s)", retry_after=exc.retry_after)
    if isinstance(exc, discord.HTTPException):
        if exc.status == 429:
            return DeliveryRetry("Discord rate limit", retry_after=_retry_after(exc))
        if exc.status >= 500:
            return DeliveryRetry(f"Discord answered {exc.status}")
        if webhook and (exc.status == 401 or (exc.status == 404 and exc.code in _EXPIRED_CODES)):
            return TokenExpired(exc.text[:200])
        return RestError(exc.status, exc.text)
    if isinstance(exc, aiohttp.ClientError | TimeoutError | OSError):
        return DeliveryRetry(f"network error talking to Discord: {exc}")
    return exc


def _form(payload: Mapping[str, Any], files: Mapping[str, bytes]) -> list[dict[str, Any]]:
    """discord.py's multipart shape: payload_json, then ``files[i]`` (bytes survive its retries)."""
    form: list[dict[str, Any]] = [{"name": "payload_json", "value": json.dumps(dict(payload)),
                                   "content_type": "application/json"}]
    for i, (name, data) in enumerate(files.items()):
        form.append({"name": f"files[{i}]", "value": data, "filename": name,
                     "content_type": "application/octet-stream"})
    return form


def new_nonce() -> str:
    """A message nonce (Discord takes up to 25 characters) for ``enforce_nonce``."""
    return secrets.token_hex(12)


class DiscordRest:
    def __init__(self, bot_token: str | None, *, timeout: float = 30.0) -> None:
        self._bot_token = bot_token
        self._timeout = aiohttp.ClientTimeout(total=timeout)
        self._session: aiohttp.ClientSession | None = None
        self._http: HTTPClient | None = None
        self._login = asyncio.Lock()

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None
        if self._http is not None:
            await self._http.close()
            self._http = None

    def _web(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(timeout=self._timeout)
        return self._session

    async def _bot(self) -> HTTPClient:
        """discord.py's client for the bot token, logged in on first use (one GET /users/@me)."""
        if not self._bot_token:
            raise RestError(401, "no bot token to post with")
        async with self._login:
            if self._http is None:
                http = HTTPClient(asyncio.get_running_loop(), max_ratelimit_timeout=MAX_RATELIMIT_WAIT)
                try:
                    await http.static_login(self._bot_token)
                except BaseException as exc:
                    await http.close()
                    raise _translate(exc, webhook=False) from exc
                self._http = http
        return self._http

    async def _bot_call(self, route: Route, *, payload: Mapping[str, Any],
                        files: Mapping[str, bytes] | None = None) -> Any:
        http = await self._bot()
        try:
            if files:
                return await http.request(route, form=_form(payload, files))
            return await http.request(route, json=dict(payload))
        except (discord.DiscordException, aiohttp.ClientError, TimeoutError, OSError) as exc:
            raise _translate(exc, webhook=False) from exc

    async def _hook_call(self, call: str, *args: Any, payload: Mapping[str, Any] | None = None,
                         files: Mapping[str, bytes] | None = None, **kwargs: Any) -> Any:
        adapter = async_context.get()
        body: dict[str, Any] = {"multipart": _form(payload or {}, files)} if files else (
            {"payload": dict(payload)} if payload is not None else {})
        try:
            return await getattr(adapter, call)(*args, session=self._web(), **body, **kwargs)
        except (discord.DiscordException, aiohttp.ClientError, TimeoutError, OSError) as exc:
            raise _translate(exc, webhook=True) from exc

    # -- interaction webhooks (the interaction token, no bot token) ----------------------------

    async def edit_original(self, app_id: str, token: str, payload: Mapping[str, Any]) -> Any:
        return await self._hook_call("edit_original_interaction_response", int(app_id), token, payload=payload)

    async def delete_original(self, app_id: str, token: str) -> None:
        await self._hook_call("delete_original_interaction_response", int(app_id), token)

    async def followup(self, app_id: str, token: str, payload: Mapping[str, Any],
                       files: Mapping[str, bytes] | None = None) -> dict[str, Any]:
        """Interaction follow-ups take no nonce: a post whose answer is lost can be posted twice
        (the window is one request's round trip; docs/discord.md)."""
        return await self._hook_call("execute_webhook", int(app_id), token, payload=payload, files=files,
                                     wait=True) or {}

    async def download(self, url: str, limit: int) -> bytes:
        """A member's attachment, refusing more than ``limit`` bytes whatever the metadata said."""
        try:
            async with self._web().get(url) as resp:
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
                              files: Mapping[str, bytes] | None = None, *, nonce: str | None = None
                              ) -> dict[str, Any]:
        """With ``nonce``, Discord answers a repeat within minutes with the first message, not a second one."""
        body = dict(payload)
        if nonce:
            body.update(nonce=nonce, enforce_nonce=True)
        route = Route("POST", "/channels/{channel_id}/messages", channel_id=int(channel_id))
        return await self._bot_call(route, payload=body, files=files) or {}

    async def start_thread(self, channel_id: str, message_id: str, name: str) -> dict[str, Any]:
        route = Route("POST", "/channels/{channel_id}/messages/{message_id}/threads", channel_id=int(channel_id),
                      message_id=int(message_id))
        return await self._bot_call(route, payload={"name": name, "auto_archive_duration": 1440}) or {}

    async def dm_channel(self, user_id: str) -> str:
        """The bot's DM channel with a member (for consent requests to an owner)."""
        route = Route("POST", "/users/@me/channels")
        opened = await self._bot_call(route, payload={"recipient_id": user_id}) or {}
        return str(opened.get("id", ""))

    async def edit_message(self, channel_id: str, message_id: str, payload: Mapping[str, Any]) -> Any:
        route = Route("PATCH", "/channels/{channel_id}/messages/{message_id}", channel_id=int(channel_id),
                      message_id=int(message_id))
        return await self._bot_call(route, payload=payload)
