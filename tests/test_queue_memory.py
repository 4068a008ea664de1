"""The memory queue's promises: idempotency, round-robin fairness, limits, cancel, positions."""

from __future__ import annotations

import asyncio

import pytest
from support import origin

from bot.errors import Refused
from bot.models import Job, Request
from bot.queue.base import Fairness, Retries
from bot.queue.memory import MemoryQueue


def job(member: str, n: int) -> Job:
    o = origin(member, f"{member}-{n}")
    return Job(f"j{member}{n}", Request("echo", {"prompt": str(n)}, o), "test.echo", n, [])


async def test_one_members_twenty_jobs_delay_another_by_at_most_one():
    q = MemoryQueue(Fairness(member_in_flight=100))
    for i in range(20):
        await q.enqueue(job("ann", i), f"ann-{i}")
    single = await q.enqueue(job("bob", 0), "bob-0")
    assert single.position == 2
    order = [(await q.consume()).id for _ in range(3)]
    assert order.index("jbob0") <= 1


async def test_same_key_returns_the_same_job():
    q = MemoryQueue()
    first = await q.enqueue(job("ann", 1), "event-1")
    again = await q.enqueue(job("ann", 2), "event-1")
    assert again.duplicate and again.job.id == first.job.id
    assert (await q.stats())["waiting"] == 1


async def test_rate_limit_refuses_with_reason():
    q = MemoryQueue(Fairness(rate_limit=3, rate_window=600))
    for i in range(3):
        await q.enqueue(job("ann", i), f"k{i}")
    with pytest.raises(Refused, match=r"started 3 jobs in the last 10 minutes; try again in 10 min"):
        await q.enqueue(job("ann", 9), "k9")
    await q.enqueue(job("bob", 1), "b1")  # others are not affected


async def test_in_flight_limit_lets_others_through():
    q = MemoryQueue(Fairness(member_in_flight=1))
    await q.enqueue(job("ann", 1), "a1")
    await q.enqueue(job("ann", 2), "a2")
    first = await q.consume()
    assert first.id == "jann1"
    with pytest.raises(TimeoutError):
        async with asyncio.timeout(0.2):
            await q.consume()  # ann already has one running
    await q.enqueue(job("bob", 1), "b1")
    assert (await q.consume()).id == "jbob1"
    await q.ack(first)
    assert (await q.consume()).id == "jann2"


async def test_cancel_only_own_waiting_job():
    q = MemoryQueue()
    await q.enqueue(job("ann", 1), "a1")
    assert not await q.cancel("jann1", "test:w1:bob")
    assert await q.cancel("jann1", "test:w1:ann")
    assert await q.position("jann1") is None
    assert not await q.cancel("jann1", "test:w1:ann")


async def test_positions_follow_round_robin():
    q = MemoryQueue()
    for i in range(3):
        await q.enqueue(job("ann", i), f"a{i}")
    await q.enqueue(job("bob", 0), "b0")
    assert [await q.position(j) for j in ("jann0", "jbob0", "jann1", "jann2")] == [1, 2, 3, 4]


async def test_job_lookup_for_waiting_and_running_jobs():
    q = MemoryQueue()
    await q.enqueue(job("ann", 1), "a1")
    await q.enqueue(job("ann", 2), "a2")
    running = await q.consume()
    assert (await q.job(running.id)).id == running.id
    waiting = await q.job("jann2")
    assert waiting is not None and waiting.request.origin.event_id == "ann-2"
    assert await q.job("nope") is None


# -- retries (issue 13): a delay is honoured, attempts are capped, the last failure is a dead letter --


class FakeClock:
    """A clock the test moves, so waits are decided by the queue's arithmetic, not the machine's speed."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


async def test_a_retry_waits_for_the_platforms_retry_after_then_runs_again():
    clock = FakeClock()
    q = MemoryQueue(retries=Retries(max_attempts=5, backoff=0.5), clock=clock)
    await q.enqueue(job("ann", 1), "a1")
    taken = await q.consume()
    assert await q.fail(taken, "429 from the platform", retry=True, delay=5.0)
    assert await q.position("jann1") == 1 and await q.waiting_of("test:w1:ann") == ["jann1"]
    clock.now += 4.9  # past the backoff (0.5 s), not past retry_after (5 s)
    with pytest.raises(TimeoutError):
        async with asyncio.timeout(0.1):
            await q.consume()
    clock.now += 0.2
    again = await q.consume()
    assert again.id == "jann1" and again.attempts == 2


async def test_retries_back_off_then_stop_at_the_cap_as_a_dead_letter():
    clock = FakeClock()
    q = MemoryQueue(retries=Retries(max_attempts=3, backoff=1.0), clock=clock)
    await q.enqueue(job("ann", 1), "a1")
    waits = []
    for _ in range(2):
        taken = await q.consume()
        assert await q.fail(taken, "503 from the platform", retry=True)
        waits.append(q._delayed[0][0] - clock.now)
        clock.now += 100
    assert waits == [1.0, 2.0]
    taken = await q.consume()
    assert taken.attempts == 3
    assert not await q.fail(taken, "503 from the platform", retry=True)
    assert not await q.fail(taken, "the result could not be posted", retry=False)  # the worker's give-up: no-op
    [dead] = await q.failed()
    assert (dead["id"], dead["attempts"], dead["reason"]) == ("jann1", 3, "exhausted")
    stats = await q.stats()
    assert (stats["dead"], stats["failed"], stats["retried"], stats["waiting"], stats["running"]) == (1, 1, 2, 0, 0)
    assert await q.retry("jann1") and not await q.retry("jann1")
    again = await q.consume()
    assert again.id == "jann1" and again.attempts == 1


async def test_a_waiting_retry_can_be_cancelled_by_its_member():
    q = MemoryQueue(retries=Retries(backoff=60))
    await q.enqueue(job("ann", 1), "a1")
    assert await q.fail(await q.consume(), "503", retry=True)
    assert not await q.cancel("jann1", "test:w1:bob")
    assert await q.cancel("jann1", "test:w1:ann")
    assert (await q.stats())["waiting"] == 0
