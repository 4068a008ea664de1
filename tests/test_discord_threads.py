"""Discord on loopback: jam threads, autocomplete, expired tokens, uploads, size limits, progress."""

from __future__ import annotations

import hashlib
import io

from fake_discord import CHANNEL_ID, discord_env
from PIL import Image


async def _first(env, prompt="neon koi"):
    payload = env.fake.slash("echo", {"prompt": prompt}, member=("1001", "ann"))
    await env.fake.dispatch(payload)
    await env.followup(payload["token"])
    [thread] = await env.fake.wait_for(lambda c: c.path.endswith("/threads"))
    await env.fake.wait_for(lambda c: c.method == "PATCH" and "jam thread" in (c.json or {}).get("content", ""))
    [art] = await env.jam.ledger.artifacts()
    return art, thread.path.split("/")[4]


async def test_commands_inside_the_jam_thread_build_on_its_first_result_and_credits_list_everyone(tmp_path):
    async with discord_env(tmp_path) as env:
        art, thread_id = await _first(env)
        where = env.fake.thread_channel(thread_id)
        credits = env.fake.slash("credits", {}, channel=where, member=("1003", "cy"))
        await env.fake.dispatch(credits)
        cb = await env.callback(credits["id"])
        assert "ann" in cb.json["data"]["content"] and art.id in cb.json["data"]["content"]
        vary = env.fake.slash("vary", {}, channel=where, member=("1002", "bob"))
        await env.fake.dispatch(vary)
        call = await env.followup(vary["token"])
        assert "by ann (prompt) · bob (vary)" in call.json["content"]
        newest = (await env.jam.ledger.artifacts(newest_first=True))[0]
        assert newest.parents == [art.id] and newest.thread == f"discord:800000000000000001:{CHANNEL_ID}:{thread_id}"
        assert len(env.fake.find(lambda c: c.path.endswith("/threads"))) == 1  # no new thread inside a thread
        again = env.fake.slash("credits", {}, channel=where, member=("1003", "cy"))
        await env.fake.dispatch(again)
        cb = await env.callback(again["id"])
        assert "bob: vary" in cb.json["data"]["content"]


async def test_artifact_options_autocomplete_with_the_threads_recent_results(tmp_path):
    async with discord_env(tmp_path) as env:
        art, thread_id = await _first(env, "autumn")
        ask = env.fake.slash("vary", {"to": ""}, channel=env.fake.thread_channel(thread_id), autocomplete="to")
        await env.fake.dispatch(ask)
        cb = await env.callback(ask["id"])
        assert cb.json["type"] == 8
        assert [c["value"] for c in cb.json["data"]["choices"]] == [art.id]
        style = env.fake.slash("sketch", {"style": "wat"}, autocomplete="style")
        await env.fake.dispatch(style)
        cb = await env.callback(style["id"])
        assert cb.json["data"]["choices"] == [{"name": "watercolour", "value": "watercolour"}]


async def test_expired_token_posts_the_result_as_a_bot_message(tmp_path):
    async with discord_env(tmp_path) as env:
        env.fake.fail_webhooks = 1
        payload = env.fake.slash("echo", {"prompt": "late"})
        await env.fake.dispatch(payload)
        [post] = await env.fake.wait_for(lambda c: c.method == "POST" and c.path == f"/channels/{CHANNEL_ID}/messages")
        assert post.files and "late" in post.json["content"]


async def test_queued_position_then_result(tmp_path):
    async with discord_env(tmp_path, concurrency=1, job_timeout=1.0) as env:
        hang = env.fake.slash("hang", {"prompt": "forever"})
        await env.fake.dispatch(hang)
        await env.fake.wait_for(lambda c: c.method == "PATCH" and hang["token"] in c.path
                                and c.json.get("content") == "working…")
        payload = env.fake.slash("echo", {"prompt": "next"})
        await env.fake.dispatch(payload)
        await env.fake.wait_for(lambda c: c.method == "PATCH" and payload["token"] in c.path
                                and c.json.get("content") == "queued · position 1")
        await env.followup(payload["token"])
        [err] = await env.fake.wait_for(lambda c: c.method == "PATCH" and hang["token"] in c.path
                                        and "⚠️" in c.json.get("content", ""))
        assert "longer than 1 s" in err.json["content"]


