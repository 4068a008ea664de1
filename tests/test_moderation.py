"""Moderators' settings (blocked words, channels, limits), declarations and removal."""

from __future__ import annotations

import asyncio

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from support import make_jam, origin

from bot.policy import contains_blocked, fold


def _in(channel: str, member: str, event: str, *, moderator: bool = False):
    o = origin(member, event, moderator=moderator)
    return o.__class__(**{**o.to_dict(), "channel": channel})


def test_fold_and_whole_word_matching():
    assert fold("Crème BRÛLÉE") == "creme brulee"
    assert contains_blocked("I love CREME brûlée!", ["crème brûlée"])
    assert not contains_blocked("a classic class", ["ass"])
    assert contains_blocked("ÄSS", ["ass"])
    assert not contains_blocked("anything", ["", " , "])


_ACCENTS = "\u0301\u0300\u0308\u0302"


@settings(deadline=None, max_examples=60)
@given(st.text("abcdefghijklmnopqrstuvwxyz", min_size=2, max_size=8), st.lists(st.booleans(), min_size=8, max_size=8),
       st.sampled_from(["", "a ", "neon, "]), st.sampled_from(["", " at night", "!"]))
def test_blocked_word_survives_case_and_accents(word, flips, before, after):
    disguised = "".join((ch.upper() if flip else ch) + (_ACCENTS[i % 4] if flip else "")
                        for i, (ch, flip) in enumerate(zip(word, flips, strict=False)))
    assert contains_blocked(before + disguised + after, [word])
    assert not contains_blocked(before + "x" + word + after, [word])


async def test_blocked_words_refuse_without_echoing(jam_and_outbound):
    jam, out = jam_and_outbound
    refused = await jam.submit_text('/settings block:"Crème Brûlée, koi"', origin("ann", "m1"))
    assert not refused.ok and "for moderators" in refused.text
    mod = origin("mod", "m2", moderator=True)
    assert (await jam.submit_text('/settings block:"Crème Brûlée, koi"', mod)).ok
    reply = await jam.submit_text("/echo neon KOÏ at night", origin("ann", "m3"))
    assert not reply.ok and "blocked" in reply.text
    assert "ko" not in reply.text.lower().replace("blocked", "")
    reply = await jam.submit_text("/echo creme brulee", origin("ann", "m4"))
    assert not reply.ok and "creme" not in reply.text.lower() and "brulee" not in reply.text.lower()
    ok = await jam.submit_text("/echo koito is a name", origin("ann", "m5"))
    assert ok.ok
    shown = await jam.submit_text("/settings", origin("mod", "m6", moderator=True))
    assert "blocked words: 2" in shown.text and shown.private
    assert (await jam.submit_text("/settings unblock:KOI", origin("mod", "m7", moderator=True))).ok
    assert (await jam.submit_text("/echo koi", origin("ann", "m8"))).ok
    await out.wait_for(2)
    assert [e["key"] for e in await jam.ledger.entries_of("setting")] == ["blocked", "blocked"]


async def test_channels_where_the_bot_answers(jam_and_outbound):
    jam, _ = jam_and_outbound
    assert (await jam.submit_text("/settings channels:here", _in("jams", "mod", "m1", moderator=True))).ok
    assert (await jam.submit_text("/echo hi", _in("jams", "ann", "m2"))).ok
    elsewhere = await jam.submit_text("/echo hi", _in("general", "ann", "m3"))
    assert not elsewhere.ok and "does not answer in this channel" in elsewhere.text
    assert (await jam.submit_text("/settings channels:all", _in("general", "mod", "m4", moderator=True))).ok
    assert (await jam.submit_text("/echo hi", _in("general", "ann", "m5"))).ok


async def test_member_limits_from_settings(tmp_path):
    jam, _ = make_jam(tmp_path)
    await jam.start(workers=False)  # nothing runs, so jobs stay waiting
    try:
        mod = origin("mod", "m0", moderator=True)
        assert (await jam.submit_text("/settings member_jobs:2 rate_limit:3 rate_minutes:10", mod)).ok
        assert (await jam.submit_text("/echo 1", origin("ann", "m1"))).ok
        assert (await jam.submit_text("/echo 2", origin("ann", "m2"))).ok
        third = await jam.submit_text("/echo 3", origin("ann", "m3"))
        assert not third.ok and "2 waiting jobs" in third.text
        assert (await jam.submit_text("/cancel", origin("ann", "m4"))).ok
        assert (await jam.submit_text("/echo 4", origin("ann", "m5"))).ok
        assert (await jam.submit_text("/cancel", origin("ann", "m6"))).ok
        over = await jam.submit_text("/echo 5", origin("ann", "m7"))
        assert not over.ok and "3 jobs in the last 10 minutes" in over.text  # the queue enforces it (issue 17.1)
        assert (await jam.submit_text("/echo mine", origin("bob", "m8"))).ok  # limits are per member
    finally:
        await jam.stop()


