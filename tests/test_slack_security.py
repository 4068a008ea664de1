"""Slack's request signing, over real HTTP: unsigned, wrongly signed and stale requests get 401."""

from __future__ import annotations

import json
import logging
import time

from fake_slack import BOT_TOKEN, SIGNING_SECRET, slack_stack


async def test_unsigned_wrong_and_stale_requests_are_refused(tmp_path):
    async with slack_stack(tmp_path) as s:
        body = "command=%2Fecho&text=hi&team_id=T0JAM&channel_id=C1&user_id=UANN&trigger_id=x1"
        form = "application/x-www-form-urlencoded"
        unsigned = await s.send.post(body, form, sign=False)
        wrong = await s.send.post(body, form, secret="not-the-secret")
        stale = await s.send.post(body, form, timestamp=int(time.time()) - 6 * 60)
        assert (unsigned.status, wrong.status, stale.status) == (401, 401, 401)
        assert s.fake.calls == [] and await s.jam.ledger.artifacts() == []
        assert (await s.jam.queue.stats()).get("waiting", 0) == 0


async def test_signed_url_verification_answers_the_challenge(tmp_path):
    async with slack_stack(tmp_path) as s:
        resp = await s.send.post(json.dumps({"type": "url_verification", "challenge": "c-123", "token": "t"}),
                                 "application/json")
        assert resp.status == 200 and (await resp.json())["challenge"] == "c-123"


async def test_tokens_and_secrets_never_reach_the_logs(tmp_path, caplog):
    caplog.set_level(logging.DEBUG)
    async with slack_stack(tmp_path) as s:
        await s.send.command("/echo", "keep it secret", trigger="tr-secret", response_url=s.fake.response_url())
        await s.fake.wait_for("chat.update", text=lambda t: t and "done" in t)
        await s.send.post("x=1", "application/x-www-form-urlencoded", secret="wrong")
    text = "\n".join(f"{r.getMessage()} {r.__dict__}" for r in caplog.records)
    assert caplog.records and BOT_TOKEN not in text and SIGNING_SECRET not in text
