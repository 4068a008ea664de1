"""The whole path on real parts: intake -> memory queue -> process pool -> store -> ledger -> outbound."""

from __future__ import annotations

import asyncio
import hashlib

from support import origin

from bot.models import Role


async def test_command_becomes_artifact_with_credits_and_files(jam_and_outbound):
    jam, out = jam_and_outbound
    reply = await jam.submit_text('/echo prompt:"neon koi" seed:7', origin("ann", "e1"))
    assert reply.ok and reply.job_id and reply.text.startswith(("queued · position", "working"))
    [delivery] = await out.wait_for(1)
    assert delivery.ok and delivery.artifact is not None
    art = delivery.artifact
    assert art.generator == "test.echo" and art.seed == 7 and art.spec["prompt"] == "neon koi"
    assert [(c.name, c.role) for c in art.contributors] == [("ann", Role.PROMPTED)]
    body = out.deliveries[0][1]["echo.txt"]
    assert body == b"neon koi|7|ann \xc2\xb7 prompted"
    assert art.files[0].sha256 == hashlib.sha256(body).hexdigest()
    assert jam.store.get(art.files[0].sha256) == body
    recorded = await jam.ledger.artifact(art.id)
    assert recorded == art
    assert delivery.label and "AI-generated" in delivery.label
    assert [b.label for b in delivery.buttons] == ["Vary"] and delivery.buttons[0].args["to"] == art.id
    assert ("running" in {state for _, state, _ in out.progress_notes})
    assert (await jam.ledger.verify()).ok


async def test_same_event_twice_makes_one_job_and_one_post(jam_and_outbound):
    jam, out = jam_and_outbound
    first = await jam.submit_text("/echo hello", origin("ann", "same-event"))
    second = await jam.submit_text("/echo hello", origin("ann", "same-event"))
    assert second.duplicate and second.job_id == first.job_id
    await out.wait_for(1)
    await asyncio.sleep(0.3)
    assert len(out.deliveries) == 1
    assert len(await jam.ledger.artifacts()) == 1


async def test_building_on_a_result_credits_both_members(jam_and_outbound):
    jam, out = jam_and_outbound
    await jam.submit_text("/echo melody idea", origin("ann", "e1"))
    [first] = await out.wait_for(1)
    reply = await jam.submit_text("/vary", origin("bob", "e2"))
    assert reply.ok, reply.text
    second = (await out.wait_for(2))[1]
    assert second.artifact.parents == [first.artifact.id]
    roles = [(c.name, c.role, c.action) for c in second.artifact.contributors]
    assert roles == [("ann", Role.PROMPTED, ""), ("bob", Role.BUILT_ON, "vary")]
    assert second.notify == ["test:w1:ann"]
    assert "ann (prompt)" in second.credits_line and "bob (vary)" in second.credits_line


async def test_vary_with_nothing_in_the_thread_is_a_clear_refusal(jam_and_outbound):
    jam, _ = jam_and_outbound
    reply = await jam.submit_text("/vary", origin("bob", "e9", thread="empty"))
    assert not reply.ok and "nothing here to build on" in reply.text


async def test_generator_exception_tells_member_and_next_job_runs(jam_and_outbound):
    jam, out = jam_and_outbound
    await jam.submit_text("/boom x", origin("ann", "e1"))
    await jam.submit_text("/refuse x", origin("ann", "e2"))
    await jam.submit_text("/echo after", origin("ann", "e3"))
    deliveries = await out.wait_for(3)
    errors = {d.error for d in deliveries if d.error}
    assert "test.boom failed: RuntimeError: kaboom" in errors
    assert "that file is not a MIDI file" in errors
    assert any(d.ok and d.artifact.spec["prompt"] == "after" for d in deliveries)
    assert all("\n" not in (d.error or "") for d in deliveries)


async def test_hanging_generator_is_killed_and_pool_keeps_serving(tmp_path):
    from support import make_jam

    jam, out = make_jam(tmp_path, job_timeout=1.0, concurrency=1)
    await jam.start()
    try:
        await jam.submit_text("/hang forever", origin("ann", "e1"))
        await jam.submit_text("/echo next", origin("bob", "e2"))
        deliveries = await out.wait_for(2, timeout=30)
        hang, nxt = deliveries
        assert hang.error and "longer than 1 s" in hang.error
        assert nxt.ok and nxt.artifact.spec["prompt"] == "next"
        assert jam.pool.killed == 1
        assert all(slot.process.is_alive() for slot in jam.pool._slots)
    finally:
        await jam.stop()


async def test_output_over_the_cap_is_refused(jam_and_outbound):
    jam, out = jam_and_outbound
    await jam.submit_text("/huge x", origin("ann", "e1"))
    [d] = await out.wait_for(1)
    assert d.error and "too large (100 MB; limit 25 MB)" in d.error
    assert await jam.ledger.artifacts() == []


async def test_transient_delivery_error_is_retried_and_posted_once(jam_and_outbound):
    jam, out = jam_and_outbound
    out.fail_next = 1
    await jam.submit_text("/echo retry me", origin("ann", "e1"))
    [d] = await out.wait_for(1)
    await asyncio.sleep(0.3)
    assert d.ok and len(out.deliveries) == 1
    assert len(await jam.ledger.artifacts()) == 1
    assert (await jam.queue.stats())["retried"] == 1


