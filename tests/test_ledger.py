"""The hash chain catches edits, deleted middle rows and (with a head hash) a deleted tail."""

from __future__ import annotations

import sqlite3

import pytest
from support import origin

from bot.ledger import Ledger


@pytest.fixture
async def ledger(tmp_path):
    led = await Ledger(f"sqlite+aiosqlite:///{tmp_path}/ledger.sqlite3").open()
    for i in range(5):
        await led.append("note", f"s{i}", "t", {"i": i, "text": f"entry {i}"})
    yield led
    await led.close()


def _db(tmp_path):
    return sqlite3.connect(tmp_path / "ledger.sqlite3")


async def test_intact_chain_verifies(ledger):
    verdict = await ledger.verify()
    assert verdict.ok and verdict.checked == 5
    assert verdict.head == (await ledger.head())[1]


async def test_edited_row_is_named(ledger, tmp_path):
    with _db(tmp_path) as db:
        db.execute("""UPDATE entries SET payload='{"i":2,"text":"forged"}' WHERE seq=3""")
    verdict = await ledger.verify()
    assert not verdict.ok and verdict.first_bad_seq == 3
    assert verdict.problem == "entry #3 was changed after it was written"


async def test_deleted_middle_row_is_named(ledger, tmp_path):
    with _db(tmp_path) as db:
        db.execute("DELETE FROM entries WHERE seq=2")
    verdict = await ledger.verify()
    assert not verdict.ok and verdict.first_bad_seq == 2 and "missing" in verdict.problem


async def test_deleted_tail_needs_the_head(ledger, tmp_path):
    _, head = await ledger.head()
    with _db(tmp_path) as db:
        db.execute("DELETE FROM entries WHERE seq=5")
    assert (await ledger.verify()).ok  # without the head, a cut tail looks fine
    verdict = await ledger.verify(head)
    assert not verdict.ok and "entries after #4 were removed" in verdict.problem


async def test_rehashed_forgery_breaks_the_next_link(ledger, tmp_path):
    from bot.ledger.chain import entry_hash

    with _db(tmp_path) as db:
        row = db.execute("SELECT seq, kind, subject, thread, prev_hash FROM entries WHERE seq=2").fetchone()
        payload = '{"i":1,"text":"forged"}'
        forged = entry_hash(row[0], row[1], row[2], row[3], payload, row[4])
        db.execute("UPDATE entries SET payload=?, hash=? WHERE seq=2", (payload, forged))
    verdict = await ledger.verify()
    assert not verdict.ok and verdict.first_bad_seq == 3


async def test_recording_an_artifact_twice_appends_once(jam_and_outbound):
    jam, out = jam_and_outbound
    await jam.submit_text("/echo once", origin("ann", "e1"))
    [d] = await out.wait_for(1)
    before = await jam.ledger.count()
    await jam.ledger.record_artifact(d.artifact)
    assert await jam.ledger.count() == before
