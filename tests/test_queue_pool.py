"""The generator pool: one memory budget per process (issue 12.5) and warm processes (issue 12.14).

Real processes: a generator that touches more memory than the budget is stopped with the member's
one line, its process is replaced, and the pool keeps serving; every new process — at start and
after a kill — has the generator modules imported before its first job.
"""

from __future__ import annotations

import os
import sys
import time

import pytest

from bot.pool import MB, GeneratorPool, JobFailed
from generators.base import Output, Result


class Hog:
    """Touches ``spec["mb"]`` megabytes, then answers with its pid."""

    name, version, command, accepts = "test.hog", "1", "hog", frozenset()

    def generate(self, spec, inputs, seed):
        held = []
        for _ in range(int(spec["mb"]) // 8):
            block = bytearray(8 * MB)
            block[::4096] = b"\1" * len(block[::4096])  # touch every page so it is resident
            held.append(block)
        time.sleep(0.2)
        return Result("note", (Output("pid.txt", "text/plain", str(os.getpid()).encode()),), {"pid": os.getpid()})


class Probe:
    """Reports which generator modules were imported before this job arrived, and its pid."""

    name, version, command, accepts = "test.probe", "1", "probe", frozenset()

    def generate(self, spec, inputs, seed):
        loaded = sorted(m for m in sys.modules if m.startswith(("generators.music.", "generators.image.")))
        return Result("note", (), {"pid": os.getpid(), "loaded": loaded})


class Sleepy:
    name, version, command, accepts = "test.sleepy", "1", "sleepy", frozenset()

    def generate(self, spec, inputs, seed):
        time.sleep(3600)


@pytest.fixture
async def pool():
    made = GeneratorPool(1, timeout=60.0, memory_limit=300 * MB)
    await made.start()
    yield made
    await made.close()


async def test_a_job_over_the_memory_budget_is_stopped_and_its_process_replaced(pool):
    small = await pool.run(Hog(), {"mb": 40}, [], 1)
    with pytest.raises(JobFailed) as caught:
        await pool.run(Hog(), {"mb": 1200}, [], 1)
    assert caught.value.message == "that job needed more memory than Jamroom allows (300 MB)"
    assert caught.value.reason == "memory" and pool.over_memory == 1
    after = await pool.run(Hog(), {"mb": 40}, [], 1)
    assert after.facts["pid"] != small.facts["pid"]  # a fresh process took the next job


async def test_every_new_process_has_the_generators_imported_before_its_first_job():
    pool = GeneratorPool(1, timeout=2.0)
    await pool.start()
    try:
        first = await pool.run(Probe(), {}, [], 1)
        assert "generators.music.melody" in first.facts["loaded"]
        with pytest.raises(JobFailed):
            await pool.run(Sleepy(), {}, [], 1)  # killed past its limit and replaced
        again = await pool.run(Probe(), {}, [], 1)
        assert again.facts["pid"] != first.facts["pid"]
        assert "generators.music.melody" in again.facts["loaded"]
    finally:
        await pool.close()
