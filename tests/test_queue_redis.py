"""The Redis queue keeps the memory queue's promises, shared by processes, and survives dead workers.

Real Redis (see test_scaleout_support for which server); each test has its own key prefix.  Two
``RedisQueue`` objects have separate connections, exactly as two processes would.
"""

from __future__ import annotations

import asyncio

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support import RecordingOutbound, origin
from test_scaleout_support import drop_prefix, find_redis, free_port, make_jam, new_prefix

from bot.errors import Busy, Refused
from bot.models import Contributor, Job, Request, Role, Upload
from bot.queue.base import Fairness
from bot.queue.memory import MemoryQueue
from bot.queue.redis import BUSY, RedisQueue


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory):
    url, server = find_redis(tmp_path_factory.mktemp("redis"))
    yield url
    if server is not None:
        server.stop()


@pytest.fixture
async def make_queue(redis_url):
    prefix = new_prefix()
    made: list[RedisQueue] = []

    def make(fairness: Fairness | None = None, **options) -> RedisQueue:
        options.setdefault("claim_idle", 1.0)
        queue = RedisQueue(redis_url, fairness or Fairness(), prefix=prefix, **options)
        made.append(queue)
        return queue

    yield make
    for queue in made:
        await queue.close()
    await drop_prefix(redis_url, prefix)


def job(member: str, n: int) -> Job:
    o = origin(member, f"{member}-{n}")
    return Job(f"j{member}{n}", Request("echo", {"prompt": str(n)}, o), "test.echo", n, [])


def die(queue: RedisQueue) -> None:
    """What SIGKILL does to a worker's queue: no more lease renewals, nothing handed back."""
    if queue._keeper is not None:
        queue._keeper.cancel()
    queue._held.clear()


# -- the memory queue's tests, on Redis ------------------------------------------------------------


async def test_one_members_twenty_jobs_delay_another_by_at_most_one(make_queue):
    q = make_queue(Fairness(member_in_flight=100))
    for i in range(20):
        await q.enqueue(job("ann", i), f"ann-{i}")
    single = await q.enqueue(job("bob", 0), "bob-0")
    assert single.position == 2
    order = [(await q.consume()).id for _ in range(3)]
    assert order.index("jbob0") <= 1


async def test_a_flood_of_fifty_delays_another_members_one_job_by_at_most_one(make_queue):
    q = make_queue(Fairness(member_in_flight=100, rate_limit=100))
    for i in range(50):
        await q.enqueue(job("ann", i), f"ann-{i}")
    await q.enqueue(job("bob", 0), "bob-0")
    worker = make_queue(Fairness(member_in_flight=100))
    assert "jbob0" in [(await worker.consume()).id for _ in range(2)]


async def test_same_key_returns_the_same_job(make_queue):
    q = make_queue()
    first = await q.enqueue(job("ann", 1), "event-1")
    again = await make_queue().enqueue(job("ann", 2), "event-1")  # another process, same event
    assert again.duplicate and again.job.id == first.job.id and again.job.to_dict() == first.job.to_dict()
    assert again.position == 1
    assert (await q.stats())["waiting"] == 1


async def test_rate_limit_refuses_with_reason(make_queue):
    q = make_queue(Fairness(rate_limit=3, rate_window=600))
    for i in range(3):
        await q.enqueue(job("ann", i), f"k{i}")
    with pytest.raises(Refused, match=r"started 3 jobs in the last 10 minutes; try again in 10 min"):
        await q.enqueue(job("ann", 9), "k9")
    await q.enqueue(job("bob", 1), "b1")  # others are not affected


async def test_rate_window_slides(make_queue):
    q = make_queue(Fairness(rate_limit=2, rate_window=0.3))
    await q.enqueue(job("ann", 1), "a1")
    await q.enqueue(job("ann", 2), "a2")
    with pytest.raises(Refused):
        await q.enqueue(job("ann", 3), "a3")
    await asyncio.sleep(0.35)
    await q.enqueue(job("ann", 3), "a3")


async def test_in_flight_limit_lets_others_through(make_queue):
    q = make_queue(Fairness(member_in_flight=1))
    await q.enqueue(job("ann", 1), "a1")
    await q.enqueue(job("ann", 2), "a2")
    first = await q.consume()
    assert first.id == "jann1" and first.attempts == 1
    with pytest.raises(TimeoutError):
        async with asyncio.timeout(0.3):
            await q.consume()  # ann already has one running
    await q.enqueue(job("bob", 1), "b1")
    assert (await q.consume()).id == "jbob1"
    await q.ack(first)
    assert (await q.consume()).id == "jann2"


