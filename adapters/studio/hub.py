"""The studio's live state: threads, each thread's message log, and the tabs watching it.

The hub is also the studio's outbound (platform ``studio``): the worker's progress
notes and deliveries land here and go to every tab in the thread.  Each tab has its
own bounded outbox and writer task, so one slow tab never delays the others
and a broadcast is one list append per tab.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import logging
import secrets
import time
from collections import deque
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from aiohttp import web

from adapters.studio import messages as msg
from adapters.studio.members import CHANNEL, PLATFORM, WORKSPACE, thread_key, thread_of
from bot.handlers.moderation import removed_ids
from bot.models import Delivery, Origin

if TYPE_CHECKING:
    from bot.runtime import Jamroom

log = logging.getLogger(__name__)

LOG_LIMIT = 500
HISTORY_LIMIT = 200
THREAD_LIMIT = 1000
#: Artifacts read at start-up to list the studio's threads (newest first).
SCAN_LIMIT = 5000
SEND_QUEUE = 256
EARLY_LIMIT = 1000
_STATUS_TEXT = {"running": "working…", "cancelled": "cancelled"}
_FINISHED = (msg.DONE, msg.FAILED, msg.CANCELLED)


@dataclass
class Thread:
    id: str
    title: str = "new jam"
    created: float = field(default_factory=time.time)
    updated: float = field(default_factory=time.time)

    def view(self) -> dict[str, Any]:
        return {"id": self.id, "title": self.title, "created": self.created, "updated": self.updated}


@dataclass(eq=False)
class Tab:
    """One browser tab: its socket, who it speaks as, the thread it watches, and what is waiting to go out.

    Sending appends to a plain list and wakes the tab's writer: a broadcast to a busy thread
    is one append per tab.  Whatever piled up while the loop was busy leaves as one
    ``batch`` frame, so a burst costs each tab one write, not dozens.
    """

    ws: web.WebSocketResponse
    moderator: bool
    name: str = ""
    member_id: str = ""
    thread: str = ""
    _out: list[str] = field(default_factory=list)
    _wake: asyncio.Event = field(default_factory=asyncio.Event)
    _closing: bool = False

    def send(self, event: dict[str, Any] | str) -> None:
        """Queue an event (a dict, or JSON already encoded once for a whole thread)."""
        if self._closing:
            return
        if len(self._out) >= SEND_QUEUE:  # this far behind, the tab reloads its history when it reconnects
            log.warning("studio tab too slow; closing it", extra={"member": self.member_id})
            self._out.clear()
            self.close()
            return
        self._out.append(event if isinstance(event, str) else encode(event))
        self._wake.set()

    def close(self) -> None:
        self._closing = True
        self._wake.set()

    async def pump(self) -> None:
        """Write what is queued, one frame per wake-up, until the tab closes."""
        while True:
            await self._wake.wait()
            self._wake.clear()
            texts, self._out = self._out, []
            if texts and not self.ws.closed:
                frame = texts[0] if len(texts) == 1 else '{"type":"batch","events":[' + ",".join(texts) + "]}"
                try:
                    await self.ws.send_str(frame)
                except (ConnectionError, RuntimeError):
                    break
            if self._closing or self.ws.closed:
                break
        if not self.ws.closed:
            with contextlib.suppress(Exception):
                await self.ws.close()


def encode(event: dict[str, Any]) -> str:
    return json.dumps(event, ensure_ascii=False, separators=(",", ":"))


class Hub:
    platform = PLATFORM

    def __init__(self, jam: Jamroom) -> None:
        self.jam = jam
        self.threads: dict[str, Thread] = {}
        self.logs: dict[str, deque[dict[str, Any]]] = {}
        self.tabs: set[Tab] = set()
        self._ids = itertools.count(1)
        self._by_job: dict[str, dict[str, Any]] = {}
        self._by_event: dict[str, dict[str, Any]] = {}
        self._results: dict[str, dict[str, Any]] = {}
        #: Status that arrived before its command was posted (a fast worker): job id -> status.
        self._early: dict[str, dict[str, str]] = {}
        self._loaded = False
        self._load_lock = asyncio.Lock()

    # -- threads ------------------------------------------------------------------------------

    async def load_threads(self) -> None:
        """Once: threads known from the ledger (a restarted studio still lists its jams)."""
        if self._loaded:
            return
        async with self._load_lock:
            if self._loaded:
                return
            recent = await self.jam.ledger.artifacts(newest_first=True, limit=SCAN_LIMIT)
            for artifact in reversed(recent):
                tid = thread_of(artifact.thread)
                if tid is None:
                    continue
                found = self.threads.get(tid)
                if found is None:
                    title = artifact.summary or artifact.kind
                    self.threads[tid] = Thread(tid, title[:60], artifact.created, artifact.created)
                else:
                    found.updated = max(found.updated, artifact.created)
            self._loaded = True

    def thread(self, tid: str) -> Thread:
        found = self.threads.get(tid)
        if found is None:
            found = self.threads[tid] = Thread(tid)
            self.broadcast_threads()
        return found

    def open_thread(self, tid: str) -> Thread:
        """A thread a tab asked for: an existing one, or a new one while there is room."""
        if tid not in self.threads and len(self.threads) >= THREAD_LIMIT:
            raise ValueError(f"the studio keeps at most {THREAD_LIMIT} threads; reuse one from the list")
        return self.thread(tid)

    def new_thread(self) -> Thread:
        return self.open_thread("jam-" + secrets.token_hex(3))

    def thread_list(self) -> list[dict[str, Any]]:
        return [t.view() for t in sorted(self.threads.values(), key=lambda t: t.updated, reverse=True)]

    def busiest(self) -> str:
        """The thread a tab with no thread of its own lands in: the latest active, or a new one."""
        listed = self.thread_list()
        return listed[0]["id"] if listed else self.new_thread().id

    # -- tabs ---------------------------------------------------------------------------------

    def add(self, tab: Tab) -> None:
        self.tabs.add(tab)

    def remove(self, tab: Tab) -> None:
        self.tabs.discard(tab)
        tab.close()

    def to_thread(self, tid: str, event: dict[str, Any], only: str | None = None) -> None:
        text: str | None = None  # encoded once, however many tabs watch the thread
        for tab in list(self.tabs):
            if tab.thread == tid and (only is None or tab.member_id == only):
                text = text or encode(event)
                tab.send(text)

    def broadcast_threads(self) -> None:
        text = encode({"type": "threads", "threads": self.thread_list()})
        for tab in list(self.tabs):
            tab.send(text)

    # -- the log ------------------------------------------------------------------------------

    def append(self, message: dict[str, Any]) -> dict[str, Any]:
        tid = message["thread"]
        thread = self.thread(tid)
        message.setdefault("id", f"m{next(self._ids)}")
        log_ = self.logs.setdefault(tid, deque(maxlen=LOG_LIMIT))
        if len(log_) == log_.maxlen:
            self._forget(log_[0])
        log_.append(message)
        thread.updated = message["ts"]
        if message.get("job_id") and message["kind"] == "command":
            self._by_job[message["job_id"]] = message
            if (early := self._early.pop(message["job_id"], None)) is not None:
                message["status"] = early
        if message.get("event"):
            self._by_event[message["event"]] = message
        if message["kind"] in ("result", "error") and message.get("job_id"):
            self._results[message["job_id"]] = message
        if message["kind"] == "command" and not message["private"] and thread.title == "new jam":
            thread.title = message["text"][:60]
            self.broadcast_threads()
        self.to_thread(tid, {"type": "message", "message": message}, only=message.get("to"))
        return message

    def _forget(self, old: dict[str, Any]) -> None:
        for index in (self._by_job, self._results):
            if old.get("job_id") and index.get(old["job_id"]) is old:
                del index[old["job_id"]]
        if old.get("event") and self._by_event.get(old["event"]) is old:
            del self._by_event[old["event"]]

    def _drop(self, tid: str, message_id: str) -> dict[str, Any] | None:
        log_ = self.logs.get(tid, deque())
        found = next((m for m in log_ if m["id"] == message_id), None)
        if found is not None:
            log_.remove(found)
            self._forget(found)
        return found

    def seen_event(self, event: str) -> dict[str, Any] | None:
        return self._by_event.get(event)

    def set_status(self, tid: str, job_id: str, state: str, text: str) -> None:
        """Move a command's status on and tell the thread; a finished job never goes back to "working…"."""
        found = self._by_job.get(job_id)
        before = found["status"] if found is not None else self._early.get(job_id)
        if before is not None and before["state"] in _FINISHED:
            return
        status = {"state": state, "text": text}
        if found is not None:
            found["status"] = status
            tid = found["thread"]
        else:  # the worker beat the acknowledgement; the command message picks this up when posted
            self._early[job_id] = status
            while len(self._early) > EARLY_LIMIT:
                self._early.pop(next(iter(self._early)))
        self.to_thread(tid, {"type": "status", "thread": tid, "job_id": job_id, "state": state, "text": text})

    async def history(self, tid: str, member_id: str) -> list[dict[str, Any]]:
        """What a member sees on opening a thread: the live log plus older results from the ledger."""
        live = [m for m in self.logs.get(tid, ()) if m.get("to") in (None, member_id)]
        shown = {m["artifact"]["id"] for m in live if m["kind"] == "result"}
        older = []
        artifacts = await self.jam.ledger.artifacts(thread=thread_key(tid), newest_first=True, limit=HISTORY_LIMIT)
        if artifacts:
            policy = await self.jam.labels.policy(self.origin(tid))
            gone = await removed_ids(self.jam.ledger)
            for artifact in artifacts:
                if artifact.id not in shown and artifact.id not in gone:
                    label = policy.render(artifact.generator, artifact.version)
                    older.append(msg.history_message(tid, artifact, self.jam.catalog, label))
        merged = sorted(older + live, key=lambda m: m["ts"])
        return merged[-HISTORY_LIMIT:]

    @staticmethod
    def origin(tid: str) -> Origin:
        return Origin(PLATFORM, WORKSPACE, CHANNEL, tid, "", "", "")

    # -- the outbound half --------------------------------------------------------------------

    async def progress(self, origin: Origin, job_id: str, state: str, text: str) -> None:
        self.set_status(origin.thread, job_id, state, _STATUS_TEXT.get(state, text))

    async def deliver(self, delivery: Delivery, files: dict[str, bytes]) -> str:
        """Post the result to the thread; a second delivery of the same job posts nothing new."""
        earlier = self._results.get(delivery.job_id)
        if earlier is not None:
            return earlier["id"]
        tid = delivery.origin.thread
        posted = self.append(msg.result_message(tid, delivery))
        if delivery.ok:
            self.set_status(tid, delivery.job_id, msg.DONE, "done")
        else:
            self.set_status(tid, delivery.job_id, msg.FAILED, "failed")
        return posted["id"]

    async def retract(self, origin: Origin, ref: str) -> None:
        """A removed result (moderation's /remove) leaves the log and every open tab."""
        ids = [ref]
        if ref.startswith("r-"):
            ids.append(msg.history_id(ref[2:]))
        for tid in {origin.thread, *(m["thread"] for m in self._results.values() if m["id"] == ref)}:
            self._drop(tid, ref)
            self.to_thread(tid, {"type": "retract", "thread": tid, "ids": ids})
