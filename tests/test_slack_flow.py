"""Slash commands end to end on loopback: signed HTTP in, the fake Web API out."""

from __future__ import annotations

import asyncio
import hashlib

from fake_slack import slack_stack


def _texts(calls):
    return [c.args.get("text", "") for c in calls]


async def test_slash_command_posts_header_thread_file_and_blocks(tmp_path):
    async with slack_stack(tmp_path) as s:
        resp = await s.send.command("/echo", 'prompt:"neon koi" seed:7', trigger="tr-1",
                                    response_url=s.fake.response_url())
        assert resp.status == 200
        result = (await s.fake.wait_for("chat.postMessage", 2))[1]
        header = s.fake.of("chat.postMessage")[0]
        assert header.args["channel"] == "C0JAM" and not header.args.get("thread_ts")
        assert "<@UANN>" in header.args["text"] and '/echo prompt:"neon koi" seed:7' in header.args["text"]
        assert "queued" in header.args["text"]
        updates = await s.fake.wait_for("chat.update", text=lambda t: t and "done ✓" in t)
        header_ts = updates[0].args["ts"]
        assert any("working…" in t for t in _texts(s.fake.of("chat.update")))
        # the file went up with files_upload_v2 into the header's thread
        [complete] = s.fake.of("files.completeUploadExternal")
        assert complete.args["channel_id"] == "C0JAM" and complete.args["thread_ts"] == header_ts
        [data] = s.fake.uploads.values()
        assert data == b"neon koi|7|ann \xc2\xb7 prompted"
        # then a message in the thread with label, credits and the follow-up button
        assert result.args["thread_ts"] == header_ts
        [artifact] = await s.jam.ledger.artifacts()
        assert artifact.files[0].sha256 == hashlib.sha256(data).hexdigest()
        assert artifact.thread == f"slack:T0JAM:C0JAM:{header_ts}"
        context = [e["text"] for b in result.args["blocks"] if b["type"] == "context" for e in b["elements"]]
        assert any("AI-generated" in c for c in context) and "by ann (prompt)" in context
        [actions] = [b for b in result.args["blocks"] if b["type"] == "actions"]
        [button] = actions["elements"]
        assert button["text"]["text"] == "Vary" and button["value"] == f"/vary to:{artifact.id}"
        assert all(c.token == "xoxb-test-0000-secret-token" for c in s.fake.calls)


async def test_parse_error_is_ephemeral_in_the_ack(tmp_path):
    async with slack_stack(tmp_path) as s:
        resp = await s.send.command("/echo", "seed:notanumber words", trigger="tr-bad")
        body = await resp.json()
        assert resp.status == 200 and body["response_type"] == "ephemeral"
        assert "seed must be a whole number" in body["text"]
        await asyncio.sleep(0.2)
        assert s.fake.of("chat.postMessage") == []


async def test_unknown_artifact_is_refused_privately_before_anything_public(tmp_path):
    async with slack_stack(tmp_path) as s:
        await s.send.command("/vary", "to:a00000000000", trigger="tr-v", response_url=s.fake.response_url())
        [answer] = await s.fake.wait_responses(1)
        assert answer["response_type"] == "ephemeral" and "no artifact a00000000000 here" in answer["text"]
        assert s.fake.of("chat.postMessage") == []


async def test_slack_retry_of_an_accepted_command_enqueues_once(tmp_path):
    async with slack_stack(tmp_path) as s:
        url = s.fake.response_url()
        await s.send.command("/echo", "once", trigger="tr-same", response_url=url)
        await s.send.command("/echo", "once", trigger="tr-same", response_url=url,
                             headers={"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"})
        await s.fake.wait_for("chat.update", text=lambda t: t and "done ✓" in t)
        await asyncio.sleep(0.3)
        assert len(await s.jam.ledger.artifacts()) == 1
        headers = [c for c in s.fake.of("chat.postMessage") if not c.args.get("thread_ts")]
        assert len(headers) - len(s.fake.of("chat.delete")) == 1
        assert len(s.fake.of("files.completeUploadExternal")) == 1


