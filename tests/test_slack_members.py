"""Who may do what on Slack, and the other ways in: moderators, private answers, prefixes, the shortcut."""

from __future__ import annotations

import asyncio
import json
import types

from fake_slack import slack_stack
from support import build_test_catalog

from bot.catalog.registry import build_catalog
from bot.catalog.spec import Command, Option, OptionType, Permission

MOD_COMMANDS = types.SimpleNamespace(COMMANDS=[
    Command("purge", "A moderator-only test command", (Option("prompt", OptionType.STRING, "Words", required=True),),
            generator="test.echo", bare="prompt", permission=Permission.MODERATOR, group="moderation"),
])


def _catalog():
    base = build_test_catalog()
    declared = [c for c in base.commands.values() if not c.alias_of]  # aliases come back from their command
    extra = types.SimpleNamespace(COMMANDS=declared, FOLLOW_UPS=dict(base.follow_ups))
    return build_catalog([extra, MOD_COMMANDS])


async def test_non_admin_running_a_moderator_command_is_refused(tmp_path):
    async with slack_stack(tmp_path, cat=_catalog()) as s:
        await s.send.command("/purge", "everything", user_id="UANN", trigger="tr-p1",
                             response_url=s.fake.response_url())
        [answer] = await s.fake.wait_responses(1)
        assert answer["response_type"] == "ephemeral" and "/purge is for moderators" in answer["text"]
        assert [c.args["user"] for c in s.fake.of("users.info")] == ["UANN"]
        await asyncio.sleep(0.2)
        assert s.fake.of("chat.postMessage") == [] and await s.jam.ledger.artifacts() == []


async def test_workspace_admin_and_moderator_group_member_may(tmp_path):
    async with slack_stack(tmp_path, cat=_catalog(), slack={"moderator_group": "S0MODS"}) as s:
        s.fake.groups["S0MODS"] = ["UBOB"]
        await s.send.command("/purge", "by admin", user_id="UMOD", user_name="mo", trigger="tr-p2",
                             response_url=s.fake.response_url())
        await s.send.command("/purge", "by group", user_id="UBOB", user_name="bob", trigger="tr-p3",
                             response_url=s.fake.response_url())
        await s.fake.wait_for("chat.update", 2, text=lambda t: t and "done ✓" in t)
        assert len(await s.jam.ledger.artifacts()) == 2
        assert s.fake.responses == []


async def test_help_is_private_through_the_response_url(tmp_path):
    async with slack_stack(tmp_path) as s:
        await s.send.command("/help", "melody", trigger="tr-h", response_url=s.fake.response_url())
        [answer] = await s.fake.wait_responses(1)
        assert answer["response_type"] == "ephemeral" and answer["text"].startswith("/melody")
        assert s.fake.of("chat.postMessage") == []


async def test_command_prefix_maps_to_catalog_names(tmp_path):
    async with slack_stack(tmp_path, slack={"command_prefix": "jam-"}) as s:
        await s.send.command("/jam-echo", "prefixed", trigger="tr-pre", response_url=s.fake.response_url())
        [header] = await s.fake.wait_for("chat.postMessage")
        assert "/jam-echo prefixed" in header.args["text"]
        await s.fake.wait_for("chat.update", text=lambda t: t and "done ✓" in t)
        [artifact] = await s.jam.ledger.artifacts()
        assert artifact.spec["prompt"] == "prefixed"