class RetractingOutbound:
    """Like the test outbound, and also deletes posted messages."""

    def __init__(self, inner) -> None:
        self.inner = inner
        self.platform = inner.platform
        self.retracted: list[str] = []

    async def progress(self, *args) -> None:
        await self.inner.progress(*args)

    async def deliver(self, delivery, files):
        return await self.inner.deliver(delivery, files)

    async def retract(self, origin, ref: str) -> None:
        self.retracted.append(ref)


async def test_remove_purges_bytes_keeps_a_valid_chain_and_retracts(jam_and_outbound):
    jam, out = jam_and_outbound
    retracting = RetractingOutbound(out)
    jam.outbounds.add(retracting)
    await jam.submit_text("/echo keep me seed:1", origin("ann", "r1"))
    await jam.submit_text("/echo remove me seed:1", origin("ann", "r2"))
    keep, gone = sorted(await out.wait_for(2), key=lambda d: d.artifact.spec["prompt"])
    sha = gone.artifact.files[0].sha256
    assert jam.store.has(sha)

    stranger = await jam.submit_text(f"/remove {gone.artifact.id}", origin("bob", "r3"))
    assert not stranger.ok and "only its author or a moderator" in stranger.text
    reply = await jam.submit_text(f"/remove {gone.artifact.id} reason:mistake", origin("ann", "r4"))
    assert reply.ok and "removed" in reply.text
    assert not jam.store.has(sha) and jam.store.has(keep.artifact.files[0].sha256)
    posted_as = [d.job_id for d, _ in out.deliveries].index(gone.job_id) + 1
    assert retracting.retracted == [f"msg-{posted_as}"]
    [tomb] = await jam.ledger.entries_of("tombstone", gone.artifact.id)
    assert tomb["by"] == "test:w1:ann" and tomb["purged"] == [sha] and tomb["reason"] == "mistake"
    assert (await jam.ledger.verify()).ok

    listing = await jam.submit_text("/credits", origin("cy", "r5"))
    assert f"{gone.artifact.id} note · removed" in listing.text
    again = await jam.submit_text(f"/remove {gone.artifact.id}", origin("mod", "r6", moderator=True))
    assert not again.ok and "already removed" in again.text
    build = await jam.submit_text(f"/vary to:{gone.artifact.id}", origin("bob", "r7"))
    assert not build.ok and "was removed" in build.text
    assert (await jam.submit_text("/vary", origin("bob", "r8"))).ok  # 'latest' skips the removed one
    varied = (await out.wait_for(3))[2]
    assert varied.artifact.parents == [keep.artifact.id]


async def test_moderator_removes_and_shared_bytes_stay(jam_and_outbound):
    jam, out = jam_and_outbound
    await jam.submit_text("/echo same seed:3", origin("ann", "r1", thread="t1"))
    await jam.submit_text("/echo same seed:3", origin("ann", "r2", thread="t2"))
    first, second = await out.wait_for(2)
    assert first.artifact.files[0].sha256 == second.artifact.files[0].sha256
    reply = await jam.submit_text(f"/remove artifact:{first.artifact.id}", origin("mod", "r3", moderator=True))
    assert reply.ok and "by hand" in reply.text  # this outbound cannot delete messages
    assert jam.store.has(second.artifact.files[0].sha256)  # still used by the other artifact
    assert (await jam.ledger.verify()).ok


async def test_removed_parent_fails_a_queued_job_clearly(tmp_path):
    jam, out = make_jam(tmp_path)
    await jam.start()
    try:
        await jam.submit_text("/echo base", origin("ann", "r1"))
        [base] = await out.wait_for(1)
        await jam.worker.stop()
        jam._workers_running = False
        await jam.pool.close()
        assert (await jam.submit_text("/vary", origin("bob", "r2"))).ok
        assert (await jam.submit_text(f"/remove {base.artifact.id}", origin("ann", "r3"))).ok
        await jam.start_workers()
        failed = (await out.wait_for(2))[1]
        assert failed.error and "was removed" in failed.error
    finally:
        await jam.stop()


@pytest.mark.parametrize("made, shown", [("human", "human-made"), ("ai-assisted", "AI-assisted")])
async def test_declare_an_upload(jam_and_outbound, made, shown):
    jam, _ = jam_and_outbound
    upload = jam.save_upload("drawing.png", "image/png", b"\x89PNG fake")
    reply = await jam.submit_text(f"/declare file:drawing.png made:{made}", origin("ann", "d1"),
                                  uploads={"file": upload})
    assert reply.ok and shown in reply.text
    missing = await jam.submit_text(f"/declare made:{made}", origin("ann", "d2"))
    assert not missing.ok and "attach the file" in missing.text
    [entry] = await jam.ledger.entries_of("declaration", upload.sha256)
    assert entry["made"] == made and entry["member"] == "test:w1:ann"
    await asyncio.sleep(0)
