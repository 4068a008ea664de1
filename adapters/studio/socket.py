"""``/studio/ws``: the inbound half.  A tab says hello (name, thread), then sends commands.

Client -> server: ``hello {name, thread?}``, ``join {thread}``, ``rename {name}``,
``new_thread``, ``send {id, text, upload?}`` (``id`` is a uuid made by the tab, so a
message resent after a reconnect is the same event and enqueues one job).
Server -> client: ``welcome {me, thread, threads, messages}``, ``message {message}``,
``status {job_id, state, text}``, ``retract {ids}`` (a removed result), ``threads {threads}``,
``me {me}``, ``error {text}``, and
``batch {events}`` (several of these, in order, when they piled up during a burst).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from typing import Any
from urllib.parse import quote

from aiohttp import WSMsgType, web

from adapters.studio import identity, members, watch
from adapters.studio.context import Studio, studio_of
from adapters.studio.frames import parse_frame
from adapters.studio.hub import Tab
from adapters.studio.messages import command_message, member_view
from bot.catalog.parse import MAX_TEXT
from bot.catalog.spec import OptionType
from bot.models import Upload
from bot.reply import Reply

log = logging.getLogger(__name__)

FRAME_LIMIT = 64 * 1024
#: Frames of one tab handled at once (each command answered on its own, even while one waits on a
#: slow queue); past this the tab's further frames wait for a slot, so one tab cannot flood the server.
IN_FLIGHT = 16
#: Seconds a closing tab's unfinished frames get before they are cancelled.
CLOSE_GRACE = 5.0


async def socket_handler(request: web.Request) -> web.StreamResponse:
    studio = studio_of(request)
    if not studio.access.same_origin(request):
        return web.Response(status=403, text="the studio's socket only serves the studio's own page")
    if not studio.access.allows(request):
        return studio.access.refusal(request)
    ws = web.WebSocketResponse(heartbeat=30.0, max_msg_size=FRAME_LIMIT)
    member = identity.member_id_for(identity.ensure(request, ws))  # a script with no page visit gets one here
    await ws.prepare(request)
    tab = Tab(ws, moderator=studio.operators.is_moderator(member), member_id=member)
    studio.hub.add(tab)
    pump = asyncio.create_task(tab.pump(), name="studio-tab")
    pump.add_done_callback(_report_crash)
    slots = asyncio.Semaphore(IN_FLIGHT)
    running: set[asyncio.Task[None]] = set()
    try:
        async for frame in ws:
            if frame.type is WSMsgType.TEXT:
                await slots.acquire()
                task = asyncio.create_task(_one(studio, tab, frame.data, slots), name="studio-frame")
                running.add(task)
                task.add_done_callback(running.discard)
            elif frame.type is WSMsgType.BINARY:
                tab.send({"type": "error", "text": "the studio takes text frames of JSON, not binary ones"})
            elif frame.type is WSMsgType.ERROR:
                break
    finally:
        studio.hub.remove(tab)
        if running:
            _, late = await asyncio.wait(list(running), timeout=CLOSE_GRACE)
            for task in late:
                task.cancel()
        with contextlib.suppress(asyncio.TimeoutError, asyncio.CancelledError):
            await asyncio.wait_for(pump, CLOSE_GRACE)
    return ws


def _report_crash(task: asyncio.Task[None]) -> None:
    if not task.cancelled() and task.exception() is not None:
        log.error("studio tab writer stopped", exc_info=task.exception())


async def _one(studio: Studio, tab: Tab, raw: str, slots: asyncio.Semaphore) -> None:
    try:
        await handle(studio, tab, raw)
    finally:
        slots.release()


async def handle(studio: Studio, tab: Tab, raw: str) -> None:
    """One frame from a tab; anything wrong is answered to that tab as one line, and the socket stays."""
    try:
        data = parse_frame(raw)
        kind = data.get("type")
        if kind == "hello":
            await hello(studio, tab, data)
        elif kind == "join":
            await join(studio, tab, members.clean_thread(data.get("thread")))
        elif kind == "new_thread":
            await join(studio, tab, studio.hub.new_thread().id)
        elif kind == "rename":
            speak_as(tab, data.get("name"))
            tab.send({"type": "me", "me": me(tab)})
        elif kind == "send":
            await send(studio, tab, data)
        else:
            raise members.BadInput(f"unknown message type {str(kind)[:20]!r}")
    except (members.BadInput, ValueError) as exc:
        tab.send({"type": "error", "text": str(exc), "event": _event_of(raw)})
    except Exception:  # a bug must not cost the member their socket, nor pass silently
        log.exception("studio frame failed")
        tab.send({"type": "error", "text": "something went wrong with that message; it was not sent",
                  "event": _event_of(raw)})


def _event_of(raw: str) -> str | None:
    """The frame's own id, when it has a well-formed one, so the page marks the right message."""
    with contextlib.suppress(Exception):
        value = json.loads(raw).get("id")
        return members.clean_event(value)
    return None