async def test_jam_on_this_shortcut_opens_a_modal_and_runs_in_that_thread(tmp_path):
    async with slack_stack(tmp_path) as s:
        shortcut = {"type": "message_action", "callback_id": "jam_on_this", "trigger_id": "tr-sc",
                    "team": {"id": "T0JAM"}, "user": {"id": "UBOB", "username": "bob", "team_id": "T0JAM"},
                    "channel": {"id": "C0JAM"}, "message_ts": "1699999999.000500",
                    "message": {"type": "message", "ts": "1699999999.000500", "thread_ts": "1699999999.000100",
                                "text": "look at this"}}
        assert (await s.send.interaction(shortcut)).status == 200
        [opened] = await s.fake.wait_for("views.open")
        view = opened.args["view"]
        assert opened.args["trigger_id"] == "tr-sc" and view["callback_id"] == "jam_on_this_modal"
        submission = {"type": "view_submission", "team": {"id": "T0JAM"}, "trigger_id": "tr-sub",
                      "user": {"id": "UBOB", "username": "bob", "team_id": "T0JAM"},
                      "view": {**view, "id": "V0001",
                               "state": {"values": {"command": {"text": {"type": "plain_text_input",
                                                                         "value": "echo from the modal"}}}}}}
        bad = {**submission, "view": {**submission["view"], "id": "V0002", "state": {"values": {"command": {
            "text": {"type": "plain_text_input", "value": "echo seed:x"}}}}}}
        refused = await s.send.interaction(bad)
        body = json.loads(await refused.text())
        assert body["response_action"] == "errors" and "seed must be" in body["errors"]["command"]
        assert (await s.send.interaction(submission)).status == 200
        await s.fake.wait_for("chat.update", text=lambda t: t and "done ✓" in t)
        [artifact] = await s.jam.ledger.artifacts()
        assert artifact.thread == "slack:T0JAM:C0JAM:1699999999.000100"
        assert artifact.contributors[0].name == "bob"


async def test_admin_removes_a_result_and_slack_loses_message_and_files(tmp_path):
    async with slack_stack(tmp_path) as s:
        await s.send.command("/echo", "regrettable", trigger="tr-r0", response_url=s.fake.response_url())
        result = (await s.fake.wait_for("chat.postMessage", 2))[1]
        await s.fake.wait_for("chat.update", text=lambda t: t and "done ✓" in t)
        [artifact] = await s.jam.ledger.artifacts()
        await s.send.command("/remove", artifact.id, user_id="UBOB", user_name="bob", trigger="tr-r1",
                             response_url=s.fake.response_url())
        [refused] = await s.fake.wait_responses(1)
        assert "only its author or a moderator" in refused["text"] and s.fake.of("chat.delete") == []
        await s.send.command("/remove", artifact.id, user_id="UMOD", user_name="mo", trigger="tr-r2",
                             response_url=s.fake.response_url())
        answers = await s.fake.wait_responses(2)
        assert answers[1]["text"].startswith(f"removed {artifact.id}")
        [deleted] = s.fake.of("chat.delete")
        assert deleted.args == {"channel": "C0JAM", "ts": result.reply["ts"]}
        [complete] = s.fake.of("files.completeUploadExternal")
        assert [c.args["file"] for c in s.fake.of("files.delete")] == [f["id"] for f in complete.args["files"]]


async def test_building_on_an_ask_members_work_waits_for_their_approve_button(tmp_path):
    async with slack_stack(tmp_path) as s:
        await s.send.command("/consent", "remix:ask", trigger="tr-c0", response_url=s.fake.response_url())
        await s.fake.wait_responses(1)
        await s.send.command("/echo", "ann's tune", trigger="tr-c1", response_url=s.fake.response_url())
        result = (await s.fake.wait_for("chat.postMessage", 2))[1]
        thread = result.args["thread_ts"]
        vary = next(b for b in result.args["blocks"] if b["type"] == "actions")["elements"][0]["value"]
        await s.send.click(vary, user_id="UBOB", user_name="bob", channel="C0JAM", message_ts=result.reply["ts"],
                           thread_ts=thread, trigger="tr-c2")
        [held] = await s.fake.wait_for("chat.update", text=lambda t: t and "<@UBOB>" in t and "waiting for" in t)
        [ask] = await s.fake.wait_for("chat.postMessage", blocks=lambda b: bool(b) and "Approve" in str(b))
        # to the owner privately: a DM from the app, not a message in the thread
        assert ask.args["channel"] == "UANN" and "thread_ts" not in ask.args
        assert ask.args["blocks"][0]["text"]["text"].startswith("<@UANN>")
        approve = next(e["value"] for b in ask.args["blocks"] if b["type"] == "actions" for e in b["elements"]
                       if e["text"]["text"] == "Approve")
        await s.send.click(approve, user_id="UANN", user_name="ann", channel="C0JAM", message_ts=ask.reply["ts"],
                           thread_ts=thread, trigger="tr-c3")
        await s.fake.wait_for("chat.update", ts=held.args["ts"], text=lambda t: t and t.endswith("done ✓"))
        varied = max(await s.jam.ledger.artifacts(), key=lambda a: a.created)
        assert [c.name for c in varied.contributors] == ["ann", "bob"]
