"""Discord end to end on loopback: the real discord.py client, our adapter, a fake Discord."""

from __future__ import annotations

import asyncio

import pytest
from fake_discord import APP_ID, CHANNEL_ID, discord_env


@pytest.fixture
async def env(tmp_path):
    async with discord_env(tmp_path, public_url="http://studio.test") as e:
        yield e


async def test_slash_command_defers_then_follows_up_with_file_buttons_label_credits(env):
    fake = env.fake
    payload = fake.slash("echo", {"prompt": "neon koi", "seed": 7})
    await fake.dispatch(payload)
    cb = await env.callback(payload["id"])
    assert cb.json["type"] == 5  # deferred, thinking
    call = await env.followup(payload["token"])
    assert not call.replaced_original  # the deferred reply was settled first, so the result is its own message
    assert call.files == {"echo.txt": b"neon koi|7|ann \xc2\xb7 prompted"}
    body = call.json
    assert "AI-generated" in body["content"] and "by ann (prompt)" in body["content"]
    [art] = await env.jam.ledger.artifacts()
    ids = [b["custom_id"] for row in body["components"] for b in row["components"]]
    assert ids == [f"jam:vary:{art.id}:"]
    [thread] = await fake.wait_for(lambda c: c.path.endswith("/threads"))
    assert thread.path.startswith(f"/channels/{CHANNEL_ID}/messages/")
    assert thread.json["name"] == "🎨 neon koi — jam"
    await fake.wait_for(lambda c: c.method == "PATCH" and "jam thread" in (c.json or {}).get("content", ""))
    assert APP_ID


async def _first_result(env, prompt: str = "neon koi"):
    payload = env.fake.slash("echo", {"prompt": prompt})
    await env.fake.dispatch(payload)
    call = await env.followup(payload["token"])
    [thread] = await env.fake.wait_for(lambda c: c.path.endswith("/threads"))
    [art] = await env.jam.ledger.artifacts()
    message = env.fake.message(thread.path.split("/")[4], CHANNEL_ID, call.json, call.files)
    await env.fake.wait_for(lambda c: c.method == "PATCH" and "jam thread" in (c.json or {}).get("content", ""))
    return art, message


async def test_click_by_a_second_member_credits_them_in_the_jam_thread(env):
    art, message = await _first_result(env)
    custom_id = message["components"][0]["components"][0]["custom_id"]
    click = env.fake.click(custom_id, message, member=("1002", "bob"))
    await env.fake.dispatch(click)
    cb = await env.callback(click["id"])
    assert cb.json["type"] == 5
    thread_id = message["id"]
    [post] = await env.fake.wait_for(lambda c: c.method == "POST" and c.path == f"/channels/{thread_id}/messages")
    assert "by ann (prompt) · bob (vary)" in post.json["content"]
    parent_bytes = env.jam.store.get(art.primary.sha256)
    assert post.files == {"vary.txt": parent_bytes[::-1]}  # test.echo-vary reverses its parent's file
    new = await env.jam.ledger.artifacts(newest_first=True)
    assert new[0].parents == [art.id] and new[0].thread.endswith(f":{thread_id}")
    assert [(c.name, c.role.value) for c in new[0].contributors] == [("ann", "prompted"), ("bob", "built-on")]


async def test_click_on_a_removed_artifact_gets_a_clear_private_answer(env):
    button = {"type": 2, "style": 2, "label": "Vary", "custom_id": "jam:vary:a00000000000:"}
    message = env.fake.message("555", CHANNEL_ID, {"components": [{"type": 1, "components": [button]}]})
    click = env.fake.click("jam:vary:a00000000000:", message)
    await env.fake.dispatch(click)
    cb = await env.callback(click["id"])
    assert cb.json["type"] == 4 and cb.json["data"]["flags"] & 64
    assert "a00000000000" in cb.json["data"]["content"] and "removed" in cb.json["data"]["content"]


async def test_repeated_interaction_id_enqueues_once(env):
    payload = env.fake.slash("echo", {"prompt": "twice"})
    await env.fake.dispatch(payload)
    await env.fake.dispatch(payload)
    await env.followup(payload["token"])
    await env.fake.wait_for(lambda c: c.path.startswith(f"/interactions/{payload['id']}/"), count=2)
    await asyncio.sleep(0.3)
    assert len(env.followups(payload["token"])) == 1
    assert len(await env.jam.ledger.artifacts()) == 1


