"""Scale-out on real servers and real processes: workers that share the queue, die, and come back.

Worker and adapter processes run our code unchanged (entry points in test_scaleout_support);
they report deliveries through a file, and the test reads the shared ledger afterwards.
"""

from __future__ import annotations

import asyncio
import collections
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from support import RecordingOutbound, origin
from test_scaleout_support import (
    ROOT,
    PrivateRedis,
    drop_pg_database,
    drop_prefix,
    find_redis,
    kill_group,
    make_jam,
    new_prefix,
    read_events,
    spawn,
    try_pg_database,
    wait_ready,
)

from bot.ledger import Ledger
from bot.models import Job, Request
from bot.queue.redis import BUSY, RedisQueue

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory):
    url, server = find_redis(tmp_path_factory.mktemp("redis"))
    yield url
    if server is not None:
        server.stop()


@pytest.fixture
async def prefix(redis_url):
    name = new_prefix()
    yield name
    await drop_prefix(redis_url, name)


@pytest.fixture
async def ledger_url():
    """A fresh PostgreSQL database when a server answers, else None: SQLite in the workers' shared folder
    (tests/test_ledger_postgres.py is the one that insists on PostgreSQL)."""
    url = await try_pg_database()
    yield url
    if url is not None:
        await drop_pg_database(url)


async def wait_for(path: Path, match, timeout: float = 60.0) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for event in read_events(path):
            if match(event):
                return event
        await asyncio.sleep(0.05)
    raise AssertionError(f"no matching event in {timeout} s; last: {read_events(path)[-3:]}")