async def test_a_blocked_consumer_wakes_when_a_slot_frees(make_queue):
    q = make_queue(Fairness(member_in_flight=1))
    await q.enqueue(job("ann", 1), "a1")
    await q.enqueue(job("ann", 2), "a2")
    first = await q.consume()
    other = make_queue(Fairness(member_in_flight=1))
    waiting = asyncio.create_task(other.consume("w2"))
    await asyncio.sleep(0.1)
    assert not waiting.done()
    await q.ack(first)
    async with asyncio.timeout(5):
        assert (await waiting).id == "jann2"


async def test_cancel_only_own_waiting_job(make_queue):
    q = make_queue()
    await q.enqueue(job("ann", 1), "a1")
    assert not await q.cancel("jann1", "test:w1:bob")
    assert await q.cancel("jann1", "test:w1:ann")
    assert await q.position("jann1") is None
    assert not await q.cancel("jann1", "test:w1:ann")
    await q.enqueue(job("ann", 2), "a2")
    running = await q.consume()
    assert not await q.cancel(running.id, "test:w1:ann")  # started already
    assert (await q.stats())["cancelled"] == 1


async def test_positions_follow_round_robin(make_queue):
    q = make_queue()
    for i in range(3):
        await q.enqueue(job("ann", i), f"a{i}")
    await q.enqueue(job("bob", 0), "b0")
    assert [await q.position(j) for j in ("jann0", "jbob0", "jann1", "jann2")] == [1, 2, 3, 4]
    assert await q.waiting_of("test:w1:ann") == ["jann0", "jann1", "jann2"]
    taken = await q.consume()
    assert await q.position(taken.id) == 0
    await q.ack(taken)
    assert await q.position(taken.id) is None


async def test_job_survives_the_trip_through_redis(make_queue):
    q = make_queue()
    o = origin("ann", "e-full")
    request = Request("vary", {"prompt": "neon koi ✨", "pick": 2}, o, {"to": "a123"},
                      {"file": Upload("a.mid", "audio/midi", "ab" * 32, 10)}, "/vary pick:2")
    original = Job("jfull", request, "test.echo-vary", 42, [Contributor(o.member_key, "ann", Role.BUILT_ON, "vary")])
    await q.enqueue(original, "e-full")
    taken = await q.consume()
    assert taken.attempts == 1
    taken.attempts = 0
    assert taken.to_dict() == original.to_dict() and taken.artifact_id == original.artifact_id


ops = st.lists(st.one_of(
    st.tuples(st.just("enqueue"), st.sampled_from("abc"), st.integers(0, 14)),
    st.tuples(st.just("consume")),
    st.tuples(st.just("ack"), st.integers(0, 5)),
    st.tuples(st.just("cancel"), st.sampled_from("abc"), st.integers(0, 14)),
), max_size=30)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops)
async def test_same_order_positions_and_cancels_as_the_memory_queue(redis_url, steps):
    fairness = Fairness(member_in_flight=2, rate_limit=1000)
    memory, prefix = MemoryQueue(fairness), new_prefix()
    redis_q = RedisQueue(redis_url, fairness, prefix=prefix)
    running: dict[str, Job] = {}
    ids: list[str] = []
    try:
        for step in steps:
            if step[0] == "enqueue":
                _, member, n = step
                a = await memory.enqueue(job(member, n), f"{member}-{n}")
                b = await redis_q.enqueue(job(member, n), f"{member}-{n}")
                assert (a.job.id, a.position, a.duplicate) == (b.job.id, b.position, b.duplicate)
                ids.append(a.job.id)
            elif step[0] == "consume":
                busy = {j.member for j in running.values() if sum(r.member == j.member for r in running.values()) >= 2}
                takeable = [m for m in ("test:w1:a", "test:w1:b", "test:w1:c")
                            if m not in busy and await memory.waiting_of(m)]
                if takeable:
                    a, b = await memory.consume(), await redis_q.consume()
                    assert a.id == b.id
                    running[a.id] = a
            elif step[0] == "ack" and running:
                done = sorted(running)[step[1] % len(running)]
                await memory.ack(running[done])
                await redis_q.ack(running.pop(done))
            elif step[0] == "cancel":
                _, member, n = step
                target, who = f"j{member}{n}", f"test:w1:{member}"
                assert await memory.cancel(target, who) == await redis_q.cancel(target, who)
            for job_id in set(ids):
                assert await memory.position(job_id) == await redis_q.position(job_id)
        for member in "abc":
            assert await memory.waiting_of(f"test:w1:{member}") == await redis_q.waiting_of(f"test:w1:{member}")
    finally:
        await redis_q.close()
        await drop_prefix(redis_url, prefix)