async def test_mention_retry_enqueues_once_and_answers_in_thread(tmp_path):
    async with slack_stack(tmp_path) as s:
        event = {"type": "app_mention", "user": "UBOB", "text": "<@UJAMBOT> echo from a mention",
                 "ts": "1699999999.000100", "channel": "C0JAM", "event_ts": "1699999999.000100"}
        first = await s.send.event(event, event_id="Ev01")
        again = await s.send.event(event, event_id="Ev01", headers={"X-Slack-Retry-Num": "1"})
        assert first.status == again.status == 200
        await s.fake.wait_for("chat.update", text=lambda t: t and "done ✓" in t)
        await asyncio.sleep(0.3)
        [artifact] = await s.jam.ledger.artifacts()
        assert artifact.thread == "slack:T0JAM:C0JAM:1699999999.000100"
        assert artifact.contributors[0].name == "bob"  # users.info display name
        assert all(c.args.get("thread_ts") == "1699999999.000100" for c in s.fake.of("chat.postMessage"))
        [complete] = s.fake.of("files.completeUploadExternal")
        assert complete.args["thread_ts"] == "1699999999.000100"


async def test_button_click_runs_as_the_clicker_and_credits_them(tmp_path):
    async with slack_stack(tmp_path) as s:
        await s.send.command("/echo", "melody idea", trigger="tr-a", response_url=s.fake.response_url())
        result = (await s.fake.wait_for("chat.postMessage", 2))[1]
        button = next(b for b in result.args["blocks"] if b["type"] == "actions")["elements"][0]
        thread = result.args["thread_ts"]
        resp = await s.send.click(button["value"], user_id="UBOB", user_name="bob", channel="C0JAM",
                                  message_ts="1800000000.000001", thread_ts=thread, trigger="tr-click")
        assert resp.status == 200
        second = (await s.fake.wait_for("chat.postMessage", 2, blocks=lambda b: bool(b)))[1]
        assert second.args["thread_ts"] == thread
        context = [e["text"] for b in second.args["blocks"] if b["type"] == "context" for e in b["elements"]]
        assert "by ann (prompt) · bob (vary)" in context and "builds on work by <@UANN>" in context
        first, varied = sorted(await s.jam.ledger.artifacts(), key=lambda a: a.created)
        assert varied.parents == [first.id]
        assert [(c.member, c.role.value, c.action) for c in varied.contributors] == [
            ("slack:T0JAM:UANN", "prompted", ""), ("slack:T0JAM:UBOB", "built-on", "vary")]
        bob_header = [c for c in s.fake.of("chat.postMessage") if "<@UBOB>" in c.args.get("text", "")]
        assert bob_header and bob_header[0].args["thread_ts"] == thread


async def test_rate_limited_result_is_waited_out_not_dropped(tmp_path):
    async with slack_stack(tmp_path) as s:
        await s.send.command("/echo", "patience", trigger="tr-rl", response_url=s.fake.response_url())
        await s.fake.wait_for("chat.postMessage", 1)  # the header
        s.fake.rate_limit["chat.postMessage"] = 1
        result = (await s.fake.wait_for("chat.postMessage", 2))[1]
        assert result.args["blocks"] and s.fake.of("chat.postMessage#429")
        assert len(s.fake.of("files.completeUploadExternal")) == 1


async def test_server_error_on_delivery_is_retried_and_posted_once(tmp_path):
    async with slack_stack(tmp_path, retry_backoff=0.1) as s:
        s.fake.fail["chat.postMessage"] = 0
        await s.send.command("/echo", "again", trigger="tr-500", response_url=s.fake.response_url())
        await s.fake.wait_for("chat.postMessage", 1)
        s.fake.fail["chat.postMessage"] = 1
        await s.fake.wait_for("chat.update", text=lambda t: t and "done ✓" in t)
        await asyncio.sleep(0.3)
        results = [c for c in s.fake.of("chat.postMessage") if c.args.get("blocks")]
        assert len(results) == 1 and s.fake.of("chat.postMessage#500")
        assert len(s.fake.of("files.completeUploadExternal")) == 1