@pytest.mark.parametrize(("options", "expected"), [
    ({"prompt": "x", "seed": -5}, "seed must be 0–2147483647, got -5"),
    ({"prompt": "x", "nope": "1"}, "/echo has no option 'nope'"),
])
async def test_bad_options_are_refused_privately_at_once(env, options, expected):
    payload = env.fake.slash("echo", options)
    await env.fake.dispatch(payload)
    cb = await env.callback(payload["id"])
    assert cb.json["type"] == 4 and cb.json["data"]["flags"] & 64
    assert expected in cb.json["data"]["content"]


async def test_missing_and_oversized_attachments_are_refused_before_download(env):
    missing = env.fake.slash("restyle", {"style": "mosaic"})
    await env.fake.dispatch(missing)
    cb = await env.callback(missing["id"])
    assert "/restyle needs file: attach a file" in cb.json["data"]["content"]
    url = env.fake.add_cdn("big.png", b"x", "image/png")
    big = env.fake.slash("restyle", attachments={"file": {"filename": "big.png", "size": 30 * 1024 * 1024,
                                                           "content_type": "image/png", "url": url}})
    await env.fake.dispatch(big)
    cb = await env.callback(big["id"])
    assert cb.json["data"]["flags"] & 64 and "file is too large: 31.5 MB (limit 10 MB)" in cb.json["data"]["content"]
    wrong = env.fake.slash("restyle", attachments={"file": {"filename": "notes.txt", "size": 10,
                                                             "content_type": "text/plain", "url": url}})
    await env.fake.dispatch(wrong)
    cb = await env.callback(wrong["id"])
    assert "file must be png, jpeg, webp; got text/plain" in cb.json["data"]["content"]
    assert not env.fake.find(lambda c: c.path.startswith("/cdn"))


async def test_direct_messages_are_told_to_use_a_server(env):
    payload = env.fake.slash("echo", {"prompt": "hi"}, guild=False)
    await env.fake.dispatch(payload)
    cb = await env.callback(payload["id"])
    assert cb.json["data"]["flags"] & 64 and "use this in a server" in cb.json["data"]["content"]


async def test_help_is_answered_at_once_privately_and_long_text_comes_as_a_file(env):
    payload = env.fake.slash("help", {})
    await env.fake.dispatch(payload)
    cb = await env.callback(payload["id"])
    assert cb.json["type"] == 4 and cb.json["data"]["flags"] & 64 and len(cb.json["data"]["content"]) <= 2000
    assert "/sketch" in cb.json["data"]["content"] and b"/melody" in cb.files["jamroom.txt"]


async def test_credits_export_is_attached_to_the_answer(env):
    await _first_result(env)
    payload = env.fake.slash("credits", {"format": "csv"})
    await env.fake.dispatch(payload)
    cb = await env.callback(payload["id"])
    assert cb.json["type"] == 4 and not cb.json["data"].get("flags")
    assert b"ann" in cb.files["credits.csv"] and "credits.csv" in cb.json["data"]["content"]


async def test_a_button_that_is_not_ours_is_answered_not_ignored(env):
    button = {"type": 2, "style": 2, "label": "Old", "custom_id": "legacy-vary-1"}
    message = env.fake.message("556", CHANNEL_ID, {"components": [{"type": 1, "components": [button]}]})
    click = env.fake.click("legacy-vary-1", message)
    await env.fake.dispatch(click)
    cb = await env.callback(click["id"])
    assert cb.json["data"]["flags"] & 64 and "no longer works" in cb.json["data"]["content"]


async def test_a_refused_reference_is_answered_privately_never_behind_a_public_defer(env):
    payload = env.fake.slash("vary", {"to": "zzzzzzzzzzzz"})
    await env.fake.dispatch(payload)
    cb = await env.callback(payload["id"])
    assert cb.json["type"] == 4 and cb.json["data"]["flags"] & 64  # private, at once: no public "thinking…"
    assert "no artifact zzzzzzzzzzzz here" in cb.json["data"]["content"]
    assert not env.fake.find(lambda c: c.path.startswith("/webhooks/"))


async def test_a_slow_check_defers_privately_and_its_refusal_stays_private(env):
    gate = asyncio.Event()

    async def slow_policy(parsed, origin):  # a check slower than the answer budget, then a refusal
        await gate.wait()

    real = env.jam.policy.check

    async def check(parsed, origin):
        await slow_policy(parsed, origin)
        await real(parsed, origin)

    env.jam.policy.check = check
    payload = env.fake.slash("vary", {"to": "zzzzzzzzzzzz"})
    await env.fake.dispatch(payload)
    cb = await env.callback(payload["id"])
    gate.set()
    assert cb.json["type"] == 5 and cb.json["data"]["flags"] & 64  # deferred, but only the member sees it
    [edit] = await env.fake.wait_for(lambda c: c.method == "PATCH" and payload["token"] in c.path)
    assert "no artifact zzzzzzzzzzzz here" in edit.json["content"]