# -- what only a shared queue has to promise -----------------------------------------------------------


async def test_a_dead_workers_job_is_reclaimed_without_new_traffic(make_queue):
    dying, survivor = make_queue(claim_idle=0.5), make_queue(claim_idle=0.5)
    await dying.enqueue(job("ann", 1), "a1")
    taken = await dying.consume("w1")
    die(dying)
    async with asyncio.timeout(10):
        again = await survivor.consume("w2")  # blocked with nothing new arriving
    assert again.id == taken.id and again.attempts == 2
    stats = await survivor.stats()
    assert stats["reclaimed"] == 1 and stats["running"] == 1
    await survivor.ack(again)
    await dying.ack(taken)  # the first worker's late ack changes nothing
    assert (await survivor.stats())["done"] == 1


async def test_a_long_job_keeps_its_lease(make_queue):
    holder, other = make_queue(claim_idle=0.4), make_queue(claim_idle=0.4)
    await holder.enqueue(job("ann", 1), "a1")
    long_job = await holder.consume()
    with pytest.raises(TimeoutError):
        async with asyncio.timeout(1.5):  # almost four lease periods
            await other.consume()
    await holder.ack(long_job)
    stats = await holder.stats()
    assert stats["reclaimed"] == 0 and stats["done"] == 1


async def test_heartbeats_hold_a_job_and_stopping_them_lets_it_go(make_queue):
    holder, other = make_queue(claim_idle=0.4), make_queue(claim_idle=0.4)
    await holder.enqueue(job("ann", 1), "a1")
    held = await holder.consume()
    die(holder)  # no automatic renewals: only the worker's own heartbeat calls
    taker = asyncio.create_task(other.consume())
    for _ in range(12):
        await holder.heartbeat(held)
        await asyncio.sleep(0.1)
    assert not taker.done()
    async with asyncio.timeout(10):
        assert (await taker).id == held.id


async def test_a_consumer_that_dies_of_an_error_lets_its_job_go(make_queue):
    holder, other = make_queue(claim_idle=0.4), make_queue(claim_idle=0.4)
    await holder.enqueue(job("ann", 1), "a1")

    async def buggy_worker() -> None:
        await holder.consume()
        raise RuntimeError("a bug after taking the job")

    with pytest.raises(RuntimeError):
        await asyncio.create_task(buggy_worker())
    async with asyncio.timeout(10):  # the process lives on, but stops renewing that job's lease
        assert (await other.consume()).id == "jann1"


async def test_retries_back_off_then_dead_letter_then_retry_by_hand(make_queue):
    q = make_queue(max_attempts=3, retry_backoff=0.05)
    await q.enqueue(job("ann", 1), "a1")
    for attempt in (1, 2):
        taken = await q.consume()
        assert taken.attempts == attempt
        assert await q.fail(taken, "503 from the platform", retry=True)
        assert await q.position(taken.id) == 1  # waiting for its retry
    taken = await q.consume()
    assert not await q.fail(taken, "503 from the platform", retry=True)
    assert not await q.fail(taken, "the result could not be posted", retry=False)  # the worker's give-up: no-op
    [dead] = await q.failed()
    assert (dead["id"], dead["attempts"], dead["reason"], dead["error"]) == ("jann1", 3, "exhausted",
                                                                             "503 from the platform")
    assert dead["job"]["request"]["options"] == {"prompt": "1"}
    stats = await q.stats()
    assert (stats["dead"], stats["failed"], stats["retried"], stats["waiting"]) == (1, 1, 2, 0)
    assert await q.retry("jann1") and not await q.retry("jann1")
    again = await q.consume()
    assert again.id == "jann1" and again.attempts == 1
    await q.ack(again)
    assert (await q.stats())["dead"] == 0


