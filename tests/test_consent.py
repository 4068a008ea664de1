"""Consent to build on someone's work: allow, deny, and ask (a request that waits in the database)."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import update
from support import make_jam, origin

from bot.consent import requests_table


async def _ann_makes(jam, out, remix: str | None = None):
    if remix:
        assert (await jam.submit_text(f"/consent remix:{remix}", origin("ann", "c0"))).ok
    await jam.submit_text("/echo ann's tune", origin("ann", "c1"))
    [d] = await out.wait_for(1)
    return d.artifact


async def test_default_allow_and_deny_refuses_clearly(jam_and_outbound):
    jam, out = jam_and_outbound
    art = await _ann_makes(jam, out, "deny")
    reply = await jam.submit_text("/vary", origin("bob", "c2"))
    assert not reply.ok and reply.job_id is None
    assert f"ann does not allow remixes of their work, so {art.id} can't be built on" in reply.text
    by_button = await jam.submit_options("vary", {"to": art.id}, origin("bob", "c3"))
    assert not by_button.ok and "does not allow remixes" in by_button.text
    own = await jam.submit_text("/vary", origin("ann", "c4"))  # the owner may always build on their own work
    assert own.ok and own.job_id
    view = await jam.submit_text("/consent", origin("ann", "c5"))
    assert "remixes of your work: deny" in view.text


async def test_ask_waits_outside_the_queue_until_the_owner_approves(jam_and_outbound):
    jam, out = jam_and_outbound
    art = await _ann_makes(jam, out, "ask")
    reply = await jam.submit_text("/vary", origin("bob", "c2"))
    assert reply.ok and reply.job_id is None and "waiting for ann to approve" in reply.text
    assert await jam.queue.waiting_of("test:w1:bob") == []
    [pending] = await jam.consent.waiting()
    assert pending.parents == [art.id] and pending.state == "waiting"
    ask = (await out.wait_for(2))[1]
    assert ask.origin.member_id == "ann" and ask.notify == ["test:w1:ann"] and ask.ok
    assert ask.direct  # to the owner privately: a DM on Discord and Slack, a notice in the studio
    assert [b.text() for b in ask.buttons] == [f"/approve to:{pending.id}", f"/decline to:{pending.id}"]
    assert ask.buttons[0].custom_id == f"jam:approve:{pending.id}:"

    again = await jam.submit_text("/vary", origin("bob", "c2"))  # the same event: one request
    assert again.duplicate and len(await jam.consent.waiting()) == 1
    stranger = await jam.submit_options("approve", {"to": pending.id}, origin("cy", "c6"))
    assert not stranger.ok and "not yours" in stranger.text

    approved = await jam.submit_options("approve", {"to": pending.id}, origin("ann", "c7"))
    assert approved.ok and approved.job_id and "bob's /vary is" in approved.text
    result = (await out.wait_for(3))[2]
    assert result.ok and result.artifact.parents == [art.id] and result.origin.member_id == "bob"
    told = [text for job, state, text in out.progress_notes if job == approved.job_id and state == "queued"]
    assert told and told[0].startswith("ann approved · ")  # the requester's waiting line shows the decision
    assert (await jam.consent.get(pending.id)).state == "approved"
    twice = await jam.submit_text(f"/consent approve:{pending.id}", origin("ann", "c8"))
    assert not twice.ok and "already approved" in twice.text


async def test_decline_tells_the_asker_and_nothing_runs(jam_and_outbound):
    jam, out = jam_and_outbound
    await _ann_makes(jam, out, "ask")
    await jam.submit_text("/vary", origin("bob", "c2"))
    [pending] = await jam.consent.waiting()
    await out.wait_for(2)
    declined = await jam.submit_text(f"/decline {pending.id}", origin("ann", "c3"))
    assert declined.ok and "declined" in declined.text
    notice = (await out.wait_for(3))[2]
    assert notice.origin.member_id == "bob" and notice.error and "ann declined" in notice.error
    await asyncio.sleep(0.2)
    assert len(out.deliveries) == 3 and len(await jam.ledger.artifacts()) == 1


async def test_requests_expire(tmp_path):
    jam, out = make_jam(tmp_path)
    await jam.start(workers=False)
    try:
        assert (await jam.submit_text("/settings consent_hours:2", origin("mod", "c0", moderator=True))).ok
        await jam.submit_text("/consent remix:ask", origin("ann", "c1"))
        await jam.start_workers()
        await jam.submit_text("/echo tune", origin("ann", "c2"))
        await out.wait_for(1)
        reply = await jam.submit_text("/vary", origin("bob", "c3"))
        assert "expires in 2 h" in reply.text
        [pending] = await jam.consent.waiting()
        assert pending.expires - pending.created == pytest.approx(7200)
        async with jam.ledger.engine.begin() as conn:
            await conn.execute(update(requests_table).values(expires=0.0))
        assert await jam.consent.waiting() == []
        late = await jam.submit_text(f"/approve {pending.id}", origin("ann", "c4"))
        assert not late.ok and "already expired" in late.text
    finally:
        await jam.stop()


async def test_carried_contributors_are_asked_too(jam_and_outbound):
    jam, out = jam_and_outbound
    await _ann_makes(jam, out)
    await jam.submit_text("/vary", origin("bob", "c2"))
    await out.wait_for(2)
    await jam.submit_text("/consent deny", origin("ann", "c3"))
    reply = await jam.submit_text("/vary", origin("cy", "c4"))  # builds on bob's, which carries ann's
    assert not reply.ok and "ann does not allow remixes" in reply.text


async def test_member_record_for_a_data_request(jam_and_outbound):
    from bot.consent import member_record

    jam, out = jam_and_outbound
    await _ann_makes(jam, out, "ask")
    await jam.submit_text("/optout", origin("ann", "c9"))
    record = await member_record(jam.ledger, "test:w1:ann")
    assert [e["kind"] for e in record["entries"]] == ["consent", "optout"]
    assert len(record["artifacts"]) == 1 and record["pseudonym"].startswith("member-")
    assert (await member_record(jam.ledger, "test:w1:nobody"))["entries"] == []
