"""The memory queue's journal: waiting and running jobs kept in a SQLite file, so a restart loses none.

Why a file next to the ledger rather than the ledger itself: the journal is rewritten on every
enqueue, start and finish, and must not wait behind (or slow) the ledger's hash-chained appends.

Writes go through one thread, in order, off the event loop; ``enqueue`` waits for its row, so a
member told "queued" has a job that survives SIGKILL (WAL mode: a committed row is in the OS's hands
before the call returns).  Running jobs are re-run at start; the worker's delivery log keeps the
result posted at most once.
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TypedDict

from bot.models import Job

SCHEMA = """
CREATE TABLE IF NOT EXISTS queued_jobs (
    id TEXT PRIMARY KEY,
    seq INTEGER NOT NULL,
    idem TEXT NOT NULL,           -- the idempotency key it was queued under
    state TEXT NOT NULL,          -- waiting | running | delayed
    attempts INTEGER NOT NULL,
    due REAL NOT NULL,            -- epoch seconds a delayed retry is due (0 otherwise)
    body TEXT NOT NULL            -- Job.to_dict() as JSON
)
"""


class Saved(TypedDict):
    job: Job
    key: str
    state: str
    due: float


class Journal:
    """Rows of unfinished jobs; every method but :meth:`load` is awaited off the event loop."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.execute(SCHEMA)
        self._io = ThreadPoolExecutor(max_workers=1, thread_name_prefix="jamroom-journal")
        self._seq = (self._db.execute("SELECT MAX(seq) FROM queued_jobs").fetchone()[0] or 0) + 1

    def load(self) -> list[Saved]:
        """Unfinished jobs in the order they should start again: running ones first, then by arrival."""
        rows = self._db.execute(
            "SELECT body, idem, state, attempts, due FROM queued_jobs ORDER BY state = 'running' DESC, seq").fetchall()
        saved: list[Saved] = []
        for body, key, state, attempts, due in rows:
            job = Job.from_dict(json.loads(body))
            job.attempts = attempts
            saved.append({"job": job, "key": key, "state": state, "due": due})
        return saved

    def drop_now(self, job_id: str) -> None:
        """Start-up only (before the loop serves anyone): forget a job that will not run again."""
        self._db.execute("DELETE FROM queued_jobs WHERE id = ?", (job_id,))

    async def _do(self, sql: str, *args: object) -> None:
        await asyncio.get_running_loop().run_in_executor(self._io, self._db.execute, sql, args)

    async def add(self, job: Job, key: str) -> None:
        seq, self._seq = self._seq, self._seq + 1
        body = json.dumps(job.to_dict(), separators=(",", ":"), ensure_ascii=False)
        await self._do("INSERT OR REPLACE INTO queued_jobs VALUES (?, ?, ?, 'waiting', ?, 0, ?)",
                       job.id, seq, key, job.attempts, body)

    async def started(self, job: Job) -> None:
        await self._do("UPDATE queued_jobs SET state = 'running', attempts = ? WHERE id = ?", job.attempts, job.id)

    async def delayed(self, job: Job, delay: float) -> None:
        await self._do("UPDATE queued_jobs SET state = 'delayed', attempts = ?, due = ? WHERE id = ?",
                       job.attempts, time.time() + delay, job.id)

    async def waiting(self, job: Job) -> None:
        await self._do("UPDATE queued_jobs SET state = 'waiting', attempts = ? WHERE id = ?", job.attempts, job.id)

    async def done(self, job_id: str) -> None:
        await self._do("DELETE FROM queued_jobs WHERE id = ?", job_id)

    async def close(self) -> None:
        await asyncio.get_running_loop().run_in_executor(self._io, self._db.close)
        self._io.shutdown(wait=True)
