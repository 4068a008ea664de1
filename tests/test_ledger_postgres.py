"""The ledger on PostgreSQL: same migrations, and a hash chain that stays whole with concurrent writers.

Each test gets a fresh database (CREATE DATABASE on the server from DATABASE_URL, default the
machine's 127.0.0.1:5432); writers use separate engines or separate processes, as workers would.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys

import pytest
from test_scaleout_support import ROOT, create_pg_database, drop_pg_database

from bot.ledger import Ledger
from bot.models import Artifact, ArtifactFile, Contributor, Role
from bot.settings import Settings


@pytest.fixture
async def pg_url():
    url = await create_pg_database()
    yield url
    await drop_pg_database(url)


def artifact(n: int, job: str | None = None) -> Artifact:
    c = Contributor(f"test:w1:m{n % 3}", f"m{n % 3}", Role.PROMPTED)
    return Artifact(id=f"a{n:011d}", kind="note", thread="test:w1:c1:t1", generator="test.echo", version="1",
                    spec={"prompt": f"p{n}"}, seed=n, parents=[], contributors=[c],
                    files=[ArtifactFile("echo.txt", "text/plain", "ab" * 32, 3, True)], job_id=job or f"j{n}")


def test_settings_turn_a_plain_postgres_url_into_asyncpg():
    cfg = Settings(_env_file=None, database_url="postgres://u@h:5432/db")
    assert cfg.sqlalchemy_url == "postgresql+asyncpg://u@h:5432/db"


async def test_migrations_and_records_on_postgres(pg_url):
    ledger = await Ledger(pg_url).open()
    try:
        await ledger.record_artifact(artifact(1))
        assert (await ledger.artifact(artifact(1).id)) == artifact(1)
        assert await ledger.mark_delivered("j1", artifact(1).id, "msg-1")
        assert not await ledger.mark_delivered("j1", artifact(1).id, "msg-1")
        assert (await ledger.verify()).ok
    finally:
        await ledger.close()
    again = await Ledger(pg_url).open()  # a second process start: migrations are a no-op
    try:
        assert await again.count() == 1
    finally:
        await again.close()


async def test_concurrent_engines_keep_one_chain(pg_url):
    ledgers = [await Ledger(pg_url).open() for _ in range(4)]
    try:
        await asyncio.gather(*(ledgers[i % 4].record_artifact(artifact(i)) for i in range(80)))
        await asyncio.gather(*(ledgers[i % 4].append("policy", f"s{i}", "t", {"n": i}) for i in range(40)))
        verdict = await ledgers[0].verify()
        assert verdict.ok and verdict.checked == 120
        assert len(await ledgers[0].artifacts()) == 80
    finally:
        for ledger in ledgers:
            await ledger.close()


async def test_the_same_artifact_recorded_at_once_by_two_workers_is_one_entry(pg_url):
    ledgers = [await Ledger(pg_url).open() for _ in range(4)]
    try:
        same = artifact(7)
        hashes = await asyncio.gather(*(ledger.record_artifact(same) for ledger in ledgers))
        assert len(set(hashes)) == 1
        assert await ledgers[0].count() == 1 and (await ledgers[0].verify()).ok
    finally:
        for ledger in ledgers:
            await ledger.close()


APPENDER = """
import asyncio, sys
from bot.ledger import Ledger

async def main(url, who, n):
    ledger = await Ledger(url).open()
    try:
        await asyncio.gather(*(ledger.append("policy", f"{who}-{i}", "t", {"who": who, "i": i}) for i in range(n)))
    finally:
        await ledger.close()

asyncio.run(main(sys.argv[1], sys.argv[2], int(sys.argv[3])))
"""


def appenders(url: str, count: int, each: int) -> list[subprocess.CompletedProcess[str]]:
    procs = [subprocess.Popen([sys.executable, "-c", APPENDER, url, f"p{i}", str(each)], cwd=ROOT, text=True,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=dict(os.environ))
             for i in range(count)]
    return [subprocess.CompletedProcess(p.args, p.wait(timeout=120), *p.communicate()) for p in procs]


async def test_concurrent_processes_keep_one_chain(pg_url):
    ledger = await Ledger(pg_url).open()  # migrate first, as the web process would
    try:
        for done in await asyncio.to_thread(appenders, pg_url, 3, 30):
            assert done.returncode == 0, done.stderr
        verdict = await ledger.verify()
        assert verdict.ok and verdict.checked == 90
        head_seq, head = await ledger.head()
        assert head_seq == 90 and head == verdict.head
    finally:
        await ledger.close()
