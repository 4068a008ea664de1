"""The hash chain: canonical JSON, entry hashes, and verification.

Each entry's hash is the sha256 of the canonical JSON of its sequence number, kind,
subject, thread, payload and the previous entry's hash.  Editing a row breaks its
own hash; deleting a middle row breaks the next row's link; deleting the tail is
caught by comparing with a head kept elsewhere (`jamroom ledger head`).

A head is ``<seq>:<hash>`` (a bare hash is accepted too): knowing *which* entry the head named tells
a cut tail ("entries after #9 were removed") from a rewritten chain ("entry #10 is not the entry the
head named"), and the first entry the two disagree on is named.

The ``contributions`` table is an index derived from the chained artifact entries: every row must
match a contributor in its artifact's chained payload (:func:`check_contributions`), so a forged
credit fails verification.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

GENESIS = "0" * 64


def canonical(obj: Any) -> str:
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def entry_hash(seq: int, kind: str, subject: str, thread: str, payload: str, prev_hash: str) -> str:
    body = canonical({"seq": seq, "kind": kind, "subject": subject, "thread": thread,
                      "payload": json.loads(payload), "prev": prev_hash})
    return hashlib.sha256(body.encode()).hexdigest()


@dataclass(frozen=True)
class Verdict:
    ok: bool
    checked: int
    head: str
    problem: str = ""
    first_bad_seq: int | None = None


_HASH = re.compile(r"[0-9a-f]{64}")


class MalformedHead(ValueError):
    """A head that is not ``<seq>:<64 hex>`` or ``<64 hex>``: a typo, not evidence of tampering."""


@dataclass(frozen=True)
class Head:
    hash: str
    seq: int | None = None

    def __str__(self) -> str:
        return f"{self.seq}:{self.hash}" if self.seq is not None else self.hash


def parse_head(text: str) -> Head:
    """``<seq>:<hash>`` as `jamroom ledger head` prints it, or a bare hash; raises MalformedHead."""
    raw = text.strip().lower()
    seq_text, _, digest = raw.rpartition(":")
    seq_text = seq_text.lstrip("#")
    if not _HASH.fullmatch(digest) or (seq_text and not seq_text.isdigit()):
        shown = text if len(text) <= 80 else text[:77] + "…"
        raise MalformedHead(f"the head {shown!r} is malformed: expected the 64 hex characters "
                            "(optionally after '<entry number>:') that `jamroom ledger head` prints")
    return Head(digest, int(seq_text) if seq_text else None)


def verify_rows(rows: Iterable[Any], head: str | Head | None = None) -> Verdict:
    """Walk the chain in order; name the first broken entry (raises MalformedHead for a bad head)."""
    if isinstance(head, str):
        head = parse_head(head)
    prev = GENESIS
    expected_seq = 1
    checked = 0
    seen_head = head is None
    for row in rows:
        checked += 1
        if row.seq != expected_seq:
            return Verdict(False, checked, prev, f"entry #{expected_seq} is missing (next entry is #{row.seq})",
                           expected_seq)
        if row.prev_hash != prev:
            return Verdict(False, checked, prev, f"entry #{row.seq} does not link to the entry before it", row.seq)
        try:
            actual = entry_hash(row.seq, row.kind, row.subject, row.thread, row.payload, row.prev_hash)
        except (ValueError, TypeError):
            actual = ""
        if actual != row.hash:
            return Verdict(False, checked, prev, f"entry #{row.seq} was changed after it was written", row.seq)
        if head is not None and head.seq == row.seq and row.hash != head.hash:
            return Verdict(False, checked, prev,
                           f"entry #{row.seq} is not the entry the head named: the chain was rewritten at or "
                           f"before entry #{row.seq}", row.seq)
        prev = row.hash
        expected_seq += 1
        if head is not None and row.hash == head.hash:
            seen_head = True
    if not seen_head:
        assert head is not None
        last = expected_seq - 1
        if head.seq is not None:
            return Verdict(False, checked, prev, f"entries after #{last} were removed (the head named entry "
                                                 f"#{head.seq})", expected_seq)
        return Verdict(False, checked, prev,
                       f"the head {head.hash[:12]}… is not in the chain: entries after it were rewritten or removed "
                       f"(the chain now ends at #{last}; a head kept as '<seq>:<hash>' names the entry)", None)
    return Verdict(True, checked, prev)


def expected_contributions(artifact_rows: Iterable[Any]) -> set[tuple[Any, ...]]:
    """The credits index the chained artifact entries imply: (seq, artifact, thread, member, name, role, action)."""
    out: set[tuple[Any, ...]] = set()
    for row in artifact_rows:
        try:
            contributors = json.loads(row.payload).get("contributors", [])
        except (ValueError, AttributeError):
            continue
        for c in contributors:
            out.add((row.seq, row.subject, row.thread, c.get("member"), c.get("name", c.get("member")),
                     c.get("role"), c.get("action", "")))
    return out


def check_contributions(artifact_rows: Iterable[Any], contribution_rows: Iterable[Any]) -> Verdict | None:
    """None when the ``contributions`` table is exactly what the chain implies; else the first difference."""
    expected = expected_contributions(artifact_rows)
    found: set[tuple[Any, ...]] = set()
    for r in sorted(contribution_rows, key=lambda r: (r.seq, r.id)):
        key = (r.seq, r.artifact_id, r.thread, r.member, r.name, r.role, r.action)
        if key not in expected:
            return Verdict(False, 0, "", f"the credits row #{r.id} ({r.member} as {r.role} on {r.artifact_id}) is "
                                         f"not in the chain: it was added or changed outside the ledger", r.seq)
        found.add(key)
    missing = sorted(expected - found)
    if missing:
        seq, artifact, _, member, _, role, _ = missing[0]
        return Verdict(False, 0, "", f"the credits of entry #{seq} are incomplete: {member} as {role} on "
                                     f"{artifact} was removed from the credits table", seq)
    return None