async def test_moderator_only_and_unknown_artifact(jam_and_outbound):
    jam, _ = jam_and_outbound
    reply = await jam.submit_text("/vary to:a0000000000", origin("ann", "e1"))
    assert not reply.ok and "no artifact a0000000000 here" in reply.text


async def test_credits_in_thread(jam_and_outbound):
    jam, out = jam_and_outbound
    await jam.submit_text("/echo one", origin("ann", "e1"))
    await out.wait_for(1)
    await jam.submit_text("/vary", origin("bob", "e2"))
    await out.wait_for(2)
    reply = await jam.submit_text("/credits", origin("cy", "e3"))
    assert "ann: prompted" in reply.text and "bob: vary" in reply.text
    csv_reply = await jam.submit_text("/credits format:csv", origin("cy", "e4"))
    assert csv_reply.attachments[0].name == "credits.csv"
    assert csv_reply.attachments[0].data.decode().count("\n") == 4  # header + 1 + 2 rows


async def test_cancel_updates_the_cancelled_jobs_own_message(tmp_path):
    from support import make_jam

    jam, out = make_jam(tmp_path, concurrency=1, member_in_flight=1)
    await jam.start()
    try:
        await jam.submit_text("/hang a", origin("ann", "h1"))
        waiting = await jam.submit_text("/echo later", origin("ann", "h2", thread="t-wait"))
        reply = await jam.submit_text("/cancel", origin("ann", "c1", thread="t-other"))
        assert reply.ok and waiting.job_id in reply.text
        notes = [note for note in out.progress_threads if note[1] == "cancelled"]
        assert notes == [(waiting.job_id, "cancelled", "t-wait")]
    finally:
        await jam.stop()


async def test_a_delivery_retry_posts_the_stored_files_without_running_the_generator_again(tmp_path):
    from support import make_jam

    jam, out = make_jam(tmp_path, retry_backoff=0.01)
    runs: list[str] = []
    real = jam.pool.run

    async def counted(generator, *args, **kwargs):  # a spy: the real pool still runs the generator
        runs.append(generator.name)
        return await real(generator, *args, **kwargs)

    jam.pool.run = counted
    await jam.start()
    try:
        out.fail_next = 3
        await jam.submit_text("/echo retry me", origin("ann", "e1"))
        [d] = await out.wait_for(1)
        assert d.ok and runs == ["test.echo"]
        assert out.deliveries[0][1]["echo.txt"].startswith(b"retry me|")
        assert (await jam.queue.stats())["retried"] == 3
    finally:
        await jam.stop()


async def test_a_shutdown_hands_a_running_job_back_to_the_queue(tmp_path):
    from support import make_jam

    jam, out = make_jam(tmp_path, concurrency=1)
    await jam.start()
    try:
        reply = await jam.submit_text("/hang forever", origin("ann", "h1"))
        async with asyncio.timeout(30):
            while await jam.queue.position(reply.job_id) != 0:  # noqa: ASYNC110 - the queue has no "started" event
                await asyncio.sleep(0.02)
        await jam.worker.stop(grace=0.1)
        assert await jam.queue.position(reply.job_id) == 1  # waiting again, for the next start
        assert out.deliveries == []
    finally:
        await jam.stop()


async def test_warm_start_imports_the_generators_in_a_thread(tmp_path, monkeypatch):
    import threading

    from support import make_jam

    from generators import registry

    threads: list[str] = []
    real = registry.generators

    def recorded():  # a spy: records where the import ran, then imports for real
        threads.append(threading.current_thread().name)
        return real()

    monkeypatch.setattr(registry, "generators", recorded)
    jam, _ = make_jam(tmp_path)
    await jam.start(workers=False, warm=True)
    try:
        table = await jam.loaded_generators()
        assert "test.echo" in table and len(table) > len(threads) == 1
        assert threads[0] != threading.main_thread().name
        reply = await jam.submit_text("/echo after warm", origin("ann", "w1"))
        assert reply.ok and threads == [threads[0]]  # the command used the warm table, importing nothing
    finally:
        await jam.stop()


async def test_the_door_lists_recent_results_and_rebuilds_history_as_deliveries(jam_and_outbound):
    jam, out = jam_and_outbound
    await jam.submit_text("/echo one", origin("ann", "d1"))
    await out.wait_for(1)
    await jam.submit_text("/vary", origin("bob", "d2"))
    await out.wait_for(2)
    first, second = [d.artifact for d in await out.wait_for(2)]
    recent = await jam.door.recent(origin().thread_key)
    assert [a.id for a in recent] == [second.id, first.id]
    assert [a.id for a in await jam.door.recent(origin().thread_key, kinds=("nothing",))] == []
    history = await jam.door.history(origin())
    assert [d.artifact.id for d in history] == [first.id, second.id]
    assert history[1].credits_line == out.deliveries[1][0].credits_line
    assert [b.custom_id for b in history[0].buttons] == [b.custom_id for b in out.deliveries[0][0].buttons]
    upload = await jam.door.save_upload("a.mid", "audio/midi", b"MThd")
    assert jam.store.get(upload.sha256) == b"MThd"
