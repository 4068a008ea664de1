"""The studio's live state: threads, each thread's message log, and the tabs watching it.

The hub is also the studio's outbound (platform ``studio``): the worker's progress
notes and deliveries land here and go to every tab in the thread.  Each tab has its
own bounded outbox and writer task, so one slow tab never delays the others
and a broadcast is one list append per tab.

The thread log keeps one rule (docs/security.md): a refusal or a private answer goes to
its sender's tabs only and is never stored; a command that became a job is stored with
its status line, in memory (bounded in bytes per thread and in all) and in the
:class:`~adapters.studio.journal.Journal`, so it and the thread's title survive a restart.
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
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from aiohttp import web

from adapters.studio import messages as msg
from adapters.studio.journal import Journal, StoredThread
from adapters.studio.members import CHANNEL, PLATFORM, WORKSPACE, thread_key, thread_of
from bot.models import Delivery, Origin
from bot.services.records import removed_ids

if TYPE_CHECKING:
    from bot.runtime import Jamroom

log = logging.getLogger(__name__)

#: Bytes of encoded messages kept in memory: per thread, and across all threads.
THREAD_BYTES = 256 * 1024
TOTAL_BYTES = 16 * 1024 * 1024
HISTORY_LIMIT = 200
THREAD_LIMIT = 1000
TITLE_LIMIT = 60
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
    #: Whether its title is settled (taken from the first accepted command, or stored).
    titled: bool = False

    def view(self) -> dict[str, Any]:
        return {"id": self.id, "title": self.title, "created": self.created, "updated": self.updated}

    def stored(self) -> StoredThread:
        return StoredThread(id=self.id, title=self.title, created=self.created, updated=self.updated)


@dataclass(eq=False)
class Tab:
    """One browser tab: its socket, who it is (from its browser's cookie), the thread it watches, and its outbox.

    Sending appends to a plain list and wakes the tab's writer: a broadcast to a busy thread
    is one append per tab.  Whatever piled up while the loop was busy leaves as one
    ``batch`` frame, so a burst costs each tab one write, not dozens.
    """

    ws: web.WebSocketResponse
    moderator: bool
    member_id: str = ""
    name: str = ""
    thread: str = ""
    _out: list[str] = field(default_factory=list)
    _wake: asyncio.Event = field(default_factory=asyncio.Event)
    _closing: bool = False
    #: Where in the outbox the pending thread list sits: a newer list replaces it rather than queueing.
    _list_at: int | None = None

    def send(self, event: dict[str, Any] | str, *, replaces_list: bool = False) -> None:
        """Queue an event (a dict, or JSON already encoded once for a whole thread)."""
        if self._closing:
            return
        if replaces_list and self._list_at is not None:
            self._out[self._list_at] = event if isinstance(event, str) else encode(event)
            return
        if len(self._out) >= SEND_QUEUE:  # this far behind, the tab reloads its history when it reconnects
            log.warning("studio tab too slow; closing it", extra={"member": self.member_id})
            self._out.clear()
            self._list_at = None
            self.close()
            return
        if replaces_list:
            self._list_at = len(self._out)
        self._out.append(event if isinstance(event, str) else encode(event))
        self._wake.set()

    def close(self) -> None:
        self._closing = True
        self._wake.set()

    async def pump(self) -> None:
        """Write what is queued, one frame per wake-up, until the tab closes; a bad frame is logged, not fatal."""
        while True:
            await self._wake.wait()
            self._wake.clear()
            texts, self._out, self._list_at = self._out, [], None
            if texts and not self.ws.closed:
                frame = texts[0] if len(texts) == 1 else '{"type":"batch","events":[' + ",".join(texts) + "]}"
                try:
                    await self.ws.send_str(frame)
                except (ConnectionError, RuntimeError):
                    break
                except Exception:  # never die silently: the tab would look alive and hear nothing
                    log.exception("studio tab: a frame could not be written; closing the tab so it reconnects")
                    break
            if self._closing or self.ws.closed:
                break
        if not self.ws.closed:
            with contextlib.suppress(Exception):
                await self.ws.close()


def encode(event: dict[str, Any]) -> str:
    """JSON for a socket: UTF-8 where it can be, escaped where a string could not be written as UTF-8."""
    text = json.dumps(event, ensure_ascii=False, separators=(",", ":"))
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return json.dumps(event, ensure_ascii=True, separators=(",", ":"))
    return text


class LogBook:
    """Per-thread message logs bounded in bytes, each thread and all of them together (oldest leave first)."""

    def __init__(self, thread_bytes: int = THREAD_BYTES, total_bytes: int = TOTAL_BYTES) -> None:
        self.thread_bytes = thread_bytes
        self.total_bytes = total_bytes
        self.logs: dict[str, deque[dict[str, Any]]] = {}
        self._size: dict[str, int] = {}
        self._thread_size: dict[str, int] = {}
        self._order: deque[tuple[str, str]] = deque()  # (thread, message id), oldest first
        self.total = 0

    def get(self, tid: str) -> deque[dict[str, Any]]:
        return self.logs.get(tid, deque())

    def add(self, message: dict[str, Any]) -> list[dict[str, Any]]:
        """Keep ``message``; returns the messages that had to leave to stay within bounds."""
        tid, mid = message["thread"], message["id"]  # sizes are keyed by the object: ids could repeat
        size = len(encode(message).encode("utf-8")) + 256  # room for its status to change
        self.logs.setdefault(tid, deque()).append(message)
        self._size[id(message)] = size
        self._thread_size[tid] = self._thread_size.get(tid, 0) + size
        self.total += size
        self._order.append((tid, mid))
        gone: list[dict[str, Any]] = []
        while self._thread_size[tid] > self.thread_bytes and len(self.logs[tid]) > 1:
            gone.append(self._pop_oldest(tid))
        while self.total > self.total_bytes and self._order:
            old_tid, old_mid = self._order.popleft()
            log_ = self.logs.get(old_tid)
            if log_ and log_[0]["id"] == old_mid and not (old_tid == tid and len(log_) == 1):
                gone.append(self._pop_oldest(old_tid))
        return gone

    def _pop_oldest(self, tid: str) -> dict[str, Any]:
        old = self.logs[tid].popleft()
        self._account(tid, old)
        return old

    def remove(self, tid: str, message_id: str) -> dict[str, Any] | None:
        log_ = self.logs.get(tid)
        found = next((m for m in log_ if m["id"] == message_id), None) if log_ else None
        if found is not None and log_ is not None:
            log_.remove(found)
            self._account(tid, found)
        return found

    def _account(self, tid: str, message: dict[str, Any]) -> None:
        size = self._size.pop(id(message), 0)
        self._thread_size[tid] -= size
        self.total -= size
        if not self.logs[tid]:
            del self.logs[tid], self._thread_size[tid]


class Hub:
    platform = PLATFORM

    def __init__(self, jam: Jamroom, journal: Journal | None = None) -> None:
        self.jam = jam
        self.journal = journal
        self.threads: dict[str, Thread] = {}
        self.book = LogBook()
        self.tabs: set[Tab] = set()
        self._ids = itertools.count(1)
        self._by_job: dict[str, dict[str, Any]] = {}
        self._by_event: dict[str, dict[str, Any]] = {}
        self._results: dict[str, dict[str, Any]] = {}
        #: Status that arrived before its command was posted (a fast worker): job id -> status.
        self._early: dict[str, dict[str, str]] = {}
        #: Journal writes in flight, awaited on close.
        self._writes: set[asyncio.Task[None]] = set()
        self._loaded = False
        self._load_lock = asyncio.Lock()
        self._prefix = secrets.token_hex(3)

    @property
    def logs(self) -> dict[str, deque[dict[str, Any]]]:
        return self.book.logs

    def _persist(self, write: Callable[[Journal], Awaitable[None]]) -> None:
        """Start a journal write without making the caller wait on the disk (the journal keeps their order)."""
        if self.journal is None:
            return
        task = asyncio.get_running_loop().create_task(write(self.journal))
        self._writes.add(task)
        task.add_done_callback(self._writes.discard)

    async def close(self) -> None:
        if self._writes:
            await asyncio.gather(*list(self._writes), return_exceptions=True)
        if self.journal is not None:
            await self.journal.close()

    # -- threads ------------------------------------------------------------------------------

    async def load_threads(self) -> None:
        """Once: threads and accepted commands from the journal, and threads known from the ledger."""
        if self._loaded:
            return
        async with self._load_lock:
            if self._loaded:
                return
            stored, messages = await self.journal.load() if self.journal is not None else ([], {})
            for t in reversed(stored):
                self.threads[t["id"]] = Thread(t["id"], t["title"], t["created"], t["updated"], titled=True)
                for message in messages.get(t["id"], []):
                    self._keep(message)
            recent = await self.jam.ledger.artifacts(newest_first=True, limit=SCAN_LIMIT)
            for artifact in reversed(recent):
                tid = thread_of(artifact.thread)
                if tid is None:
                    continue
                found = self.threads.get(tid)
                if found is None:
                    title = artifact.summary or artifact.kind
                    self.threads[tid] = Thread(tid, title[:TITLE_LIMIT], artifact.created, artifact.created)
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
            tab.send(text, replaces_list=True)  # a burst of new threads costs each tab one list, not one each

    # -- the log ------------------------------------------------------------------------------

    def tell(self, member_id: str, message: dict[str, Any]) -> dict[str, Any]:
        """A refusal or private answer: to the sender's tabs in that thread, and kept nowhere."""
        message.setdefault("id", f"p{self._prefix}{next(self._ids)}")
        message["to"] = member_id
        self.to_thread(message["thread"], {"type": "message", "message": message}, only=member_id)
        return message

    def append(self, message: dict[str, Any]) -> dict[str, Any]:
        """Post to the thread.  Commands that became jobs, and failed jobs' errors, are also journaled.

        Returns the message as posted: an earlier one when the same job's command is already there
        (the same event resent while the first was still being answered).
        """
        tid = message["thread"]
        if message["kind"] == "command" and (known := self._by_job.get(message.get("job_id") or "")) is not None:
            return known
        thread = self.thread(tid)
        if message["kind"] == "command" and message.get("job_id"):
            message.setdefault("id", f"c-{message['job_id']}")
            if (early := self._early.pop(message["job_id"], None)) is not None:
                message["status"] = early
        message.setdefault("id", f"m{self._prefix}{next(self._ids)}")
        self._keep(message)
        thread.updated = max(thread.updated, message["ts"])
        if message["kind"] == "command" and message.get("job_id") and not thread.titled:
            thread.title, thread.titled = message["text"][:TITLE_LIMIT], True
            self.broadcast_threads()
        if self._stored(message):
            stored = thread.stored()
            self._persist(lambda j: j.save_thread(stored))
            self._persist(lambda j: j.save_message(message))
        self.to_thread(tid, {"type": "message", "message": message}, only=message.get("to"))
        return message

    @staticmethod
    def _stored(message: dict[str, Any]) -> bool:
        return bool(message.get("job_id")) and message["kind"] in ("command", "error") and not message.get("to")

    def _keep(self, message: dict[str, Any]) -> None:
        for old in self.book.add(message):
            self._forget(old)
        if message.get("job_id") and message["kind"] == "command":
            self._by_job[message["job_id"]] = message
        if message.get("event"):
            self._by_event[message["event"]] = message
        if message["kind"] in ("result", "error") and message.get("job_id"):
            self._results[message["job_id"]] = message

    def _forget(self, old: dict[str, Any]) -> None:
        for index in (self._by_job, self._results):
            if old.get("job_id") and index.get(old["job_id"]) is old:
                del index[old["job_id"]]
        if old.get("event") and self._by_event.get(old["event"]) is old:
            del self._by_event[old["event"]]

    def _drop(self, tid: str, message_id: str) -> dict[str, Any] | None:
        found = self.book.remove(tid, message_id)
        if found is not None:
            self._forget(found)
            self._persist(lambda j: j.forget(message_id))
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
            if self._stored(found):
                self._persist(lambda j: j.save_message(found))
        else:  # the worker beat the acknowledgement; the command message picks this up when posted
            self._early[job_id] = status
            while len(self._early) > EARLY_LIMIT:
                self._early.pop(next(iter(self._early)))
        self.to_thread(tid, {"type": "status", "thread": tid, "job_id": job_id, "state": state, "text": text})

    async def history(self, tid: str, member_id: str) -> list[dict[str, Any]]:
        """What a member sees on opening a thread: the log plus older results from the ledger."""
        live = [m for m in self.book.get(tid) if m.get("to") in (None, member_id)]
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
