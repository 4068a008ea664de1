"""The studio's thread log on disk, so threads, their titles and accepted commands survive a restart.

What is stored follows one rule (docs/security.md): a command that became a job is
stored with its status line (and a failed job's error), and each thread keeps its
title.  Refusals and private answers are never stored; they go to the sender only.
Results need no copy here: they come back from the ledger.  Each thread keeps its
newest :data:`KEEP` messages.  The file is SQLite (``<data>/studio/threads.sqlite3``)
written by one thread of its own, so the event loop never waits on the disk.
"""

from __future__ import annotations

import asyncio
import json
import logging
import sqlite3
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypedDict

log = logging.getLogger(__name__)

KEEP = 200
THREADS = 1000

_SCHEMA = """
CREATE TABLE IF NOT EXISTS threads (id TEXT PRIMARY KEY, title TEXT NOT NULL, created REAL NOT NULL,
                                    updated REAL NOT NULL);
CREATE TABLE IF NOT EXISTS messages (id TEXT PRIMARY KEY, thread TEXT NOT NULL, ts REAL NOT NULL,
                                     job_id TEXT, body TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS messages_thread ON messages (thread, ts);
CREATE INDEX IF NOT EXISTS messages_job ON messages (job_id);
"""


class StoredThread(TypedDict):
    id: str
    title: str
    created: float
    updated: float


class Journal:
    def __init__(self, file: Path) -> None:
        self.file = file
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="studio-journal")
        self._db: sqlite3.Connection | None = None
        self._closed = False

    def _conn(self) -> sqlite3.Connection:
        if self._db is None:
            self.file.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(self.file, isolation_level=None)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA busy_timeout=5000")
            self._db.executescript(_SCHEMA)
        return self._db

    async def _run(self, fn: Any, *args: Any) -> Any:
        if self._closed:
            return None
        try:
            return await asyncio.get_running_loop().run_in_executor(self._pool, fn, *args)
        except (sqlite3.Error, OSError) as exc:  # a full disk never breaks the live studio
            log.warning("studio journal: %s", exc)
            return None

    # -- writes ---------------------------------------------------------------------------------

    async def save_thread(self, thread: StoredThread) -> None:
        await self._run(self._save_thread, thread)

    def _save_thread(self, t: StoredThread) -> None:
        self._conn().execute(
            "INSERT INTO threads (id, title, created, updated) VALUES (?, ?, ?, ?) "
            "ON CONFLICT(id) DO UPDATE SET title = excluded.title, updated = excluded.updated",
            (t["id"], t["title"], t["created"], t["updated"]))

    async def save_message(self, message: dict[str, Any]) -> None:
        await self._run(self._save_message, message["id"], message["thread"], message["ts"], message.get("job_id"),
                        json.dumps(message, ensure_ascii=False))

    def _save_message(self, mid: str, thread: str, ts: float, job_id: str | None, body: str) -> None:
        db = self._conn()
        db.execute("INSERT OR REPLACE INTO messages (id, thread, ts, job_id, body) VALUES (?, ?, ?, ?, ?)",
                   (mid, thread, ts, job_id, body))
        db.execute("DELETE FROM messages WHERE thread = ? AND id NOT IN "
                   "(SELECT id FROM messages WHERE thread = ? ORDER BY ts DESC LIMIT ?)", (thread, thread, KEEP))

    async def forget(self, message_id: str) -> None:
        await self._run(lambda: self._conn().execute("DELETE FROM messages WHERE id = ?", (message_id,)))

    # -- reads ----------------------------------------------------------------------------------

    async def load(self) -> tuple[list[StoredThread], dict[str, list[dict[str, Any]]]]:
        """The newest threads and, for each, its stored messages oldest first."""
        found = await self._run(self._load)
        return found if found is not None else ([], {})

    def _load(self) -> tuple[list[StoredThread], dict[str, list[dict[str, Any]]]]:
        db = self._conn()
        threads = [StoredThread(id=r[0], title=r[1], created=r[2], updated=r[3]) for r in db.execute(
            "SELECT id, title, created, updated FROM threads ORDER BY updated DESC LIMIT ?", (THREADS,))]
        messages: dict[str, list[dict[str, Any]]] = {}
        for t in threads:
            rows = db.execute("SELECT body FROM messages WHERE thread = ? ORDER BY ts DESC LIMIT ?", (t["id"], KEEP))
            messages[t["id"]] = [json.loads(body) for (body,) in reversed(rows.fetchall())]
        return threads, messages

    async def close(self) -> None:
        """Finish the writes already queued, then close; later writes are dropped."""
        if self._closed:
            return

        def shut() -> None:
            if self._db is not None:
                self._db.close()
                self._db = None

        await self._run(shut)
        self._closed = True
        self._pool.shutdown(wait=False)
