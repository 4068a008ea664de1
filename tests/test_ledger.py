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
    verdict = await ledger.verify(head)  # a bare hash can't tell a cut tail from a rewrite
    assert not verdict.ok and "is not in the chain: entries after it were rewritten or removed" in verdict.problem
    verdict = await ledger.verify(f"5:{head}")
    assert not verdict.ok and verdict.problem == "entries after #4 were removed (the head named entry #5)"


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


# -- issue 12.9 / 17.15: a rewritten chain names its first broken entry; a malformed head is a typo -----


async def test_a_chain_rewritten_from_entry_4_names_the_entry_the_head_kept(tmp_path):
    led = await Ledger(f"sqlite+aiosqlite:///{tmp_path}/ledger.sqlite3").open()
    try:
        for i in range(10):
            await led.append("note", f"s{i}", "t", {"i": i})
        seq, digest = await led.head()
        with _db(tmp_path) as db:  # rewrite #4..#10 and re-hash them so the chain is consistent again
            db.execute("DELETE FROM entries WHERE seq >= 4")
        for i in range(3, 10):
            await led.append("note", f"s{i}", "t", {"i": i, "forged": True})
        assert (await led.verify()).ok  # consistent on its own
        verdict = await led.verify(f"{seq}:{digest}")
        assert not verdict.ok and verdict.first_bad_seq == 10
        assert "removed" not in verdict.problem
        assert verdict.problem == ("entry #10 is not the entry the head named: the chain was rewritten at or "
                                   "before entry #10")
    finally:
        await led.close()


@pytest.mark.parametrize("bad", ["deadbeef", "x" * 64, "4:" + "g" * 64, "four:" + "a" * 64, ""])
async def test_a_malformed_head_is_called_malformed_not_tampering(ledger, bad):
    from bot.ledger.chain import MalformedHead

    with pytest.raises(MalformedHead, match="is malformed: expected the 64 hex characters"):
        await ledger.verify(bad)


async def test_a_forged_credits_row_fails_verify_and_export_ignores_it(jam_and_outbound, tmp_path):
    from bot.consent import member_record

    jam, out = jam_and_outbound
    await jam.submit_text("/echo anns work", origin("ann", "e1"))
    [d] = await out.wait_for(1)
    assert (await jam.ledger.verify()).ok
    ann = d.artifact.contributors[-1]
    mallory = "test:w1:mallory"
    async with jam.ledger.engine.begin() as conn:  # what someone with the database file could do
        from sqlalchemy import insert, select

        from bot.ledger.schema import contributions, entries

        seq = (await conn.execute(select(entries.c.seq).where(entries.c.subject == d.artifact.id))).scalar_one()
        await conn.execute(insert(contributions).values(seq=seq, artifact_id=d.artifact.id, thread=d.artifact.thread,
                                                        member=mallory, name="mallory", role=ann.role.value, action=""))
    verdict = await jam.ledger.verify()
    assert not verdict.ok and verdict.first_bad_seq == seq
    assert "mallory" in verdict.problem and "not in the chain" in verdict.problem
    record = await member_record(jam.ledger, mallory)
    assert record["artifacts"] == []
    assert [a["id"] for a in (await member_record(jam.ledger, ann.member))["artifacts"]] == [d.artifact.id]


async def test_a_deleted_credits_row_fails_verify(jam_and_outbound):
    from sqlalchemy import delete

    from bot.ledger.schema import contributions

    jam, out = jam_and_outbound
    await jam.submit_text("/echo anns work", origin("ann", "e1"))
    await out.wait_for(1)
    async with jam.ledger.engine.begin() as conn:
        await conn.execute(delete(contributions))
    verdict = await jam.ledger.verify()
    assert not verdict.ok and "incomplete" in verdict.problem
