"""A loopback fake of Slack: the Web API our bot calls, and a sender of signed requests to our app.

The fake answers like Slack (ok/error JSON, upload URLs, 429 with Retry-After) and
records every call, upload and response_url post, so tests assert on what reached
"Slack" rather than on our own code paths.  The sender signs requests exactly as
Slack does (v0 HMAC-SHA256 over ``v0:timestamp:body``).
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import time
import urllib.parse
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import aiohttp
from aiohttp import web
from slack_sdk.signature import SignatureVerifier

TEAM = "T0JAM"
BOT_USER = "UJAMBOT"


@dataclass
class Call:
    method: str
    args: dict[str, Any]
    token: str | None
    #: What the fake answered.
    reply: dict[str, Any] = field(default_factory=dict)


@dataclass
class FakeSlack:
    """Start with ``await fake.start()``; point AsyncWebClient at ``fake.api_url``."""

    users: dict[str, dict[str, Any]] = field(default_factory=dict)
    groups: dict[str, list[str]] = field(default_factory=dict)
    #: Shared files members "uploaded" to Slack: id -> (name, mime, bytes).
    shared: dict[str, tuple[str, str, bytes]] = field(default_factory=dict)
    #: method -> how many of the next calls get 429 (Retry-After: 1) / 500.
    rate_limit: dict[str, int] = field(default_factory=dict)
    fail: dict[str, int] = field(default_factory=dict)
    calls: list[Call] = field(default_factory=list)
    uploads: dict[str, bytes] = field(default_factory=dict)
    responses: list[dict[str, Any]] = field(default_factory=list)
    downloads: list[str] = field(default_factory=list)
    sockets: list[web.WebSocketResponse] = field(default_factory=list)
    socket_acks: list[dict[str, Any]] = field(default_factory=list)
    url: str = ""
    _runner: web.AppRunner | None = None
    _ids: itertools.count = field(default_factory=lambda: itertools.count(1))
    _changed: asyncio.Event = field(default_factory=asyncio.Event)

    @property
    def api_url(self) -> str:
        return f"{self.url}/api/"

    async def start(self) -> FakeSlack:
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_post("/api/{method}", self._api)
        app.router.add_get("/api/{method}", self._api)
        app.router.add_post("/upload/{file_id}", self._upload)
        app.router.add_post("/response/{n}", self._response)
        app.router.add_get("/files/{file_id}", self._download)
        app.router.add_get("/socket", self._socket)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.url = f"http://127.0.0.1:{port}"
        return self

    async def stop(self) -> None:
        for ws in self.sockets:
            await ws.close()
        if self._runner is not None:
            await self._runner.cleanup()

    # -- what tests read ---------------------------------------------------------------------------

    def of(self, method: str) -> list[Call]:
        return [c for c in self.calls if c.method == method]

    def share(self, name: str, mime: str, data: bytes, size: int | None = None) -> dict[str, Any]:
        """A Slack file object for a file a member shared (size may lie, as a hostile payload could)."""
        file_id = f"FS{next(self._ids):06d}"
        self.shared[file_id] = (name, mime, data)
        return {"id": file_id, "name": name, "mimetype": mime, "size": len(data) if size is None else size,
                "url_private_download": f"{self.url}/files/{file_id}"}

    def response_url(self) -> str:
        return f"{self.url}/response/{next(self._ids)}"

    async def wait_for(self, method: str, count: int = 1, timeout: float = 20.0, **match: Any) -> list[Call]:
        """Wait until ``count`` calls of ``method`` whose args contain ``match`` have arrived."""
        async with asyncio.timeout(timeout):
            while True:
                found = [c for c in self.of(method) if all(_matches(c.args.get(k), v) for k, v in match.items())]
                if len(found) >= count:
                    return found
                self._changed.clear()
                await self._changed.wait()

    async def wait_responses(self, count: int = 1, timeout: float = 20.0) -> list[dict[str, Any]]:
        async with asyncio.timeout(timeout):
            while len(self.responses) < count:
                self._changed.clear()
                await self._changed.wait()
        return self.responses

    # -- the server ---------------------------------------------------------------------------------

    def _note(self) -> None:
        self._changed.set()

    async def _api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        args: dict[str, Any] = dict(request.query)
        if request.content_type == "application/json":
            args.update(await request.json())
        elif request.can_read_body:
            args.update(dict(await request.post()))
        auth = request.headers.get("Authorization", "")
        token = auth.removeprefix("Bearer ") if auth else args.pop("token", None)
        if self.rate_limit.get(method):
            self.rate_limit[method] -= 1
            self.calls.append(Call(f"{method}#429", args, token))
            return web.json_response({"ok": False, "error": "ratelimited"}, status=429, headers={"Retry-After": "1"})
        if self.fail.get(method):
            self.fail[method] -= 1
            self.calls.append(Call(f"{method}#500", args, token))
            return web.json_response({"ok": False, "error": "internal_error"}, status=500)
        for key in ("blocks", "files", "view"):
            if isinstance(args.get(key), str):
                args[key] = json.loads(args[key])
        call = Call(method, args, token)
        self.calls.append(call)
        body = call.reply = self._answer(method, args, token)
        self._note()
        return web.json_response(body)

    def _answer(self, method: str, args: dict[str, Any], token: str | None) -> dict[str, Any]:
        if not token:
            return {"ok": False, "error": "not_authed"}
        n = next(self._ids)
        if method == "auth.test":
            return {"ok": True, "url": f"{self.url}/", "team": "Jam Team", "user": "jamroom", "team_id": TEAM,
                    "user_id": BOT_USER, "bot_id": "BJAMBOT", "is_enterprise_install": False}
        if method == "chat.postMessage":
            ts = f"{1700000000 + n}.{n:06d}"
            return {"ok": True, "channel": args.get("channel"), "ts": ts,
                    "message": {"text": args.get("text", ""), "ts": ts, "thread_ts": args.get("thread_ts")}}
        if method == "files.delete":
            return {"ok": True}
        if method in ("chat.update", "chat.delete"):
            return {"ok": True, "channel": args.get("channel"), "ts": args.get("ts")}
        if method == "chat.postEphemeral":
            return {"ok": True, "message_ts": f"{1700000000 + n}.{n:06d}"}
        if method == "files.getUploadURLExternal":
            file_id = f"F{n:08d}"
            return {"ok": True, "upload_url": f"{self.url}/upload/{file_id}", "file_id": file_id}
        if method == "files.completeUploadExternal":
            files = args.get("files") or []
            return {"ok": True, "files": [{"id": f["id"], "title": f.get("title"), "name": f.get("title")}
                                          for f in files]}
        if method == "users.info":
            user = self.users.get(str(args.get("user")))
            if user is None:
                return {"ok": False, "error": "user_not_found"}
            return {"ok": True, "user": user}
        if method == "usergroups.users.list":
            return {"ok": True, "users": self.groups.get(str(args.get("usergroup")), [])}
        if method == "apps.connections.open":
            return {"ok": True, "url": f"{self.url.replace('http', 'ws', 1)}/socket"}
        if method == "views.open":
            return {"ok": True, "view": {"id": f"V{n:06d}"}}
        return {"ok": False, "error": "unknown_method"}

    async def _socket(self, request: web.Request) -> web.WebSocketResponse:
        """Socket Mode: say hello, send queued envelopes, record the acks."""
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        await ws.send_json({"type": "hello", "num_connections": 1, "debug_info": {"host": "fake"}})
        self.sockets.append(ws)
        self._note()
        async for msg in ws:
            if msg.type == aiohttp.WSMsgType.TEXT:
                self.socket_acks.append(json.loads(msg.data))
                self._note()
        return ws

    async def send_envelope(self, kind: str, payload: dict[str, Any], envelope_id: str) -> None:
        async with asyncio.timeout(20):
            while not self.sockets:
                self._changed.clear()
                await self._changed.wait()
        await self.sockets[-1].send_json({"envelope_id": envelope_id, "type": kind, "payload": payload,
                                          "accepts_response_payload": True, "retry_attempt": 0})

    async def _upload(self, request: web.Request) -> web.Response:
        self.uploads[request.match_info["file_id"]] = await request.read()
        self._note()
        return web.Response(text=f"OK - {len(self.uploads[request.match_info['file_id']])}")

    async def _response(self, request: web.Request) -> web.Response:
        self.responses.append(await request.json())
        self._note()
        return web.Response(text="ok")

    async def _download(self, request: web.Request) -> web.Response:
        file_id = request.match_info["file_id"]
        if request.headers.get("Authorization", "") != f"Bearer {BOT_TOKEN}":
            return web.Response(status=403, text="no")
        if file_id not in self.shared:
            return web.Response(status=404)
        self.downloads.append(file_id)
        _name, mime, data = self.shared[file_id]
        return web.Response(body=data, content_type=mime)


def _matches(value: Any, wanted: Any) -> bool:
    if callable(wanted):
        return bool(wanted(value))
    return value == wanted


BOT_TOKEN = "xoxb-test-0000-secret-token"
SIGNING_SECRET = "8f742231b10e8888abcd99yyyzzz85a5"


def user(user_id: str, name: str, *, admin: bool = False, owner: bool = False) -> dict[str, Any]:
    return {"id": user_id, "team_id": TEAM, "name": name, "real_name": name.title(), "is_admin": admin,
            "is_owner": owner, "is_primary_owner": False, "profile": {"display_name": name}}


@dataclass
class Sender:
    """Sends requests to our app the way Slack does: form or JSON bodies, v0 signatures."""

    url: str
    secret: str = SIGNING_SECRET
    session: aiohttp.ClientSession | None = None

    async def post(self, body: str, content_type: str, *, timestamp: int | None = None, sign: bool = True,
                   secret: str | None = None, headers: dict[str, str] | None = None) -> aiohttp.ClientResponse:
        ts = str(int(time.time()) if timestamp is None else timestamp)
        sent = {"Content-Type": content_type, **(headers or {})}
        if sign:
            sent["X-Slack-Request-Timestamp"] = ts
            sent["X-Slack-Signature"] = SignatureVerifier(secret or self.secret).generate_signature(
                timestamp=ts, body=body)
        assert self.session is not None
        resp = await self.session.post(self.url, data=body.encode(), headers=sent)
        await resp.read()
        return resp

    async def command(self, command: str, text: str, *, user_id: str = "UANN", user_name: str = "ann",
                      channel: str = "C0JAM", trigger: str = "tr-1", response_url: str = "",
                      headers: dict[str, str] | None = None) -> aiohttp.ClientResponse:
        form = {"token": "legacy", "team_id": TEAM, "team_domain": "jam", "channel_id": channel,
                "channel_name": "jams", "user_id": user_id, "user_name": user_name, "command": command,
                "text": text, "api_app_id": "A0JAM", "response_url": response_url, "trigger_id": trigger}
        return await self.post(urllib.parse.urlencode(form), "application/x-www-form-urlencoded", headers=headers)

    async def event(self, event: dict[str, Any], *, event_id: str,
                    headers: dict[str, str] | None = None) -> aiohttp.ClientResponse:
        body = {"token": "legacy", "team_id": TEAM, "api_app_id": "A0JAM", "event": event, "type": "event_callback",
                "event_id": event_id, "event_time": int(time.time()),
                "authorizations": [{"team_id": TEAM, "user_id": BOT_USER, "is_bot": True}]}
        return await self.post(json.dumps(body), "application/json", headers=headers)

    async def interaction(self, payload: dict[str, Any]) -> aiohttp.ClientResponse:
        body = urllib.parse.urlencode({"payload": json.dumps(payload)})
        return await self.post(body, "application/x-www-form-urlencoded")

    async def click(self, value: str, *, user_id: str, user_name: str, channel: str, message_ts: str,
                    thread_ts: str, trigger: str, action_id: str = "jam:0:0") -> aiohttp.ClientResponse:
        payload = {
            "type": "block_actions", "team": {"id": TEAM, "domain": "jam"},
            "user": {"id": user_id, "username": user_name, "name": user_name, "team_id": TEAM},
            "api_app_id": "A0JAM", "token": "legacy", "trigger_id": trigger,
            "container": {"type": "message", "message_ts": message_ts, "channel_id": channel,
                          "is_ephemeral": False, "thread_ts": thread_ts},
            "channel": {"id": channel, "name": "jams"},
            "message": {"type": "message", "ts": message_ts, "thread_ts": thread_ts, "text": "result"},
            "actions": [{"type": "button", "action_id": action_id, "block_id": "jam-row-0-0", "value": value,
                         "action_ts": str(time.time()), "text": {"type": "plain_text", "text": "Vary"}}],
        }
        return await self.interaction(payload)


@dataclass
class Stack:
    """A running Jamroom with the Slack adapter mounted on real HTTP, talking to a running fake."""

    jam: Any
    fake: FakeSlack
    send: Sender
    adapter: Any
    base: str


@contextlib.asynccontextmanager
async def slack_stack(tmp_path: Any, *, cat: Any = None, slack: dict[str, Any] | None = None,
                      **settings: Any) -> AsyncIterator[Stack]:
    """Fake Slack + Jamroom (test generators) + our aiohttp app on 127.0.0.1, torn down afterwards."""
    from support import make_jam

    from adapters.slack_app import install
    from adapters.slack_app.config import SlackSettings
    from bot.web import make_app

    fake = await FakeSlack(users={"UANN": user("UANN", "ann"), "UBOB": user("UBOB", "bob"),
                                  "UMOD": user("UMOD", "mo", admin=True)}).start()
    jam, _ = make_jam(tmp_path, **settings)
    if cat is not None:
        jam.catalog = cat
    cfg = SlackSettings(bot_token=BOT_TOKEN, signing_secret=SIGNING_SECRET, api_url=fake.api_url, **(slack or {}))
    await jam.start()
    app = make_app(jam)
    adapter = install(jam, app, cfg)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    base = f"http://127.0.0.1:{port}"
    session = aiohttp.ClientSession()
    try:
        yield Stack(jam, fake, Sender(f"{base}/slack/events", session=session), adapter, base)
    finally:
        await session.close()
        await runner.cleanup()
        await jam.stop()
        await fake.stop()
