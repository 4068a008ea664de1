"""Real servers and real processes for the scale-out tests (Redis, PostgreSQL, worker subprocesses).

Servers: ``REDIS_URL`` / ``DATABASE_URL`` when set, else the machine's shared servers on
127.0.0.1, else (Redis only) a private ``redis-server`` on a free loopback port.  With ``CI`` set a
missing server fails the test instead of skipping it.  Each test gets its own Redis key prefix
(or its own private server) and its own PostgreSQL database, and cleans up.

Also the entry points of the subprocesses the tests start, so they run our real code unchanged:
``python -c "import test_scaleout_support as s; s.worker_main()" ...`` (a worker process) and
``... s.adapter_main()`` (an adapter process that only enqueues).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any, ClassVar

import pytest

from bot.catalog.spec import Command, Option, OptionType
from generators.base import Output, Result

ROOT = Path(__file__).resolve().parent.parent
TESTS = Path(__file__).resolve().parent
SHARED_REDIS = "redis://127.0.0.1:6379/0"
SHARED_PG = "postgresql+asyncpg://postgres@127.0.0.1:5432/test"


def unavailable(why: str) -> None:
    """Skip on a developer machine without the server; fail in CI, where it must run."""
    if os.environ.get("CI"):
        pytest.fail(f"{why} (CI is set, so this test must run)")
    pytest.skip(why)


# -- Redis ---------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def redis_ping(url: str, timeout: float = 1.0) -> bool:
    import redis

    try:
        client = redis.Redis.from_url(url, socket_timeout=timeout, socket_connect_timeout=timeout)
        try:
            return bool(client.ping())
        finally:
            client.close()
    except (redis.RedisError, OSError):
        return False


class PrivateRedis:
    """A redis-server of our own (AOF on, in a temporary folder): tests may stop and restart it."""

    def __init__(self, folder: Path, *, appendonly: bool = True, fsync: str = "everysec") -> None:
        if shutil.which("redis-server") is None:
            unavailable("redis-server is not installed")
        self.folder = folder
        self.port = free_port()
        self.appendonly = appendonly
        self.fsync = fsync
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> PrivateRedis:
        self.folder.mkdir(parents=True, exist_ok=True)
        args = ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--dir", str(self.folder),
                "--save", "", "--appendonly", "yes" if self.appendonly else "no", "--appendfsync", self.fsync,
                "--daemonize", "no", "--logfile", str(self.folder / "redis.log")]
        self.process = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 30
        while not redis_ping(self.url, 0.2):
            if time.monotonic() > deadline or self.process.poll() is not None:
                raise RuntimeError(f"private redis-server did not start: {(self.folder / 'redis.log').read_text()}")
            time.sleep(0.02)
        return self

    def kill(self) -> None:
        """SIGKILL: a crash, not a clean shutdown."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)
        self.process = None

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        self.process = None


def find_redis(tmp_root: Path) -> tuple[str, PrivateRedis | None]:
    """REDIS_URL, else the shared server, else a private one."""
    url = os.environ.get("REDIS_URL")
    if url:
        if not redis_ping(url):
            unavailable(f"REDIS_URL={url} does not answer")
        return url, None
    if redis_ping(SHARED_REDIS):
        return SHARED_REDIS, None
    server = PrivateRedis(tmp_root / "redis", appendonly=False).start()
    return server.url, server


async def drop_prefix(url: str, prefix: str) -> None:
    """Delete every key of one test's prefix (the queue puts its prefix in a hash tag)."""
    from redis.asyncio import Redis

    client = Redis.from_url(url)
    try:
        keys = [k async for k in client.scan_iter(match=f"{{{prefix}}}:*", count=1000)]
        for i in range(0, len(keys), 500):
            await client.delete(*keys[i:i + 500])
    finally:
        await client.aclose()


def new_prefix() -> str:
    return f"jamroom-test-{uuid.uuid4().hex[:10]}"


# -- PostgreSQL ----------------------------------------------------------------------------------


def pg_base_url() -> str:
    url = os.environ.get("DATABASE_URL") or SHARED_PG
    for plain in ("postgres://", "postgresql://"):
        if url.startswith(plain):
            url = "postgresql+asyncpg://" + url[len(plain):]
    return url


async def _pg_admin(url: str, statement: str) -> None:
    import asyncpg

    dsn = url.replace("postgresql+asyncpg://", "postgresql://", 1)
    conn = await asyncpg.connect(dsn, timeout=3)
    try:
        await conn.execute(statement)
    finally:
        await conn.close()