def speak_as(tab: Tab, raw_name: object) -> None:
    """The display name only: who the tab is was settled by its browser's cookie."""
    tab.name = members.clean_name(raw_name)


def me(tab: Tab) -> dict[str, Any]:
    return {**member_view(tab.member_id, tab.name), "moderator": tab.moderator}


async def hello(studio: Studio, tab: Tab, data: dict[str, Any]) -> None:
    speak_as(tab, data.get("name"))
    await studio.hub.load_threads()
    wanted = data.get("thread")
    thread = members.clean_thread(wanted) if wanted else studio.hub.busiest()
    await join(studio, tab, thread)


async def join(studio: Studio, tab: Tab, thread: str) -> None:
    if not tab.name:
        raise members.BadInput("say hello with a display name first")
    await studio.hub.load_threads()
    community = await studio.community.listing() if tab.moderator else []
    if watch.is_watch(thread):
        await _watch(studio, tab, thread, community)
        return
    studio.hub.open_thread(thread)
    tab.thread = thread
    history = await studio.hub.history(thread, tab.member_id)
    tab.send({"type": "welcome", "me": me(tab), "thread": thread, "threads": studio.hub.thread_list(),
              "community": community, "readonly": None, "messages": history})


async def _watch(studio: Studio, tab: Tab, thread: str, community: list[dict[str, Any]]) -> None:
    """A moderator opens another platform's thread: a read-only snapshot from the ledger."""
    if not tab.moderator:
        raise members.BadInput("only moderators can watch other platforms' threads")
    watched = (await studio.community.threads()).get(thread)
    if watched is None:
        raise members.BadInput("that thread is not in the ledger")
    tab.thread = thread
    tab.send({"type": "welcome", "me": me(tab), "thread": thread, "threads": studio.hub.thread_list(),
              "community": community, "readonly": watched.view(),
              "messages": await studio.community.snapshot(watched)})


def attach(studio: Studio, text: str, upload_id: object) -> tuple[str, dict[str, Upload]]:
    """Give the tab's upload to the command's FILE option, naming it in the text if the member did not."""
    upload = studio.shelf.get(upload_id)
    if upload is None:
        raise members.BadInput("that upload is no longer here; upload the file again")
    head = text.strip().split(maxsplit=1)[0] if text.strip() else ""
    command = studio.jam.catalog.get(head)
    if command is None:
        return text, {}
    slots = [o.name for o in command.options if o.type is OptionType.FILE]
    if not slots:
        return text, {}
    slot = slots[0]
    if f"{slot}:" not in text:
        text = f"{text.rstrip()} {slot}:{upload_id}"
    return text, {slot: upload}


async def send(studio: Studio, tab: Tab, data: dict[str, Any]) -> None:
    if not tab.name or not tab.thread:
        raise members.BadInput("say hello with a display name first")
    if watch.is_watch(tab.thread):
        raise members.BadInput("this thread lives on another platform; the studio only shows it")
    event = members.clean_event(data.get("id"))
    text = data.get("text")
    if not isinstance(text, str) or not text.strip():
        raise members.BadInput("type a command, e.g. /help")
    if len(text) > MAX_TEXT:
        raise members.BadInput(f"that command is too long: {len(text):,} characters (limit {MAX_TEXT:,})")
    origin = members.origin_for(tab.member_id, tab.name, tab.thread, event, moderator=tab.moderator)
    hub = studio.hub
    if (earlier := hub.seen_event(origin.event_id)) is not None:
        tab.send({"type": "message", "message": earlier})  # a resend: show what it already became
        return
    uploads: dict[str, Upload] = {}
    if data.get("upload"):
        text, uploads = attach(studio, text, data["upload"])
    reply = await studio.jam.submit_text(text, origin, uploads)
    if (earlier := hub.seen_event(origin.event_id)) is not None:
        tab.send({"type": "message", "message": earlier})
        return
    message = command_message(tab.thread, member_view(tab.member_id, tab.name), text.strip(), origin.event_id, reply)
    message["client_id"] = event
    message["upload"] = bool(uploads)
    message["attachments"] = await _keep_attachments(studio, reply)
    if reply.private or not reply.ok:
        hub.tell(tab.member_id, message)  # refusals and private answers: the sender only, never stored
    elif (posted := hub.append(message)) is not message:
        tab.send({"type": "message", "message": posted})  # the same event twice at once: one job, one message


async def _keep_attachments(studio: Studio, reply: Reply) -> list[dict[str, Any]]:
    """Files that came with an answer (a credits export) are stored and linked like artifacts."""
    out = []
    for item in reply.attachments:
        digest = await asyncio.to_thread(studio.jam.store.put, item.data)
        studio.keep_blob(digest, item.name, item.mime)
        out.append({"name": item.name, "mime": item.mime, "size": len(item.data),
                    "url": f"/studio/blob/{digest}/{quote(item.name, safe='')}"})
    return out

