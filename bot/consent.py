"""Members' choices about their work, checked once in the core before a built-on job is queued.

``/consent remix:allow|ask|deny`` and ``notices:on|off`` and ``/optout`` are ledger
entries, so they are recorded like everything else.  A remix of an ``ask`` member's
work waits as a row in ``consent_requests`` — in the database, not the queue, so it
counts against no limit — until every owner approves (then the original job is
enqueued), one declines, or it expires.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Column, Float, MetaData, String, Table, Text, insert, select, update

from bot.errors import Refused
from bot.ledger import Ledger
from bot.models import Artifact, Contributor, Job, Origin, new_id

KIND = "consent"
OPTOUT = "optout"
MODES = ("allow", "ask", "deny")

_meta = MetaData()
requests_table = Table(
    "consent_requests", _meta,
    Column("id", String(32), primary_key=True),
    Column("idem", String(255), nullable=False, unique=True),
    Column("created", Float, nullable=False),
    Column("expires", Float, nullable=False),
    Column("asker", String(255), nullable=False),
    Column("owners", Text, nullable=False),
    Column("approved", Text, nullable=False),
    Column("state", String(16), nullable=False),
    Column("job", Text, nullable=False),
    Column("parents", Text, nullable=False),
)


def pseudonym(member: str) -> str:
    """A stable stand-in for an opted-out member's display name."""
    return "member-" + hashlib.sha256(member.encode()).hexdigest()[:8]


@dataclass(frozen=True)
class Prefs:
    remix: str = "allow"
    notices: bool = True


@dataclass
class Pending:
    """A built-on job waiting for its owners' approval."""

    id: str
    idem: str
    created: float
    expires: float
    asker: str
    owners: list[dict[str, str]]
    approved: list[str]
    state: str
    job: Job
    parents: list[str]

    @property
    def waiting_on(self) -> list[dict[str, str]]:
        return [o for o in self.owners if o["member"] not in self.approved]


