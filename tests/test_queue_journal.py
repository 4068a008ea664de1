"""The embedded default keeps its jobs across a crash (issue 12.10): waiting and running jobs are in
``<JAMROOM_DATA>/queue.sqlite3`` and run after a restart, each posted once.

A real child process queues the jobs and is killed with SIGKILL or SIGTERM; a fresh Jamroom on the
same data folder must deliver every one of them.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sqlite3
import sys
import textwrap
from pathlib import Path

import pytest
from support import make_jam, origin
from test_queue_memory import job

from bot.queue.base import Fairness, Retries
from bot.queue.journal import Journal
from bot.queue.memory import MemoryQueue

TESTS = Path(__file__).parent
ROOT = TESTS.parent

CHILD = textwrap.dedent("""
    import asyncio, sys
    from support import make_jam, origin

    async def main(data):
        jam, _ = make_jam(data, rate_limit=1000, member_in_flight=100)
        await jam.start(workers=False)
        ids = []
        for i in range(24):
            reply = await jam.submit_text(f"/echo job {i}", origin(f"m{i % 4}", f"event-{i}"))
            ids.append(reply.job_id)
        running = [await jam.queue.consume() for _ in range(2)]  # two jobs mid-run when the signal comes
        print(" ".join(ids), flush=True)
        print(" ".join(j.id for j in running), flush=True)
        await asyncio.sleep(3600)

    asyncio.run(main(sys.argv[1]))
""")


async def queue_in_a_child_and_kill_it(data: Path, sig: signal.Signals) -> tuple[list[str], list[str]]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(TESTS), str(ROOT)])}
    child = await asyncio.create_subprocess_exec(sys.executable, "-c", CHILD, str(data), env=env,
                                                 stdout=asyncio.subprocess.PIPE, cwd=str(ROOT))
    try:
        async with asyncio.timeout(120):
            queued = (await child.stdout.readline()).decode().split()
            running = (await child.stdout.readline()).decode().split()
    finally:
        child.send_signal(sig)
        await child.wait()
    assert len(queued) == 24 and len(running) == 2
    return queued, running


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM])
async def test_a_killed_embedded_jamroom_loses_no_waiting_or_running_job(tmp_path, sig):
    queued, running = await queue_in_a_child_and_kill_it(tmp_path, sig)
    jam, out = make_jam(tmp_path, rate_limit=1000, member_in_flight=100)
    await jam.start()
    try:
        delivered = await out.wait_for(24, timeout=120)
        assert sorted(d.job_id for d in delivered) == sorted(queued)
        assert all(d.ok for d in delivered)
        again = await jam.submit_text("/echo job 0", origin("m0", "event-0"))  # the platform re-sends an event
        assert again.duplicate
        stats = await jam.queue.stats()
        assert stats["resumed"] == 24
    finally:
        await jam.stop()
    left = sqlite3.connect(tmp_path / "queue.sqlite3").execute("SELECT COUNT(*) FROM queued_jobs").fetchone()[0]
    assert left == 0
    assert set(running) <= set(queued)


async def test_retries_and_cancels_are_kept_in_the_journal(tmp_path):
    path = tmp_path / "queue.sqlite3"
    q = MemoryQueue(Fairness(), retries=Retries(backoff=600), journal=Journal(path))
    await q.enqueue(job("ann", 1), "a1")
    await q.enqueue(job("ann", 2), "a2")
    await q.enqueue(job("bob", 1), "b1")
    assert await q.fail(await q.consume(), "429", retry=True)  # jann1 waits ten minutes for its retry
    assert await q.cancel("jann2", "test:w1:ann")
    await q.close()

    again = MemoryQueue(Fairness(), retries=Retries(backoff=600), journal=Journal(path))
    assert await again.waiting_of("test:w1:ann") == ["jann1"] and await again.waiting_of("test:w1:bob") == ["jbob1"]
    assert (await again.consume()).id == "jbob1"  # the retry is still not due
    assert (await again.job("jann1")).attempts == 1
    await again.close()


async def test_a_job_running_at_each_of_its_last_crashes_becomes_a_dead_letter(tmp_path):
    path = tmp_path / "queue.sqlite3"
    for _ in range(2):  # two crashes mid-run, each without finishing the job
        q = MemoryQueue(Fairness(), retries=Retries(max_attempts=2), journal=Journal(path))
        if not await q.waiting_of("test:w1:ann"):
            await q.enqueue(job("ann", 1), "a1")
        await q.consume()
    q = MemoryQueue(Fairness(), retries=Retries(max_attempts=2), journal=Journal(path))
    [dead] = await q.failed()
    assert (dead["id"], dead["reason"], dead["attempts"]) == ("jann1", "lost", 2)
    assert (await q.stats())["waiting"] == 0
    await q.close()