async def wait_count(path: Path, job_ids: set[str], timeout: float = 90.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        done = {e["job"] for e in read_events(path) if e["event"] == "deliver"}
        if job_ids <= done:
            return
        await asyncio.sleep(0.1)
    raise AssertionError(f"{len(job_ids - done)} jobs never delivered")


def running_on(job_id: str):
    return lambda e: e["event"] == "progress" and e["job"] == job_id and e["state"] == "running"


async def test_workers_share_the_queue_and_a_killed_workers_job_is_redone_once(tmp_path, redis_url, prefix,
                                                                                 ledger_url):
    out, data = tmp_path / "events.jsonl", tmp_path / "workers"
    extra = ["--database", ledger_url] if ledger_url else []
    workers = [spawn("worker_main", "--redis", redis_url, "--prefix", prefix, "--data", str(data), "--out", str(out),
                     *extra) for _ in range(3)]
    jam = make_jam(tmp_path / "adapter", redis_url, prefix, ledger_url)  # the adapter has its own data folder
    try:
        for w in workers:
            wait_ready(w)
        by_pid = {w.pid: w for w in workers}
        await jam.start(workers=False)

        # 1. All idle: a slow job's worker is SIGKILLed; an idle worker reclaims it with no new traffic.
        first = await jam.submit_text("/slow first seconds:1", origin("sam", "slow-1"))
        victim = (await wait_for(out, running_on(first.job_id)))["pid"]
        kill_group(by_pid.pop(victim))
        redone = await wait_for(out, lambda e: e["event"] == "deliver" and e["job"] == first.job_id)
        assert redone["pid"] != victim and redone["ok"]

        # 2. Two workers, 200 jobs; mid-run the worker running a slow job is SIGKILLed.
        ids = {first.job_id}
        for i in range(200):
            reply = await jam.submit_text(f"/echo job {i}", origin(f"m{i % 10}", f"echo-{i}"))
            assert reply.ok, reply.text
            ids.add(reply.job_id)
        await wait_for(out, lambda e: sum(x["event"] == "deliver" for x in read_events(out)) > 40)
        slow = await jam.submit_text("/slow second seconds:1", origin("sam", "slow-2"))
        ids.add(slow.job_id)
        victim = (await wait_for(out, running_on(slow.job_id)))["pid"]
        kill_group(by_pid.pop(victim))
        await wait_count(out, ids)
    finally:
        await jam.stop()
        for w in workers:
            kill_group(w, signal.SIGTERM)

    deliveries = [e for e in read_events(out) if e["event"] == "deliver"]
    counts = collections.Counter(e["job"] for e in deliveries)
    assert set(counts) == ids and set(counts.values()) == {1}, "every result delivered exactly once"
    assert all(e["ok"] for e in deliveries)
    phase2 = [e for e in deliveries if e["job"] != first.job_id]
    assert len({e["pid"] for e in phase2}) == 2, "both remaining workers took jobs"
    ledger = await Ledger(ledger_url or f"sqlite+aiosqlite:///{data / 'ledger.sqlite3'}").open()
    try:
        artifacts = await ledger.artifacts()
        assert sorted(a.job_id for a in artifacts) == sorted(ids), "every result recorded once"
        assert (await ledger.verify()).ok
    finally:
        await ledger.close()


async def test_adapter_and_worker_with_their_own_data_folders_share_the_artifact_store(tmp_path, redis_url, prefix):
    shared, out = tmp_path / "shared-artifacts", tmp_path / "events.jsonl"
    worker = spawn("worker_main", "--redis", redis_url, "--prefix", prefix, "--data", str(tmp_path / "worker"),
                   "--artifacts", str(shared), "--out", str(out))
    jam = make_jam(tmp_path / "adapter", redis_url, prefix, None, artifacts=shared)
    try:
        await jam.start(workers=False)
        upload = jam.save_upload("words.txt", "text/plain", b"hello from the adapter")
        reply = await jam.submit_text("/upcase file:words.txt", origin("ann", "up-1"), {"file": upload})
        assert reply.ok, reply.text
        wait_ready(worker)
        done = await wait_for(out, lambda e: e["event"] == "deliver" and e["job"] == reply.job_id)
        assert done["ok"] and done["files"] == {"upcase.txt": "HELLO FROM THE ADAPTER"}
    finally:
        await jam.stop()
        kill_group(worker, signal.SIGTERM)


async def test_one_event_from_two_adapter_processes_is_one_job(tmp_path, redis_url, prefix):
    adapters = [spawn("adapter_main", "--redis", redis_url, "--prefix", prefix, "--data", str(tmp_path / f"a{i}"),
                      "--events", "20") for i in range(2)]
    outputs = []
    for proc in adapters:
        stdout, stderr = proc.communicate(timeout=120)
        assert proc.returncode == 0, stderr
        outputs.append(__import__("json").loads(stdout.strip().splitlines()[-1]))
    first, second = outputs
    assert [r[0] for r in first] == [r[0] for r in second]
    assert all(a[1] != b[1] for a, b in zip(first, second, strict=True)), "exactly one of each pair is new"
    queue = RedisQueue(redis_url, prefix=prefix)
    try:
        assert (await queue.stats())["waiting"] == 20
    finally:
        await queue.close()


async def test_redis_crash_and_restart_mid_run_loses_nothing(tmp_path):
    # fsync always: what Redis acknowledged is on disk, so the test checks our side, not the disk's speed
    # (docs/scaling.md says what everysec can lose).  claim_idle well above the outage, as in production.
    server = PrivateRedis(tmp_path / "redis", appendonly=True, fsync="always").start()
    jam = make_jam(tmp_path / "data", server.url, "jamroom", None, concurrency=2, claim_idle=5.0)
    out = RecordingOutbound()
    jam.outbounds.add(out)
    try:
        await jam.start()
        accepted = []
        for i in range(30):
            reply = await jam.submit_text(f"/slow r{i} seconds:0.1", origin(f"m{i % 3}", f"r{i}"))
            accepted.append(reply.job_id)
        await out.wait_for(5)
        server.kill()  # a crash: SIGKILL
        refused = await jam.submit_text("/echo while down", origin("ann", "down-1"))
        assert not refused.ok and BUSY in refused.text
        await asyncio.sleep(0.5)
        server.start()  # same port, same folder: replays the AOF
        for i in range(5):
            accepted.append((await jam.submit_text(f"/echo after {i}", origin("ann", f"after-{i}"))).job_id)
        await out.wait_for(len(accepted), timeout=60)
        await asyncio.sleep(1.5)  # anything reclaimed after the outage would post again by now
        posted = collections.Counter(d.job_id for d, _ in out.deliveries)
        assert set(posted) == set(accepted) and set(posted.values()) == {1}
        assert all(d.ok for d, _ in out.deliveries)
    finally:
        await jam.stop()
        server.stop()


def start_worker_command(env: dict[str, str]) -> subprocess.Popen[str]:
    """`jamroom worker`, as the Procfile runs it, in its own process group."""
    full = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")} | env
    return subprocess.Popen([sys.executable, "-m", "bot.cli.main", "worker", "--concurrency", "1"], cwd=ROOT,
                            env=full, text=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            start_new_session=True)


async def until(probe, ok, timeout: float = 90.0):
    deadline = time.monotonic() + timeout
    while True:
        value = await probe()
        if ok(value) or time.monotonic() > deadline:
            return value
        await asyncio.sleep(0.2)


@pytest.fixture
def cli(capsys, monkeypatch):
    """Run `jamroom ...` in this process (a thread with its own event loop): (exit code, stdout, stderr)."""
    from bot.cli.main import main

    async def run(env: dict[str, str], *args: str) -> tuple[int, str, str]:
        for name in ("DATABASE_URL", "REDIS_URL", "JAMROOM_DATA"):
            monkeypatch.delenv(name, raising=False)
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        capsys.readouterr()
        try:
            code = await asyncio.to_thread(main, list(args))
        except SystemExit as exc:
            code = int(exc.code or 0)
        out = capsys.readouterr()
        return code, out.out, out.err

    return run


async def test_jobs_cli_and_a_jamroom_worker_process(tmp_path, cli):
    server = PrivateRedis(tmp_path / "redis", appendonly=False).start()  # own server: the default prefix
    env = {"REDIS_URL": server.url, "JAMROOM_DATA": str(tmp_path / "worker")}
    queue = RedisQueue(server.url, max_attempts=2)
    worker = jam = None
    try:
        doomed = Job("jdoomed", Request("echo", {"prompt": "doomed"}, origin("ann", "cli-1"), text="/echo doomed"),
                     "test.echo", 1, [])
        await queue.enqueue(doomed, "cli-1")
        taken = await queue.consume()
        assert not await queue.fail(taken, "test.boom failed: RuntimeError: kaboom", retry=False)

        code, out, _ = await cli(env, "jobs", "failed")
        assert code == 0 and "jdoomed" in out and "kaboom" in out
        assert "gave-up" in out and "/echo doomed" in out
        code, out, err = await cli(env, "jobs", "retry", "jdoomed", "jnosuch")
        assert out.strip() == "requeued jdoomed"
        assert code == 1 and "no failed job jnosuch" in err
        code, out, _ = await cli(env, "jobs", "stats")
        assert code == 0 and "waiting 1" in out and "dead 0" in out
        await queue.ack(await queue.consume())  # (the product's worker has no test.echo generator)

        # The product's own worker process (Procfile `worker`) runs the real generator and records it.
        worker = start_worker_command(env | {"JAMROOM_CLAIM_IDLE": "1"})
        jam = make_jam(tmp_path / "adapter", server.url, "jamroom", None)
        await jam.start(workers=False)
        sketch = await jam.submit_text("/sketch neon koi seed:7", origin("bob", "cli-2"))
        await until(lambda: queue.stats(), lambda stats: stats["done"] + stats["failed"] >= 3)
        code, out, err = await cli(env, "jobs", "stats", "--json")
        kill_group(worker, signal.SIGTERM)
        logs = worker.stderr.read()
        assert code == 0 and '"done": 2' in out, f"{out}{err}{await queue.failed()}\n{logs}"
        assert worker.returncode == 0, logs
        ledger = await Ledger(f"sqlite+aiosqlite:///{tmp_path / 'worker' / 'ledger.sqlite3'}").open()
        try:
            [art] = [a for a in await ledger.artifacts() if a.job_id == sketch.job_id]
            assert art.generator == "image.sketch" and (await ledger.verify()).ok
        finally:
            await ledger.close()
    finally:
        if worker is not None and worker.poll() is None:
            kill_group(worker)
        if jam is not None:
            await jam.stop()
        await queue.close()
        server.stop()


async def test_jobs_cli_needs_redis(tmp_path, cli):
    code, _, err = await cli({"JAMROOM_DATA": str(tmp_path)}, "jobs", "stats")
    assert code == 1 and "needs the Redis queue" in err
    code, _, err = await cli({"JAMROOM_DATA": str(tmp_path), "REDIS_URL": "redis://127.0.0.1:1/0"}, "jobs", "failed")
    assert code == 1 and "cannot reach Redis" in err