class Consent:
    def __init__(self, ledger: Ledger, ttl: float = 24 * 3600.0) -> None:
        self.ledger = ledger
        self.ttl = ttl

    # -- preferences -----------------------------------------------------------------------

    async def prefs(self, member: str) -> Prefs:
        found = await self.ledger.entries_of(KIND, member)
        if not found:
            return Prefs()
        last = found[-1]
        remix = last.get("remix", "allow")
        if isinstance(remix, bool):  # entries written before modes existed
            remix = "allow" if remix else "deny"
        return Prefs(str(remix), bool(last.get("notices", True)))

    async def set_prefs(self, origin: Origin, *, remix: str | None = None, notices: bool | None = None) -> Prefs:
        now = await self.prefs(origin.member_key)
        new = Prefs(remix or now.remix, now.notices if notices is None else notices)
        await self.ledger.append(KIND, origin.member_key, origin.thread_key,
                                 {"remix": new.remix, "notices": new.notices, "at": time.time()})
        return new

    async def opted_out(self, member: str) -> bool:
        found = await self.ledger.entries_of(OPTOUT, member)
        return bool(found[-1]["on"]) if found else False

    async def set_optout(self, origin: Origin, on: bool) -> None:
        await self.ledger.append(OPTOUT, origin.member_key, origin.thread_key, {"on": on, "at": time.time()})

    async def display(self, contributors: Sequence[Contributor]) -> list[Contributor]:
        """Contributors with opted-out members' names replaced by their pseudonym."""
        out = []
        cache: dict[str, bool] = {}
        for c in contributors:
            if c.member not in cache:
                cache[c.member] = await self.opted_out(c.member)
            out.append(Contributor(c.member, pseudonym(c.member), c.role, c.action) if cache[c.member] else c)
        return out

    # -- the check before enqueue ------------------------------------------------------------

    async def owners_to_ask(self, origin: Origin, parents: Sequence[Artifact]) -> list[dict[str, str]]:
        """Refuse when an owner denies; return the owners who want to be asked (empty: go ahead)."""
        ask: dict[str, dict[str, str]] = {}
        for parent in parents:
            for c in parent.contributors:
                if c.member == origin.member_key or c.member in ask:
                    continue
                mode = (await self.prefs(c.member)).remix
                if mode == "deny":
                    raise Refused(f"{c.name} does not allow remixes of their work, so {parent.id} can't be built on")
                if mode == "ask":
                    ask[c.member] = {"member": c.member, "name": c.name, "thread": parent.thread}
        return list(ask.values())

    async def check(self, origin: Origin, parents: list[Artifact]) -> None:
        """Refuse when an owner denies; an ``ask`` owner is not a refusal (the intake holds the job)."""
        await self.owners_to_ask(origin, parents)

    # -- pending requests --------------------------------------------------------------------

    async def hold(self, job: Job, idem: str, owners: list[dict[str, str]], ttl: float | None = None
                   ) -> tuple[Pending, bool]:
        """Store the job until the owners decide; returns (request, created_now)."""
        existing = await self._by_idem(idem)
        if existing is not None:
            return existing, False
        now = time.time()
        row = {"id": new_id("r"), "idem": idem, "created": now, "expires": now + (ttl or self.ttl),
               "asker": job.member, "owners": json.dumps(owners), "approved": "[]", "state": "waiting",
               "job": json.dumps(job.to_dict()), "parents": json.dumps(list(job.request.parents.values()))}
        async with self.ledger.engine.begin() as conn:
            await conn.execute(insert(requests_table).values(**row))
        return _pending(row), True

    async def get(self, request_id: str) -> Pending | None:
        async with self.ledger.engine.connect() as conn:
            row = (await conn.execute(select(requests_table).where(requests_table.c.id == request_id))).first()
        return self._expire(_pending(row._asdict())) if row else None

    async def _by_idem(self, idem: str) -> Pending | None:
        async with self.ledger.engine.connect() as conn:
            row = (await conn.execute(select(requests_table).where(requests_table.c.idem == idem))).first()
        return self._expire(_pending(row._asdict())) if row else None

    def _expire(self, pending: Pending) -> Pending:
        if pending.state == "waiting" and time.time() > pending.expires:
            pending.state = "expired"
        return pending

    async def waiting(self, member: str | None = None) -> list[Pending]:
        query = select(requests_table).where(requests_table.c.state == "waiting")
        async with self.ledger.engine.connect() as conn:
            rows = (await conn.execute(query)).all()
        found = [self._expire(_pending(r._asdict())) for r in rows]
        return [p for p in found if p.state == "waiting"
                and (member is None or member == p.asker or any(o["member"] == member for o in p.owners))]

    async def decide(self, pending: Pending, member: str, approve: bool) -> Pending:
        """Record one owner's answer; the state becomes approved once all have approved."""
        if approve:
            if member not in pending.approved:
                pending.approved.append(member)
            pending.state = "approved" if not pending.waiting_on else "waiting"
        else:
            pending.state = "declined"
        async with self.ledger.engine.begin() as conn:
            await conn.execute(update(requests_table).where(requests_table.c.id == pending.id).values(
                approved=json.dumps(pending.approved), state=pending.state))
        return pending


def _pending(row: dict[str, Any]) -> Pending:
    return Pending(row["id"], row["idem"], row["created"], row["expires"], row["asker"], json.loads(row["owners"]),
                   json.loads(row["approved"]), row["state"], Job.from_dict(json.loads(row["job"])),
                   json.loads(row["parents"]))


#: Ledger entry kinds that record a member's own choices or actions (besides artifacts).
MEMBER_KINDS = (KIND, OPTOUT, "declaration", "tombstone", "setting", "label-policy")


async def member_record(ledger: Ledger, member: str) -> dict[str, Any]:
    """Everything the ledger holds about one member, for a data request (``jamroom ledger export --member``)."""
    artifacts = [a.to_dict() for a in await ledger.artifacts(member=member)]
    entries: list[dict[str, Any]] = []
    for kind in MEMBER_KINDS:
        for entry in await ledger.entries_of(kind):
            if member in (entry.get("subject"), entry.get("member"), entry.get("by")):
                entries.append({"kind": kind, **entry})
    entries.sort(key=lambda e: e["seq"])
    return {"member": member, "pseudonym": pseudonym(member), "artifacts": artifacts, "entries": entries}