async def test_failed_job_is_told_in_the_thread_and_the_header_says_failed(tmp_path):
    async with slack_stack(tmp_path) as s:
        await s.send.command("/boom", "x", trigger="tr-boom", response_url=s.fake.response_url())
        [update] = await s.fake.wait_for("chat.update", text=lambda t: t and t.endswith("· failed"))
        told = [c for c in s.fake.of("chat.postMessage") if c.args.get("thread_ts") == update.args["ts"]]
        assert len(told) == 1 and told[0].args["text"].startswith("⚠️ <@UANN> test.boom failed")
        assert s.fake.of("files.getUploadURLExternal") == []


async def test_cancel_edits_the_waiting_jobs_header(tmp_path):
    async with slack_stack(tmp_path, concurrency=1, job_timeout=5.0) as s:
        await s.send.command("/hang", "busy", user_id="UBOB", user_name="bob", trigger="tr-hang",
                             response_url=s.fake.response_url())
        await s.fake.wait_for("chat.update", text=lambda t: t and "working…" in t)
        await s.send.command("/echo", "wait for me", trigger="tr-wait", response_url=s.fake.response_url())
        [queued] = await s.fake.wait_for("chat.update", text=lambda t: t and "wait for me · queued · position 1" in t)
        await s.send.command("/cancel", "", trigger="tr-cancel", response_url=s.fake.response_url())
        [answer] = await s.fake.wait_responses(1)
        assert answer["text"].startswith("cancelled j")
        await s.fake.wait_for("chat.update", ts=queued.args["ts"], text=lambda t: t and t.endswith("· cancelled"))


async def test_a_consent_request_reaches_the_owner_by_dm_and_approving_runs_it(tmp_path):
    async with slack_stack(tmp_path) as s:
        await s.send.command("/consent", "remix:ask", trigger="tr-c", response_url=s.fake.response_url())
        await s.fake.wait_responses(1)
        await s.send.command("/echo", "a tune to share", trigger="tr-1")
        await s.fake.wait_for("chat.update", text=lambda t: t and "done ✓" in t)
        [art] = await s.jam.ledger.artifacts()
        header = s.fake.of("chat.postMessage")[0].args
        thread = (await s.fake.wait_for("chat.update"))[0].args["ts"]
        await s.send.command("/vary", f"to:{art.id}", user_id="UBOB", user_name="bob", trigger="tr-2")
        [dm] = await s.fake.wait_for("chat.postMessage", channel="UANN")
        values = [e["value"] for b in dm.args["blocks"] if b["type"] == "actions" for e in b["elements"]]
        [pending] = await s.jam.consent.waiting()
        assert values == [f"/approve to:{pending.id}", f"/decline to:{pending.id}"]
        await s.send.click(values[0], user_id="UANN", user_name="ann", channel="DANN", message_ts="9.1",
                           thread_ts="", trigger="tr-3")
        await s.fake.wait_for("chat.update", text=lambda t: t and "ann approved" in t)
        await s.fake.wait_for("chat.update", 2, text=lambda t: t and "done ✓" in t)
        assert header["channel"] == "C0JAM" and thread


async def test_the_first_command_after_a_start_is_acked_while_both_generator_processes_are_busy(tmp_path):
    from support import origin

    async with slack_stack(tmp_path) as s:
        busy = [await s.jam.submit_text(f"/hang busy {i}", origin(f"m{i}", f"busy-{i}")) for i in (1, 2)]
        async with asyncio.timeout(60):
            while [await s.jam.queue.position(r.job_id) for r in busy] != [0, 0]:  # noqa: ASYNC110 - queue state
                await asyncio.sleep(0.05)
        resp = await s.send.command("/echo", "first after start", trigger="tr-first",
                                    response_url=s.fake.response_url())
        assert resp.status == 200  # acknowledged; the generators are all taken
        await s.fake.wait_for("chat.update", text=lambda t: t and "first after start" in t and "position 1" in t)
