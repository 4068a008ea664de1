"""Discord under rate limits: every route we call answers 429 with retry_after, and each job still
runs its generator once and posts its result once (issue 13, defects 3 and 4)."""

from __future__ import annotations

import asyncio
import time

from fake_discord import CHANNEL_ID, discord_env

from bot.models import Delivery, Origin

#: Every REST route the adapter and discord.py call for one command (login, defer, edits, follow-up,
#: jam thread, bot messages).
EVERY_ROUTE = (r"^GET /users/@me", r"^POST /interactions/", r"^PATCH /webhooks/", r"^POST /webhooks/\d+/[^/]+$",
               r"^POST /channels/\d+/messages/\d+/threads$", r"^POST /channels/\d+/messages$")


def count_generator_runs(jam) -> list[str]:
    """A spy on the pool: records each generator run and lets it run for real."""
    runs: list[str] = []
    real = jam.pool.run

    async def counted(generator, *args, **kwargs):
        runs.append(generator.name)
        return await real(generator, *args, **kwargs)

    jam.pool.run = counted
    return runs


async def _wait(predicate, timeout: float = 30.0) -> None:
    async with asyncio.timeout(timeout):
        while not predicate():  # noqa: ASYNC110 - the state lives in the fake and the ledger, not behind an event
            await asyncio.sleep(0.02)


async def _delivered(jam, job_id: str, timeout: float = 30.0) -> None:
    async with asyncio.timeout(timeout):
        while not await jam.ledger.delivered(job_id, result_only=True):  # noqa: ASYNC110 - a database row
            await asyncio.sleep(0.02)


async def test_429_on_every_route_posts_once_and_runs_the_generator_once(tmp_path):
    async with discord_env(tmp_path) as env:
        runs = count_generator_runs(env.jam)
        for route in EVERY_ROUTE:  # twice each: discord.py waits retry_after and tries again
            env.fake.rate_limit(route, times=2, retry_after=0.05)
        payload = env.fake.slash("echo", {"prompt": "neon koi"})
        await env.fake.dispatch(payload)
        call = await env.followup(payload["token"])
        assert call.files == {"echo.txt": b"neon koi|" + call.files["echo.txt"].split(b"|", 1)[1]}
        await env.fake.wait_for(lambda c: c.path.endswith("/threads"))
        await env.fake.wait_for(lambda c: c.method == "PATCH" and "jam thread" in (c.json or {}).get("content", ""))
        assert env.fake.limited, "the fake refused nothing, so this test proved nothing"
        assert runs == ["test.echo"]
        assert len(env.followups(payload["token"])) == 1
        assert len(env.fake.find(lambda c: c.path.endswith("/threads"))) == 1


async def test_a_rate_limit_longer_than_discord_py_waits_retries_the_post_not_the_generator(tmp_path):
    async with discord_env(tmp_path, retry_backoff=0.05) as env:
        runs = count_generator_runs(env.jam)
        payload = env.fake.slash("echo", {"prompt": "slow lane"})
        # discord.py tries a call five times; six refusals make the first delivery fail as a whole
        env.fake.rate_limit(rf"^POST /webhooks/\d+/{payload['token']}$", times=6, retry_after=0.05)
        await env.fake.dispatch(payload)
        await env.followup(payload["token"])
        [art] = await env.jam.ledger.artifacts()
        await _wait(lambda: len(env.fake.limited) >= 6)
        assert runs == ["test.echo"]
        await _delivered(env.jam, art.job_id)
        assert len(env.followups(payload["token"])) == 1


async def test_a_failing_cosmetic_edit_after_the_post_is_not_retried_as_a_job(tmp_path):
    async with discord_env(tmp_path) as env:
        runs = count_generator_runs(env.jam)
        payload = env.fake.slash("echo", {"prompt": "one result"})
        env.fake.rate_limit(r"^PATCH /webhooks/", times=1000, retry_after=0.01)
        await env.fake.dispatch(payload)
        await env.followup(payload["token"])
        [art] = await env.jam.ledger.artifacts()
        await _wait(lambda: len(env.fake.find(lambda c: c.path.endswith("/threads"))) == 1)
        # the "jam thread" edit is refused over and over; wait until discord.py has given up on it
        await _wait(lambda: len(env.fake.limited) >= 10)
        await _delivered(env.jam, art.job_id)
        assert runs == ["test.echo"]
        assert len(env.followups(payload["token"])) == 1
        assert len(env.fake.find(lambda c: c.path.endswith("/threads"))) == 1


async def test_bot_messages_carry_a_nonce_that_discord_enforces(tmp_path):
    async with discord_env(tmp_path) as env:
        origin = Origin("discord", "800000000000000001", CHANNEL_ID, "4242", "1001", "ann", "old",
                        reply={"app": "1", "token": "tok-old", "at": time.time() - 16 * 60, "post_to": "4242"})
        env.fake.rate_limit(r"^POST /channels/4242/messages$", times=2, retry_after=0.05)
        await env.gateway.outbound.deliver(Delivery("j1", origin, "failed", error="the generator gave up"), {})
        await env.gateway.outbound.deliver(Delivery("j1", origin, "failed", error="the generator gave up"), {})
        posts = env.fake.find(lambda c: c.path == "/channels/4242/messages")
        assert len(posts) == 2 and len(env.fake.limited) == 2
        nonces = {p.json["nonce"] for p in posts}
        assert len(nonces) == 1 and all(p.json["enforce_nonce"] is True for p in posts)
        assert len(next(iter(nonces))) <= 25


async def test_deliveries_stop_after_the_cap_and_the_member_is_told(tmp_path):
    async with discord_env(tmp_path, retry_backoff=0.01, max_attempts=2) as env:
        runs = count_generator_runs(env.jam)
        payload = env.fake.slash("echo", {"prompt": "never lands"})
        env.fake.rate_limit(rf"^POST /webhooks/\d+/{payload['token']}$", times=1000, retry_after=0.01)
        await env.fake.dispatch(payload)
        [note] = await env.fake.wait_for(
            lambda c: c.method == "PATCH" and "could not be posted" in (c.json or {}).get("content", ""))
        [art] = await env.jam.ledger.artifacts()
        assert art.id in note.json["content"]
        assert runs == ["test.echo"]
        assert not env.followups(payload["token"])