async def test_a_retry_honours_the_platforms_retry_after(make_queue):
    q = make_queue(max_attempts=3, retry_backoff=0.05)
    await q.enqueue(job("ann", 1), "a1")
    assert await q.fail(await q.consume(), "429 from the platform", retry=True, delay=30.0)
    due = await q._redis.zscore(q.key("delayed"), "jann1")
    seconds, micros = await q._redis.time()
    assert due - (seconds * 1000 + micros // 1000) > 25_000  # not the 50 ms backoff
    assert await q.position("jann1") == 1
    with pytest.raises(TimeoutError):
        async with asyncio.timeout(0.3):
            await q.consume()


async def test_a_job_that_kills_every_worker_ends_as_a_dead_letter(make_queue):
    await make_queue().enqueue(job("ann", 1), "a1")
    for _ in range(2):
        worker = make_queue(claim_idle=0.2, max_attempts=2)
        async with asyncio.timeout(10):
            await worker.consume()
        die(worker)
    last = make_queue(claim_idle=0.2, max_attempts=2)
    with pytest.raises(TimeoutError):
        async with asyncio.timeout(0.8):
            await last.consume()
    [dead] = await last.failed()
    assert dead["reason"] == "lost" and dead["attempts"] == 2


async def test_a_stopping_worker_hands_its_jobs_back_at_once(make_queue):
    stopping, other = make_queue(), make_queue()
    await stopping.enqueue(job("ann", 1), "a1")
    await stopping.enqueue(job("ann", 2), "a2")
    taken = await stopping.consume()
    await stopping.close()
    again = await other.consume()
    assert again.id == taken.id and again.attempts == 1


async def test_stats_per_worker(make_queue):
    q = make_queue(identity="host-a:1")
    for i in range(3):
        await q.enqueue(job("ann", i), f"a{i}")
    await q.ack(await q.consume("w0"))
    await q.consume("w1")
    workers = (await q.stats())["workers"]
    assert workers["host-a:1/w0"]["done"] == 1 and workers["host-a:1/w1"]["running"] == 1


async def test_redis_down_means_busy_quickly_and_consumers_keep_trying():
    q = RedisQueue(f"redis://127.0.0.1:{free_port()}/0", prefix=new_prefix(), op_timeout=0.5)
    try:
        with pytest.raises(Busy) as caught:
            await q.enqueue(job("ann", 1), "a1")
        assert caught.value.message == BUSY
        with pytest.raises(Busy):
            await q.position("jann1")
        consumer = asyncio.create_task(q.consume())
        await asyncio.sleep(0.3)
        assert not consumer.done()  # retrying with backoff, not crashed
        consumer.cancel()
        with pytest.raises(asyncio.CancelledError):
            await consumer
    finally:
        await q.close()



# -- the real worker on the Redis queue ----------------------------------------------------------------


async def settled(queue: RedisQueue) -> dict:
    """Stats once nothing is running any more (bounded)."""
    async with asyncio.timeout(10):
        while True:
            stats = await queue.stats()
            if not stats["running"]:
                return stats
            await asyncio.sleep(0.02)


async def test_the_worker_retries_deliveries_then_tells_the_member_and_dead_letters(tmp_path, redis_url):
    prefix = new_prefix()
    jam = make_jam(tmp_path, redis_url, prefix, None, max_attempts=3)
    out = RecordingOutbound()
    jam.outbounds.add(out)
    await jam.start()
    try:
        out.fail_next = 3  # every attempt's post fails (a platform 503), then the notice goes through
        never = await jam.submit_text("/echo never posted", origin("ann", "e1"))
        [notice] = await out.wait_for(1)
        assert notice.job_id == never.job_id
        assert "was made but could not be posted here after 3 tries (503 from the platform)" in notice.error
        out.fail_next = 1
        later = await jam.submit_text("/echo posted on the second try", origin("ann", "e2"))
        again = await jam.submit_text("/echo posted on the second try", origin("ann", "e2"))  # same event
        boom = await jam.submit_text("/boom x", origin("bob", "e3"))
        assert again.duplicate and again.job_id == later.job_id
        results = {d.job_id: d for d in await out.wait_for(3)}
        assert results[later.job_id].ok and results[boom.job_id].error == "test.boom failed: RuntimeError: kaboom"
        assert {f["id"]: (f["reason"], f["attempts"]) for f in await jam.queue.failed()} == {
            never.job_id: ("exhausted", 3), boom.job_id: ("gave-up", 1)}
        stats = await settled(jam.queue)  # the ack follows the post
        assert (stats["done"], stats["failed"], stats["retried"]) == (1, 2, 3)
    finally:
        await jam.stop()
        await drop_prefix(redis_url, prefix)
