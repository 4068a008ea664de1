"""The hash chain: canonical JSON, entry hashes, and verification.

Each entry's hash is the sha256 of the canonical JSON of its sequence number, kind,
subject, thread, payload and the previous entry's hash.  Editing a row breaks its
own hash; deleting a middle row breaks the next row's link; deleting the tail is
caught by comparing with a head hash kept elsewhere (`jamroom ledger head`).
"""

from __future__ import annotations

import hashlib
import json
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


def verify_rows(rows: Iterable[Any], head: str | None = None) -> Verdict:
    """Walk the chain in order; name the first broken entry."""
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
        prev = row.hash
        expected_seq += 1
        if head is not None and row.hash == head:
            seen_head = True
    if not seen_head:
        return Verdict(False, checked, prev,
                       f"the head {head[:12]}… is not in the chain: entries after #{expected_seq - 1} were removed",
                       expected_seq)
    return Verdict(True, checked, prev)