async def test_uploaded_picture_is_fetched_and_a_large_result_is_downscaled_keeping_provenance(tmp_path):
    async with discord_env(tmp_path, public_url="http://studio.test") as env:
        buf = io.BytesIO()
        # a photo-like gradient, so the restyled result is large whatever size the generator keeps
        Image.merge("RGB", [Image.linear_gradient("L").resize((320, 320)),
                            Image.linear_gradient("L").rotate(90).resize((320, 320)),
                            Image.radial_gradient("L").resize((320, 320))]).save(buf, "PNG")
        url = env.fake.add_cdn("koi.png", buf.getvalue(), "image/png")
        payload = env.fake.slash("restyle", {"style": "mosaic", "seed": 3}, limit=150_000, attachments={
            "file": {"filename": "koi.png", "size": len(buf.getvalue()), "content_type": "image/png", "url": url}})
        await env.fake.dispatch(payload)
        call = await env.followup(payload["token"], timeout=60)
        assert "⚠️" not in call.json.get("content", ""), call.json
        [art] = await env.jam.ledger.artifacts()
        assert art.generator == "image.restyle" and [c.role.value for c in art.contributors] == ["uploaded"]
        name = art.primary.name
        # fitted once, in the core, before it was signed and stored: what Discord got is the stored file
        assert any("downscaled" in note for note in art.facts["fitted"]), art.facts
        assert art.primary.size <= 150_000
        assert name in call.files, (art.primary.size, call.json["content"])
        assert hashlib.sha256(call.files[name]).hexdigest() == art.primary.sha256
        assert "downscaled" in call.json["content"]
        with Image.open(io.BytesIO(call.files[name])) as img:
            xmp = img.info["XML:com.adobe.xmp"]
        assert "digitalsourcetype" in xmp and "ann" in xmp

async def test_moderator_flag_follows_manage_server_or_the_configured_role(tmp_path):
    seen: list[bool] = []

    async def check(parsed, origin):
        seen.append(origin.is_moderator)

    async with discord_env(tmp_path, env={"DISCORD_MODERATOR_ROLE": "42"}) as env:
        env.jam.checks.append(check)
        for i, (mod, roles) in enumerate([(True, []), (False, []), (False, ["42"])]):
            payload = env.fake.slash("help", {}, moderator=mod, iid=str(5000 + i))
            payload["member"]["roles"] = roles
            await env.fake.dispatch(payload)
            await env.callback(payload["id"])
        assert seen == [True, False, True]


async def test_buttons_still_work_after_a_restart(tmp_path):
    async with discord_env(tmp_path) as env:
        _, thread_id = await _first(env)
        [call] = env.followups()
        message = env.fake.message(thread_id, CHANNEL_ID, call.json, call.files)
    async with discord_env(tmp_path) as env:  # a new process: new client, same ledger and files
        custom_id = message["components"][0]["components"][0]["custom_id"]
        click = env.fake.click(custom_id, message, member=("1002", "bob"))
        await env.fake.dispatch(click)
        [post] = await env.fake.wait_for(lambda c: c.method == "POST" and c.path == f"/channels/{thread_id}/messages")
        assert "bob (vary)" in post.json["content"] and post.files


async def test_a_stale_token_goes_straight_to_a_bot_message_in_the_thread(tmp_path):
    import time

    from bot.models import Delivery, Origin

    async with discord_env(tmp_path) as env:
        origin = Origin("discord", "800000000000000001", CHANNEL_ID, "4242", "1001", "ann", "old",
                        reply={"app": "1", "token": "tok-old", "at": time.time() - 16 * 60, "post_to": "4242"})
        ref = await env.gateway.outbound.deliver(Delivery("j1", origin, "failed", error="the generator gave up"), {})
        [post] = env.fake.find(lambda c: c.path == "/channels/4242/messages")
        assert ref and "<@1001> ⚠️ the generator gave up" in post.json["content"]
        assert not env.fake.find(lambda c: "tok-old" in c.path)


async def test_a_consent_request_reaches_the_owner_by_dm_with_buttons_and_approving_runs_it(tmp_path):
    async with discord_env(tmp_path) as env:
        fake = env.fake
        ask_mode = fake.slash("consent", {"remix": "ask"}, member=("1001", "ann"))
        await fake.dispatch(ask_mode)
        await env.callback(ask_mode["id"])
        art, _ = await _first(env)
        vary = fake.slash("vary", {"to": art.id}, member=("1002", "bob"))
        await fake.dispatch(vary)
        [opened] = await fake.wait_for(lambda c: c.path == "/users/@me/channels")
        assert opened.json["recipient_id"] == "1001"
        dm = fake.dms["1001"]
        [ask] = await fake.wait_for(lambda c: c.method == "POST" and c.path == f"/channels/{dm}/messages")
        labels = [b["label"] for row in ask.json["components"] for b in row["components"]]
        assert labels == ["Approve", "Decline"] and ask.json["enforce_nonce"] is True
        waiting = await fake.wait_for(lambda c: c.method == "PATCH" and vary["token"] in c.path
                                      and "waiting for ann" in (c.json or {}).get("content", ""))
        assert waiting
        approve = ask.json["components"][0]["components"][0]["custom_id"]
        message = fake.message(fake.next_id(), dm, ask.json)
        click = fake.click(approve, message, member=("1001", "ann"), guild=False,
                           channel={"id": dm, "type": 1, "recipients": []})
        await fake.dispatch(click)
        cb = await env.callback(click["id"])
        assert "approved" in cb.json["data"]["content"]
        await fake.wait_for(lambda c: c.method == "PATCH" and vary["token"] in c.path
                            and "ann approved" in (c.json or {}).get("content", ""))
        [result] = await fake.wait_for(lambda c: c.method == "POST" and c.path.endswith(vary["token"]))
        assert "bob (vary)" in result.json["content"]