async def create_pg_database() -> str:
    """A fresh database for one test; returns its SQLAlchemy URL (skips/fails when no server)."""
    base = pg_base_url()
    if not base.startswith("postgresql+asyncpg://"):
        unavailable(f"DATABASE_URL is not PostgreSQL: {base}")
    name = f"jamroom_test_{uuid.uuid4().hex[:10]}"
    try:
        await _pg_admin(base, f'CREATE DATABASE "{name}"')
    except (TimeoutError, OSError) as exc:
        unavailable(f"PostgreSQL at {base} does not answer: {exc}")
    head, _, _ = base.rpartition("/")
    return f"{head}/{name}"


async def try_pg_database() -> str | None:
    """A fresh database if a PostgreSQL server answers, else None (callers fall back to SQLite)."""
    base = pg_base_url()
    if not base.startswith("postgresql+asyncpg://"):
        return None
    name = f"jamroom_test_{uuid.uuid4().hex[:10]}"
    try:
        await _pg_admin(base, f'CREATE DATABASE "{name}"')
    except Exception:
        return None
    return f"{base.rpartition('/')[0]}/{name}"


async def drop_pg_database(url: str) -> None:
    name = url.rpartition("/")[2]
    await _pg_admin(pg_base_url(), f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# -- a slow generator and a file outbound, for processes the test cannot reach into ------------------


class Slow:
    """Sleeps (so a test can kill its worker mid-job), then echoes.  Deterministic output."""

    name = "test.slow"
    command = "slow"
    version: ClassVar[str] = "1"
    accepts: ClassVar[frozenset[str]] = frozenset()

    def generate(self, spec, inputs, seed):
        time.sleep(float(spec.get("seconds") or 0))
        body = f"{spec.get('prompt')}|{seed}".encode()
        out = Output("slow.txt", "text/plain", body, primary=True)
        return Result("note", (out,), {}, f"slow: {spec.get('prompt')}")


class Upcase:
    """Reads a member's uploaded text file: a worker can only do this if it reaches the adapter's store."""

    name = "test.upcase"
    command = "upcase"
    version: ClassVar[str] = "1"
    accepts: ClassVar[frozenset[str]] = frozenset()

    def generate(self, spec, inputs, seed):
        body = b"".join(i.data for i in inputs if i.origin == "upload").upper()
        return Result("note", (Output("upcase.txt", "text/plain", body, primary=True),), {}, "upcased")


COMMANDS = [
    Command("slow", "Sleeps, then echoes", (Option("prompt", OptionType.STRING, "Words", required=True),
                                            Option("seconds", OptionType.NUMBER, "Seconds", min=0, max=30)),
            generator="test.slow", bare="prompt", group="test"),
    Command("upcase", "Upper-cases an uploaded text file", (Option("file", OptionType.FILE, "A text file",
                                                                    required=True, mimes=("text/plain",)),),
            generator="test.upcase", group="test"),
]


class FileOutbound:
    """Appends one JSON line per progress note and delivery, with the worker's pid (O_APPEND: atomic)."""

    platform = "test"

    def __init__(self, path: Path) -> None:
        self.path = path

    def _write(self, record: dict[str, Any]) -> None:
        line = (json.dumps({**record, "pid": os.getpid(), "t": time.time()}) + "\n").encode()
        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            os.write(fd, line)
        finally:
            os.close(fd)

    async def progress(self, origin, job_id: str, state: str, text: str) -> None:
        self._write({"event": "progress", "job": job_id, "state": state})

    async def deliver(self, delivery, files: dict[str, bytes]) -> str:
        self._write({"event": "deliver", "job": delivery.job_id, "ok": delivery.ok, "error": delivery.error,
                     "artifact": delivery.artifact.id if delivery.artifact else None,
                     "files": {name: data[:200].decode("utf-8", "replace") for name, data in files.items()}})
        return f"line-{delivery.job_id}"


def read_events(path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def jam_catalog():
    """The product's catalog plus the core's test commands and /slow."""
    import importlib
    import pkgutil

    import support_catalog

    from bot.catalog import domains
    from bot.catalog.registry import build_catalog

    modules = [importlib.import_module(f"{domains.__name__}.{i.name}") for i in pkgutil.iter_modules(domains.__path__)]
    return build_catalog([*modules, support_catalog, sys.modules[__name__]])


def jam_generators() -> dict[str, Any]:
    import support_generators

    return {cls.name: cls() for cls in [*support_generators.ALL, Slow, Upcase]}


def settings(data: Path, **overrides: Any):
    from bot.settings import Settings

    values: dict[str, Any] = {"data": data, "job_timeout": 20.0, "concurrency": 1, "queue": "redis",
                              "claim_idle": 1.0, "heartbeat": 0.3, "retry_backoff": 0.05, "rate_limit": 100_000}
    values.update(overrides)
    return Settings(_env_file=None, **values)


def make_jam(data: Path, redis_url: str, prefix: str, database_url: str | None = None, *,
             artifacts: Path | None = None, **overrides: Any):
    """A Jamroom on the Redis queue with the test commands and generators (its outbound is added by the caller).

    ``artifacts``: a folder for artifact bytes shared by every process.  The settings carry it once the core
    has an ``artifacts`` setting (JAMROOM_ARTIFACTS, proposed); until then the store is pointed there here.
    """
    from bot.queue.redis import RedisQueue
    from bot.runtime import Jamroom
    from bot.settings import Settings
    from bot.store import ArtifactStore

    in_settings = artifacts is not None and "artifacts" in Settings.model_fields
    if in_settings:
        overrides["artifacts"] = artifacts
    cfg = settings(data, redis_url=redis_url, database_url=database_url, **overrides)
    queue = RedisQueue.from_settings(cfg, prefix=prefix)
    jam = Jamroom(cfg, queue=queue, cat=jam_catalog(), extra_generators=jam_generators())
    if artifacts is not None and not in_settings:
        jam.store = ArtifactStore(artifacts)
    return jam


# -- subprocess entry points ------------------------------------------------------------------------


def _args() -> argparse.Namespace:
    p = argparse.ArgumentParser()
    p.add_argument("--redis", required=True)
    p.add_argument("--prefix", required=True)
    p.add_argument("--data", required=True, type=Path)
    p.add_argument("--database", default=None)
    p.add_argument("--artifacts", default=None, type=Path)
    p.add_argument("--out", type=Path)
    p.add_argument("--concurrency", type=int, default=1)
    p.add_argument("--events", type=int, default=0)
    return p.parse_args()


def worker_main() -> None:
    """A worker process: consume the shared queue until SIGTERM; deliveries go to --out."""
    args = _args()

    async def run() -> None:
        jam = make_jam(args.data, args.redis, args.prefix, args.database, artifacts=args.artifacts,
                       concurrency=args.concurrency)
        jam.outbounds.add(FileOutbound(args.out))
        await jam.start(workers=True)
        print("ready", flush=True)
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        loop.add_signal_handler(signal.SIGTERM, stop.set)
        await stop.wait()
        await jam.stop()

    asyncio.run(run())


def adapter_main() -> None:
    """An adapter process: submit --events commands (event ids e0..eN) and print the job ids as JSON."""
    args = _args()

    async def run() -> None:
        from support import origin

        jam = make_jam(args.data, args.redis, args.prefix, args.database)
        await jam.start(workers=False)
        try:
            replies = [await jam.submit_text(f"/echo dup {i}", origin(f"m{i % 4}", f"e{i}"))
                       for i in range(args.events)]
        finally:
            await jam.stop()
        print(json.dumps([[r.job_id, r.duplicate, r.text] for r in replies]), flush=True)

    asyncio.run(run())


def spawn(entry: str, *args: str) -> subprocess.Popen[str]:
    """Start ``entry`` of this module in its own process group (so a kill takes its generator pool too)."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(TESTS), str(ROOT), os.environ.get("PYTHONPATH", "")])}
    code = f"import test_scaleout_support as s; s.{entry}()"
    return subprocess.Popen([sys.executable, "-c", code, *args], cwd=ROOT, env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)


def wait_ready(proc: subprocess.Popen[str], timeout: float = 60) -> None:
    import selectors

    sel = selectors.DefaultSelector()
    sel.register(proc.stdout, selectors.EVENT_READ)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if sel.select(timeout=0.2):
            line = proc.stdout.readline()
            if line.strip() == "ready":
                return
            if not line and proc.poll() is not None:
                break
    raise AssertionError(f"worker did not start: {proc.stderr.read() if proc.poll() is not None else 'timeout'}")


def kill_group(proc: subprocess.Popen[str], sig: int = signal.SIGKILL) -> None:
    """Signal the process group this test started (the worker and its generator processes)."""
    if proc.poll() is None or sig == signal.SIGKILL:
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            pass
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)


# -- a check that the helpers themselves work ---------------------------------------------------------


def test_private_redis_keeps_data_across_a_crash_with_aof():
    import redis

    with tempfile.TemporaryDirectory() as tmp:
        server = PrivateRedis(Path(tmp)).start()
        try:
            redis.Redis.from_url(server.url).set("k", "v")
            server.kill()
            server.start()
            assert redis.Redis.from_url(server.url).get("k") == b"v"
        finally:
            server.stop()
