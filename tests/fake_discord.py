"""A loopback fake of Discord's gateway and REST API, for running the real discord.py client in tests.

Set ``DISCORD_API_BASE`` to ``fake.api`` and ``DISCORD_GATEWAY_URL`` to ``fake.gateway_url``
(the adapter's settings point discord.py there); then ``fake.dispatch(...)`` sends INTERACTION_CREATE events
and ``fake.calls`` records every REST call (JSON bodies and multipart files) in order.
Facts it honours: Content-Type exactly ``application/json``, and the interaction callback
answering ``{"interaction": {...}, "resource": {...}}`` because discord.py asks ``with_response``.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import re
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import discord
import yarl
from aiohttp import WSMsgType, web
from discord.gateway import DiscordWebSocket
from support import make_jam

from adapters.discord_app import GATEWAY_KEY, Gateway, mount
from bot.runtime import Jamroom

APP_ID = "900000000000000001"
BOT_ID = APP_ID
GUILD_ID = "800000000000000001"
CHANNEL_ID = "700000000000000001"
STAMP = "2026-01-01T00:00:00+00:00"
ALL_PERMISSIONS = str((1 << 41) - 1)


@dataclass
class Call:
    method: str
    path: str
    json: Any = None
    files: dict[str, bytes] = field(default_factory=dict)
    at: float = field(default_factory=time.perf_counter)
    query: dict[str, str] = field(default_factory=dict)
    #: A follow-up sent while the deferred reply was still "thinking": real Discord turns it into that reply.
    replaced_original: bool = False


def user(uid: str, name: str, *, bot: bool = False) -> dict[str, Any]:
    return {"id": uid, "username": name, "global_name": name, "discriminator": "0", "avatar": None, "bot": bot}


def _json(data: Any, status: int = 200) -> web.Response:
    return web.Response(body=json.dumps(data).encode(), status=status, headers={"Content-Type": "application/json"})


class FakeDiscord:
    def __init__(self) -> None:
        self.calls: list[Call] = []
        self.cdn: dict[str, tuple[bytes, str]] = {}
        self.commands: dict[str, list[dict[str, Any]]] = {}
        # snowflakes are unique across restarts too (the queue remembers event ids): start each fake elsewhere
        self.ids = itertools.count(1_000_000_000_000_000_000 + (time.time_ns() // 1000 % 10**14) * 1000)
        self.changed = asyncio.Event()
        self.identified = asyncio.Event()
        self.fail_webhooks = 0  # answer this many follow-ups with 401 (an expired token)
        self.callback_seen: dict[str, float] = {}
        self.token_channel: dict[str, str] = {}
        self.loading: set[str] = set()  # tokens whose deferred reply still shows "thinking…"
        #: (pattern over "METHOD /path", calls left to refuse, retry_after): 429s as Discord sends them.
        self.limits: list[list[Any]] = []
        self.limited: list[Call] = []
        #: member id -> the bot's DM channel with them
        self.dms: dict[str, str] = {}
        self._ws: web.WebSocketResponse | None = None
        self._seq = 0
        self._runner: web.AppRunner | None = None
        self.port = 0

    # -- life ---------------------------------------------------------------------------------

    async def start(self) -> FakeDiscord:
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_get("/gateway", self._gateway)
        app.router.add_route("*", "/api/v10/{tail:.*}", self._rest)
        app.router.add_get("/cdn/{name}", self._cdn)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        return self

    async def close(self) -> None:
        if self._ws is not None:
            await self._ws.close()
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def api(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/v10"

    @property
    def gateway_url(self) -> yarl.URL:
        return yarl.URL(f"ws://127.0.0.1:{self.port}/gateway")

    def next_id(self) -> str:
        return str(next(self.ids))

    def add_cdn(self, name: str, data: bytes, mime: str) -> str:
        self.cdn[name] = (data, mime)
        return f"http://127.0.0.1:{self.port}/cdn/{name}"

    # -- waiting --------------------------------------------------------------------------------

    def rate_limit(self, pattern: str, times: int, retry_after: float) -> None:
        """Answer the next ``times`` calls whose "METHOD /path" matches ``pattern`` with a 429."""
        self.limits.append([re.compile(pattern), times, retry_after])

    def _limited(self, method: str, path: str) -> float | None:
        for rule in self.limits:
            if rule[1] > 0 and rule[0].search(f"{method} {path}"):
                rule[1] -= 1
                return float(rule[2])
        return None

    def find(self, pred: Callable[[Call], bool]) -> list[Call]:
        return [c for c in self.calls if pred(c)]

    async def wait_for(self, pred: Callable[[Call], bool], count: int = 1, timeout: float = 30.0) -> list[Call]:
        async with asyncio.timeout(timeout):
            while len(found := self.find(pred)) < count:
                self.changed.clear()
                await self.changed.wait()
        return found

    # -- gateway --------------------------------------------------------------------------------

    async def _gateway(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        self._ws = ws
        await ws.send_str(json.dumps({"op": 10, "d": {"heartbeat_interval": 45000}}))
        async for msg in ws:
            if msg.type is not WSMsgType.TEXT:
                break
            data = json.loads(msg.data)
            if data["op"] == 1:
                await ws.send_str(json.dumps({"op": 11}))
            elif data["op"] in (2, 6):
                await self._send_event("READY", {
                    "v": 10, "user": user(BOT_ID, "Jamroom", bot=True), "guilds": [], "session_id": "fake-session",
                    "resume_gateway_url": str(self.gateway_url), "application": {"id": APP_ID, "flags": 0},
                    "private_channels": [], "relationships": []})
                self.identified.set()
        return ws

    async def _send_event(self, name: str, data: dict[str, Any]) -> None:
        assert self._ws is not None
        self._seq += 1
        await self._ws.send_str(json.dumps({"op": 0, "t": name, "s": self._seq, "d": data}))

    async def dispatch(self, payload: dict[str, Any]) -> float:
        """Send one INTERACTION_CREATE; returns the perf_counter time it was sent."""
        await self.identified.wait()
        sent = time.perf_counter()
        await self._send_event("INTERACTION_CREATE", payload)
        return sent

    # -- interactions as Discord builds them ------------------------------------------------------

    def _base(self, kind: int, member: tuple[str, str], channel: dict[str, Any] | None, guild: bool,
              moderator: bool, iid: str | None, limit: int) -> dict[str, Any]:
        iid = iid or self.next_id()
        uid, name = member
        data: dict[str, Any] = {
            "id": iid, "application_id": APP_ID, "type": kind, "token": f"tok-{iid}", "version": 1,
            "locale": "en-US", "attachment_size_limit": limit, "entitlements": [], "app_permissions": ALL_PERMISSIONS,
            "channel": channel or self.text_channel(),
        }
        data["channel_id"] = data["channel"]["id"]
        self.token_channel[data["token"]] = data["channel_id"]
        if guild:
            data["guild_id"] = GUILD_ID
            data["guild_locale"] = "en-US"
            data["context"] = 0
            data["member"] = {"user": user(uid, name), "roles": [], "joined_at": STAMP, "deaf": False,
                              "mute": False, "flags": 0, "nick": None, "avatar": None,
                              "permissions": ALL_PERMISSIONS if moderator else str(1 << 11)}
        else:
            data["user"] = user(uid, name)
            data["context"] = 1
            data["channel"] = {"id": data["channel_id"], "type": 1, "recipients": [user(uid, name)]}
        return data

    def slash(self, name: str, options: dict[str, Any] | None = None, *, member: tuple[str, str] = ("1001", "ann"),
              channel: dict[str, Any] | None = None, guild: bool = True, moderator: bool = False,
              iid: str | None = None, attachments: dict[str, dict[str, Any]] | None = None,
              limit: int = 10 * 1024 * 1024, autocomplete: str | None = None) -> dict[str, Any]:
        kind = 4 if autocomplete else 2
        payload = self._base(kind, member, channel, guild, moderator, iid, limit)
        opts = []
        for key, value in (options or {}).items():
            opt = {"name": key, "type": 4 if isinstance(value, int) else 3, "value": value}
            if key == autocomplete:
                opt["focused"] = True
            opts.append(opt)
        resolved: dict[str, Any] = {}
        for key, meta in (attachments or {}).items():
            aid = self.next_id()
            opts.append({"name": key, "type": 11, "value": aid})
            resolved.setdefault("attachments", {})[aid] = {"id": aid, **meta}
        payload["data"] = {"id": self.next_id(), "name": name, "type": 1, "options": opts, "resolved": resolved}
        return payload

    def click(self, custom_id: str, message: dict[str, Any], *, member: tuple[str, str] = ("1002", "bob"),
              channel: dict[str, Any] | None = None, iid: str | None = None, guild: bool = True) -> dict[str, Any]:
        channel = channel or self.text_channel(message["channel_id"])
        payload = self._base(3, member, channel, guild, False, iid, 10 * 1024 * 1024)
        payload["message"] = message
        payload["data"] = {"custom_id": custom_id, "component_type": 2}
        return payload

    def text_channel(self, cid: str = CHANNEL_ID) -> dict[str, Any]:
        return {"id": cid, "type": 0, "name": "jams", "guild_id": GUILD_ID, "position": 0, "nsfw": False,
                "permission_overwrites": [], "topic": None, "last_message_id": None, "rate_limit_per_user": 0,
                "parent_id": None, "flags": 0, "permissions": ALL_PERMISSIONS}

    def thread_channel(self, thread_id: str, parent: str = CHANNEL_ID) -> dict[str, Any]:
        return {"id": thread_id, "type": 11, "parent_id": parent, "guild_id": GUILD_ID, "name": "jam",
                "owner_id": BOT_ID, "message_count": 0, "member_count": 1,
                "total_message_count": 0, "rate_limit_per_user": 0, "flags": 0, "last_message_id": None,
                "thread_metadata": {"archived": False, "auto_archive_duration": 1440,
                                                        "archive_timestamp": STAMP, "locked": False}}

    def message(self, mid: str, channel_id: str, body: dict[str, Any] | None = None,
                files: dict[str, bytes] | None = None) -> dict[str, Any]:
        body = body or {}
        return {
            "id": mid, "channel_id": channel_id, "type": 0, "content": body.get("content", ""),
            "author": user(BOT_ID, "Jamroom", bot=True), "embeds": [], "mentions": [], "mention_roles": [],
            "pinned": False, "mention_everyone": False, "tts": False, "timestamp": STAMP, "edited_timestamp": None,
            "flags": body.get("flags", 0), "components": body.get("components", []), "webhook_id": APP_ID,
            "attachments": [{"id": self.next_id(), "filename": n, "size": len(d), "url": f"https://cdn/{n}",
                             "proxy_url": f"https://cdn/{n}"} for n, d in (files or {}).items()],
        }

    # -- REST -------------------------------------------------------------------------------------

    async def _body(self, request: web.Request) -> tuple[Any, dict[str, bytes]]:
        files: dict[str, bytes] = {}
        if request.content_type.startswith("multipart/"):
            payload: Any = None
            reader = await request.multipart()
            async for part in reader:
                raw = await part.read()  # type: ignore[union-attr]
                if part.name == "payload_json":  # type: ignore[union-attr]
                    payload = json.loads(raw)
                else:
                    files[part.filename or part.name or "?"] = bytes(raw)  # type: ignore[union-attr]
            return payload, files
        text = await request.text()
        return (json.loads(text) if text else None), files

    async def _rest(self, request: web.Request) -> web.StreamResponse:
        path = "/" + request.match_info["tail"]
        body, files = await self._body(request)
        call = Call(request.method, path, body, files, query=dict(request.query))
        wait = self._limited(request.method, path)
        if wait is not None:  # as Discord answers: JSON retry_after, the headers, and Cloudflare's Via
            self.limited.append(call)
            return web.Response(body=json.dumps({"message": "You are being rate limited.", "retry_after": wait,
                                                 "global": False, "code": 0}).encode(), status=429,
                                headers={"Content-Type": "application/json", "Retry-After": f"{wait}",
                                         "X-RateLimit-Limit": "5", "X-RateLimit-Remaining": "0",
                                         "X-RateLimit-Reset-After": f"{wait}", "X-RateLimit-Bucket": "b",
                                         "X-RateLimit-Scope": "user", "Via": "1.1 google"})
        self.calls.append(call)
        self.changed.set()
        parts = path.strip("/").split("/")
        method = request.method
        if path == "/users/@me":
            return _json(user(BOT_ID, "Jamroom", bot=True))
        if path == "/oauth2/applications/@me":
            return _json({"id": APP_ID, "name": "Jamroom", "description": "", "icon": None, "bot_public": True,
                          "bot_require_code_grant": False, "owner": user("1", "owner"), "verify_key": "00",
                          "flags": 0})
        if path in ("/gateway", "/gateway/bot"):
            return _json({"url": str(self.gateway_url), "shards": 1, "session_start_limit": {
                "total": 1000, "remaining": 1000, "reset_after": 0, "max_concurrency": 1}})
        if parts[0] == "applications" and method == "PUT":
            scope = parts[3] if len(parts) > 3 and parts[2] == "guilds" else "global"
            self.commands[scope] = body
            return _json([{**c, "id": self.next_id(), "application_id": APP_ID, "version": "1"} for c in body])
        if parts[0] == "interactions" and parts[-1] == "callback":
            self.callback_seen.setdefault(parts[1], call.at)
            kind = int(body.get("type", 0)) if body else 0
            if kind == 5:
                self.loading.add(parts[2])
            flags = int(((body or {}).get("data") or {}).get("flags") or 0)
            return _json({"interaction": {"id": parts[1], "type": 2, "response_message_loading": kind == 5,
                                          "response_message_ephemeral": bool(flags & 64)},
                          "resource": {"type": kind}})
        if parts[0] == "webhooks":
            if method == "POST" and len(parts) == 3 and parts[2] in self.loading:
                call.replaced_original = True
            self.loading.discard(parts[2])
            return self._webhook(method, parts, body, files)
        if path == "/users/@me/channels" and method == "POST":  # open (or reopen) the bot's DM with a member
            recipient = str(body["recipient_id"])
            channel_id = self.dms.setdefault(recipient, self.next_id())
            return _json({"id": channel_id, "type": 1, "recipients": [user(recipient, "member")]})
        if parts[0] == "channels" and method == "POST" and parts[-1] == "threads":
            return _json({**self.thread_channel(parts[3], parts[1]), "name": body["name"]})
        if parts[0] == "channels" and method == "POST" and parts[-1] == "messages":
            return _json(self.message(self.next_id(), parts[1], body, files))
        return _json({"message": "404: Not Found", "code": 0}, status=404)

    def _webhook(self, method: str, parts: list[str], body: Any, files: dict[str, bytes]) -> web.Response:
        if method == "POST" and len(parts) == 3:
            if self.fail_webhooks:
                self.fail_webhooks -= 1
                return _json({"message": "Invalid Webhook Token", "code": 50027}, status=401)
            return _json(self.message(self.next_id(), self.token_channel.get(parts[2], CHANNEL_ID), body, files))
        if method == "PATCH":
            return _json(self.message(self.next_id() if parts[-1] == "@original" else parts[-1], CHANNEL_ID, body,
                                      files))
        if method == "DELETE":
            return web.Response(status=204)
        return _json({"message": "404: Not Found", "code": 0}, status=404)

    async def _cdn(self, request: web.Request) -> web.Response:
        found = self.cdn.get(request.match_info["name"])
        if found is None:
            return web.Response(status=404)
        return web.Response(body=found[0], headers={"Content-Type": found[1]})


# -- a Jamroom wired to the real discord.py client, talking to the fake --------------------------------


@dataclass
class Env:
    fake: FakeDiscord
    jam: Jamroom
    gateway: Gateway

    def followups(self, token: str | None = None) -> list[Any]:
        return self.fake.find(lambda c: c.method == "POST" and c.path.startswith(f"/webhooks/{APP_ID}/")
                              and (token is None or c.path.endswith(token)))

    async def followup(self, token: str, timeout: float = 30.0) -> Any:
        [call] = await self.fake.wait_for(lambda c: c.method == "POST" and c.path == f"/webhooks/{APP_ID}/{token}",
                                          timeout=timeout)
        return call

    async def callback(self, iid: str, timeout: float = 10.0) -> Any:
        [call] = await self.fake.wait_for(lambda c: c.path.startswith(f"/interactions/{iid}/"), timeout=timeout)
        return call


@contextlib.asynccontextmanager
async def discord_env(data: Path, env: dict[str, str] | None = None, **settings: Any) -> AsyncIterator[Env]:
    fake = await FakeDiscord().start()
    saved = discord.http.Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY
    jam, _ = make_jam(data, **settings)
    await jam.start()
    app = web.Application()
    runner = web.AppRunner(app)
    try:
        await mount(jam, app, env={"DISCORD_TOKEN": "bot-token", "DISCORD_API_BASE": fake.api,
                                   "DISCORD_GATEWAY_URL": str(fake.gateway_url), **(env or {})},
                    client_options={"guild_ready_timeout": 0.1})
        await runner.setup()
        gateway = app[GATEWAY_KEY]
        await asyncio.wait_for(gateway.client.wait_until_ready(), 15)
        yield Env(fake, jam, gateway)
    finally:
        await runner.cleanup()
        await jam.stop()
        await fake.close()
        discord.http.Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY = saved
