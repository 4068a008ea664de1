"""Append to and read from the ledger (SQLite by default, PostgreSQL when configured).

Appends are serialised — an asyncio lock in-process and, on PostgreSQL, an advisory
lock for the transaction — so concurrent writers never fork the hash chain.
"""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

from sqlalchemy import event, func, insert, select, text, update
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from bot.ledger import migrate
from bot.ledger.chain import GENESIS, Head, Verdict, canonical, check_contributions, entry_hash, verify_rows
from bot.ledger.schema import contributions, deliveries, entries
from bot.models import Artifact

APPEND_LOCK = 0x4A414D02


class Ledger:
    def __init__(self, url: str) -> None:
        self.url = url
        self.engine: AsyncEngine = create_async_engine(url, **self._engine_args(url))
        self._lock = asyncio.Lock()
        self._cache: dict[str, tuple[float, list[dict[str, Any]]]] = {}
        self._kind_locks: dict[str, asyncio.Lock] = {}
        self.cache_ttl = 2.0
        if self.engine.dialect.name == "sqlite":
            event.listen(self.engine.sync_engine, "connect", _sqlite_pragmas)

    @staticmethod
    def _engine_args(url: str) -> dict[str, Any]:
        if url.startswith("sqlite"):
            return {"connect_args": {"timeout": 30}}
        return {"pool_size": 5, "max_overflow": 5, "pool_pre_ping": True}

    async def open(self) -> Ledger:
        await migrate.upgrade(self.engine)
        return self

    async def close(self) -> None:
        await self.engine.dispose()

    # -- appending -------------------------------------------------------------------------

    async def append(self, kind: str, subject: str, thread: str, payload: dict[str, Any],
                     contributors: list[dict[str, str]] | None = None) -> tuple[int, str]:
        """Add one entry at the end of the chain; returns (seq, hash).

        Another process appending at the same moment makes the insert collide on
        ``seq`` (SQLite has no advisory lock); then we read the new end and try again.
        """
        for attempt in range(20):
            try:
                return await self._append_once(kind, subject, thread, canonical(payload), contributors)
            except (IntegrityError, OperationalError):
                if attempt == 19 or (await self._entry_for(subject, kind) is not None and kind == "artifact"):
                    raise
                await asyncio.sleep(0.01 * (attempt + 1))
        raise AssertionError("unreachable")

    async def _append_once(self, kind: str, subject: str, thread: str, body: str,
                           contributors: list[dict[str, str]] | None) -> tuple[int, str]:
        self._cache.pop(kind, None)
        async with self._lock, self.engine.begin() as conn:
            if self.engine.dialect.name == "postgresql":
                await conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": APPEND_LOCK})
            last = (await conn.execute(
                select(entries.c.seq, entries.c.hash).order_by(entries.c.seq.desc()).limit(1)
            )).first()
            seq = (last.seq + 1) if last else 1
            prev = last.hash if last else GENESIS
            digest = entry_hash(seq, kind, subject, thread, body, prev)
            await conn.execute(insert(entries).values(
                seq=seq, kind=kind, subject=subject, thread=thread, payload=body, prev_hash=prev, hash=digest))
            for c in contributors or []:
                await conn.execute(insert(contributions).values(
                    seq=seq, artifact_id=subject, thread=thread, member=c["member"], name=c["name"],
                    role=c["role"], action=c.get("action", "")))
        self._cache.pop(kind, None)  # again: a read during the write may have cached the old list
        return seq, digest

    async def record_artifact(self, artifact: Artifact) -> str:
        """Record an artifact once; a re-run job with the same artifact id records nothing new."""
        existing = await self._entry_for(artifact.id, "artifact")
        if existing is not None:
            return existing.hash
        try:
            _, digest = await self.append(
                "artifact", artifact.id, artifact.thread, artifact.to_dict(),
                [c.to_dict() for c in artifact.contributors])
        except IntegrityError:
            existing = await self._entry_for(artifact.id, "artifact")
            if existing is None:
                raise
            return existing.hash
        return digest

    # -- reading ---------------------------------------------------------------------------

    async def _entry_for(self, subject: str, kind: str) -> Any:
        async with self.engine.connect() as conn:
            return (await conn.execute(
                select(entries).where(entries.c.subject == subject, entries.c.kind == kind).limit(1)
            )).first()

    async def artifact(self, artifact_id: str) -> Artifact | None:
        row = await self._entry_for(artifact_id, "artifact")
        return Artifact.from_dict(json.loads(row.payload)) if row else None

    async def artifacts(self, *, thread: str | None = None, member: str | None = None,
                        limit: int | None = None, newest_first: bool = False) -> list[Artifact]:
        query = select(entries.c.payload).where(entries.c.kind == "artifact")
        if thread is not None:
            query = query.where(entries.c.thread == thread)
        if member is not None:
            query = query.where(entries.c.subject.in_(
                select(contributions.c.artifact_id).where(contributions.c.member == member)))
        query = query.order_by(entries.c.seq.desc() if newest_first else entries.c.seq)
        if limit:
            query = query.limit(limit)
        async with self.engine.connect() as conn:
            rows = (await conn.execute(query)).all()
        found = [Artifact.from_dict(json.loads(r.payload)) for r in rows]
        if member is not None:  # the index only finds candidates; the chained payload decides (a forged row can't)
            found = [a for a in found if any(c.member == member for c in a.contributors)]
        return found

    async def latest(self, thread: str, kinds: tuple[str, ...] = ()) -> Artifact | None:
        for artifact in await self.artifacts(thread=thread, newest_first=True, limit=50):
            if not kinds or artifact.kind in kinds:
                return artifact
        return None

    async def lineage(self, artifact_id: str, depth: int = 32) -> list[Artifact]:
        """The artifact and its ancestors, nearest first (breadth-first, each once)."""
        out: list[Artifact] = []
        seen: set[str] = set()
        frontier = [artifact_id]
        while frontier and len(out) < depth:
            current = frontier.pop(0)
            if current in seen:
                continue
            seen.add(current)
            found = await self.artifact(current)
            if found is None:
                continue
            out.append(found)
            frontier.extend(found.parents)
        return out

    async def entries_of(self, kind: str, subject: str | None = None) -> list[dict[str, Any]]:
        """Entries of one kind (and subject), oldest first.

        Policy reads (labels, settings, consent, opt-outs, tombstones) happen on every
        request, so every kind but ``artifact`` is read whole, once per ``cache_ttl``
        seconds, by one task while the others wait for it (no stampede under a burst).
        This process's own appends invalidate at once; other processes' within the TTL.
        """
        if kind == "artifact":
            return await self._entries_of(kind, subject)
        lock = self._kind_locks.setdefault(kind, asyncio.Lock())
        hit = self._cache.get(kind)
        fresh = hit is not None and time.monotonic() - hit[0] < self.cache_ttl
        if not fresh and not (hit is not None and lock.locked()):  # stale while another task refreshes
            async with lock:
                hit = self._cache.get(kind)
                if hit is None or time.monotonic() - hit[0] >= self.cache_ttl:
                    loaded_at = time.monotonic()
                    hit = (loaded_at, await self._entries_of(kind, None))
                    self._cache[kind] = hit
        assert hit is not None
        return [dict(e) for e in hit[1] if subject is None or e["subject"] == subject]

    async def _entries_of(self, kind: str, subject: str | None) -> list[dict[str, Any]]:
        query = select(entries).where(entries.c.kind == kind).order_by(entries.c.seq)
        if subject is not None:
            query = query.where(entries.c.subject == subject)
        async with self.engine.connect() as conn:
            rows = (await conn.execute(query)).all()
        return [{"seq": r.seq, "thread": r.thread, "subject": r.subject, **json.loads(r.payload)} for r in rows]

    # -- chain -----------------------------------------------------------------------------

    async def head(self) -> tuple[int, str]:
        async with self.engine.connect() as conn:
            row = (await conn.execute(
                select(entries.c.seq, entries.c.hash).order_by(entries.c.seq.desc()).limit(1))).first()
        return (row.seq, row.hash) if row else (0, GENESIS)

    async def verify(self, head: str | Head | None = None) -> Verdict:
        """The chain, then the credits index against it; raises chain.MalformedHead for a bad head."""
        async with self.engine.connect() as conn:
            result = await conn.stream(select(entries).order_by(entries.c.seq))
            rows = [row async for row in result]
            credits = (await conn.execute(select(contributions))).all()
        verdict = verify_rows(rows, head)
        if not verdict.ok:
            return verdict
        wrong = check_contributions((r for r in rows if r.kind == "artifact"), credits)
        if wrong is not None:
            return Verdict(False, verdict.checked, verdict.head, wrong.problem, wrong.first_bad_seq)
        return verdict

    async def files_in_use(self) -> set[str]:
        """Every sha256 a recorded artifact uses: its files and the uploads it was made from."""
        used: set[str] = set()
        async with self.engine.connect() as conn:
            result = await conn.stream(select(entries.c.payload).where(entries.c.kind == "artifact"))
            async for row in result:
                try:
                    payload = json.loads(row.payload)
                    used.update(f["sha256"] for f in payload.get("files", ()) if f.get("sha256"))
                    used.update(u["sha256"] for u in payload.get("spec", {}).get("_uploads", ()) if u.get("sha256"))
                except (ValueError, TypeError, AttributeError, KeyError):
                    continue  # a damaged entry is `ledger verify`'s to report; keep sweeping the rest
        return used

    async def count(self) -> int:
        async with self.engine.connect() as conn:
            return int((await conn.execute(select(func.count()).select_from(entries))).scalar_one())

    # -- delivery log (idempotent posting) ---------------------------------------------------

    async def delivered(self, job_id: str, *, result_only: bool = False) -> bool:
        """Whether something was posted for the job; ``result_only``: its result, not a failure notice."""
        query = select(deliveries.c.job_id).where(deliveries.c.job_id == job_id)
        if result_only:
            query = query.where(deliveries.c.artifact_id.is_not(None))
        async with self.engine.connect() as conn:
            row = (await conn.execute(query)).first()
        return row is not None

    async def mark_delivered(self, job_id: str, artifact_id: str | None, ref: str = "") -> bool:
        """Record a posted result; False if it was already recorded (someone else posted it)."""
        try:
            async with self.engine.begin() as conn:
                await conn.execute(insert(deliveries).values(
                    job_id=job_id, artifact_id=artifact_id, delivered_at=time.time(), ref=ref))
        except IntegrityError:
            if artifact_id is None:
                return False
            async with self.engine.begin() as conn:  # the result, after an earlier failure notice
                done = await conn.execute(update(deliveries).where(
                    deliveries.c.job_id == job_id, deliveries.c.artifact_id.is_(None)).values(
                    artifact_id=artifact_id, delivered_at=time.time(), ref=ref))
            return done.rowcount == 1
        return True


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()
