"""Slack under rate limits: a 429 on every Web API method we call, and still one generator run, one result."""

from __future__ import annotations

import asyncio

from fake_slack import slack_stack
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_slack_response import AsyncSlackResponse

from adapters.slack_app.outbound import retry_after

#: Every Web API method one slash command's way through calls (the header, its edits, the upload, the result).
EVERY_METHOD = ("chat.postMessage", "chat.update", "files.getUploadURLExternal", "files.completeUploadExternal")


def _count_generator_runs(jam) -> list[str]:
    """The names of the generators the pool runs from now on (a spy: the real pool still runs them)."""
    runs: list[str] = []
    real = jam.pool.run

    async def counted(generator, *args, **kwargs):
        runs.append(generator.name)
        return await real(generator, *args, **kwargs)

    jam.pool.run = counted
    return runs


async def _idle(jam, timeout: float = 60.0) -> None:
    """Until no job is waiting, delayed or running (polls the queue's own counts; no fixed sleep)."""
    async with asyncio.timeout(timeout):
        while True:
            stats = await jam.queue.stats()
            if not stats["waiting"] and not stats["running"]:
                return
            await asyncio.sleep(0.05)


async def test_a_429_on_every_method_posts_one_result_and_runs_the_generator_once(tmp_path):
    async with slack_stack(tmp_path) as s:
        runs = _count_generator_runs(s.jam)
        s.fake.rate_limit.update({m: 1 for m in EVERY_METHOD})
        await s.send.command("/echo", "under pressure", trigger="tr-rl", response_url=s.fake.response_url())
        await s.fake.wait_for("chat.update", timeout=60, text=lambda t: t and "done ✓" in t)
        limited = {c.method for c in s.fake.calls if c.method.endswith("#429")}
        assert limited == {f"{m}#429" for m in EVERY_METHOD}
        results = [c for c in s.fake.of("chat.postMessage") if c.args.get("blocks")]
        assert len(results) == 1 and runs == ["test.echo"]
        assert len(s.fake.of("files.completeUploadExternal")) == 1


def test_retry_after_is_read_from_slacks_answer():
    response = AsyncSlackResponse(client=None, http_verb="POST", api_url="https://x/api/chat.postMessage",
                                  req_args={}, data={"ok": False, "error": "ratelimited"},
                                  headers={"retry-after": ["7"]}, status_code=429)
    assert retry_after(SlackApiError("ratelimited", response)) == 7.0
    assert retry_after(ValueError("x")) is None


async def test_a_failing_final_header_edit_never_reposts_the_result(tmp_path):
    """Issue 13.4: after the result is posted, `chat.update` failing is cosmetic — one result, one run."""
    async with slack_stack(tmp_path) as s:
        runs = _count_generator_runs(s.jam)
        s.fake.fail["chat.update"] = 1000  # every header edit fails with a 500, the final "done" one too
        await s.send.command("/echo", "edit me not", trigger="tr-edit", response_url=s.fake.response_url())
        await s.fake.wait_for("chat.postMessage", timeout=60, blocks=lambda b: bool(b))
        await s.fake.wait_for("chat.update#500", timeout=60)
        await _idle(s.jam)  # acked, not handed back for a retry (a delayed job counts as waiting)
        results = [c for c in s.fake.of("chat.postMessage") if c.args.get("blocks")]
        assert len(results) == 1 and runs == ["test.echo"]
