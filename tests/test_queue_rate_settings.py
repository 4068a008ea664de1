"""Moderators' `/settings rate_limit:N` works in both directions up to the operator's ceiling, per
workspace, shared across processes; moderators are exempt (issue 17.1).

Before: the queue's own limit (JAMROOM_RATE_LIMIT) refused job 21 even after `/settings rate_limit:500`.
"""

from __future__ import annotations

import asyncio

import pytest
from support import make_jam, origin
from test_scaleout_support import drop_prefix, find_redis, new_prefix
from test_scaleout_support import make_jam as make_redis_jam

MOD = origin("mo", "set-1", moderator=True)


async def submit(jam, member: str, n: int, start: int = 0, **kw) -> list[str]:
    """The replies' texts for ``n`` jobs from one member."""
    texts = []
    for i in range(start, start + n):
        reply = await jam.submit_text(f"/echo job {i}", origin(member, f"{member}-{i}", **kw))
        texts.append(reply.text)
    return texts


def refused(texts: list[str]) -> int:
    return sum("you have started" in t for t in texts)


async def test_a_moderator_raises_and_lowers_the_limit_up_to_the_ceiling(tmp_path):
    jam, _ = make_jam(tmp_path, rate_limit=3, rate_limit_ceiling=8, member_in_flight=100)
    await jam.start(workers=False)
    try:
        assert refused(await submit(jam, "ann", 4)) == 1  # the server default: 3
        assert "Settings changed" in (await jam.submit_text("/settings rate_limit:6", MOD)).text
        assert refused(await submit(jam, "ann", 3, start=10)) == 0  # raised: ann's 3 earlier count, 3 more fit
        assert refused(await submit(jam, "ann", 1, start=20)) == 1
        await jam.submit_text("/settings rate_limit:500", origin("mo", "set-2", moderator=True))
        assert refused(await submit(jam, "bob", 9)) == 1  # 500 asked, the ceiling (8) holds
        shown = (await jam.submit_text("/settings", origin("mo", "set-3", moderator=True))).text
        assert "8 (asked 500; the operator's ceiling is 8)" in shown
        await jam.submit_text("/settings rate_limit:2", origin("mo", "set-4", moderator=True))
        assert refused(await submit(jam, "cat", 3)) == 1  # lowered below the default
        other_server = [(await jam.submit_text(f"/echo {i}", origin("dan", f"d{i}", platform="other"))).text
                        for i in range(3)]
        assert refused(other_server) == 0  # another workspace keeps the default 3
    finally:
        await jam.stop()


async def test_moderators_are_exempt_from_the_rate_limit_but_not_the_in_flight_cap(tmp_path):
    jam, _ = make_jam(tmp_path, rate_limit=2, member_in_flight=1)
    await jam.start(workers=False)
    try:
        texts = await submit(jam, "mo", 10, moderator=True)
        assert refused(texts) == 0 and all("queued" in t for t in texts)
        first = await jam.queue.consume()
        assert first.member.endswith(":mo")
        with pytest.raises(TimeoutError):  # the cap of one running job still holds for the moderator
            async with asyncio.timeout(0.3):
                await jam.queue.consume()
        assert (await jam.queue.stats())["waiting"] == 9
    finally:
        await jam.stop()


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory):
    url, server = find_redis(tmp_path_factory.mktemp("redis"))
    yield url
    if server is not None:
        server.stop()


async def test_the_setting_and_the_count_are_shared_by_two_processes_through_redis(tmp_path, redis_url):
    prefix = new_prefix()
    a = make_redis_jam(tmp_path, redis_url, prefix, rate_limit=3, rate_limit_ceiling=200)
    b = make_redis_jam(tmp_path, redis_url, prefix, rate_limit=3, rate_limit_ceiling=200)
    await a.start(workers=False)
    await b.start(workers=False)
    try:
        await a.submit_text("/settings rate_limit:5", MOD)
        b.ledger.cache_ttl = 0  # the other process sees it after its cache's 2 s; the test doesn't wait
        texts = await submit(a, "ann", 3) + await submit(b, "ann", 3, start=3)
        assert refused(texts) == 1 and "you have started 5 jobs" in texts[-1]
    finally:
        await a.stop()
        await b.stop()
        await drop_prefix(redis_url, prefix)
