"""Studio benchmark: many WebSocket clients send a command at the same moment.

    python bench/studio.py [--clients 50] [--rounds 3] [--command "/sketch bench {i} seed:{i}"] [--url URL]

Starts `jamroom serve` (memory queue, real generators, a temporary data folder) on a
free loopback port unless --url names a running studio, connects N tabs, and in each
round has every tab send one command at once.  Prints the time from send to the
"queued · position N" message p50/p99 (target p99 < 100 ms), then the time until
results arrived for the first round.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import importlib.util
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from pathlib import Path

import aiohttp

# Not `sys.path.insert`: a module in bench/ named like a stdlib one (queue.py) would shadow it.
HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != HERE]
_spec = importlib.util.spec_from_file_location("bench_common", HERE / "common.py")
common = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(common)
pct, summary = common.pct, common.summary


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def serve(data: Path, concurrency: int):
    port = free_port()
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("JAMROOM_") and k not in ("REDIS_URL", "DATABASE_URL")}
    env.update(JAMROOM_DATA=str(data), JAMROOM_QUEUE="memory", JAMROOM_CONCURRENCY=str(concurrency),
               JAMROOM_LOG_LEVEL="WARNING", JAMROOM_RATE_LIMIT="1000",
               JAMROOM_MEMBER_IN_FLIGHT="10")
    proc = subprocess.Popen([sys.executable, "-c", "import sys; from bot.cli.main import main; sys.exit(main())",
                             "serve", "--host", "127.0.0.1", "--port", str(port), "--platforms", "studio"],
                            env=env, cwd=data, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            with contextlib.suppress(OSError), urllib.request.urlopen(base + "/healthz", timeout=2):
                break
            if proc.poll() is not None or time.monotonic() > deadline:
                raise SystemExit("jamroom serve did not start")
            time.sleep(0.2)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()


class Client:
    """One tab.  It JSON-decodes only frames that mention its own commands or jobs: 50 tabs in one
    process would otherwise spend the machine parsing each other's messages, which real browsers,
    each on its own computer, never do."""

    def __init__(self, ws: aiohttp.ClientWebSocketResponse, name: str) -> None:
        self.ws = ws
        self.name = name
        self.acked: dict[str, float] = {}
        self.jobs: dict[str, str] = {}
        self.results: dict[str, float] = {}
        self.mine: set[str] = set()
        self.changed = asyncio.Event()
        self.reader: asyncio.Task[None] | None = None

    async def read(self) -> None:
        async for frame in self.ws:
            if frame.type is not aiohttp.WSMsgType.TEXT:
                break
            if not any(key in frame.data for key in self.mine):
                continue
            event = frame.json()
            for one in event["events"] if event["type"] == "batch" else [event]:
                self.note(one)
            self.changed.set()

    def note(self, event: dict) -> None:
        if event["type"] != "message":
            return
        message = event["message"]
        if message["kind"] == "command" and message.get("client_id") in self.mine:
            self.acked.setdefault(message["client_id"], time.perf_counter())
            if message.get("job_id"):
                self.jobs[message["job_id"]] = message["client_id"]
                self.mine.add(message["job_id"])
        elif message["kind"] in ("result", "error") and message["job_id"] in self.jobs:
            self.results.setdefault(message["job_id"], time.perf_counter())

    async def wait(self, check, timeout: float) -> None:
        async with asyncio.timeout(timeout):
            while not check():
                self.changed.clear()
                await self.changed.wait()


async def run(base: str, clients: int, rounds: int, command: str, results_timeout: float, *, warmup: int = 1,
              spread: bool = False) -> None:
    ws_url = base.replace("http", "ws", 1) + "/studio/ws"
    # No cookie jar: each tab is its own browser, so its own member (the studio gives each a member cookie).
    async with aiohttp.ClientSession(cookie_jar=aiohttp.DummyCookieJar()) as session:
        tabs: list[Client] = []
        thread = f"bench-{uuid.uuid4().hex[:6]}"
        for i in range(clients):
            ws = await session.ws_connect(ws_url, max_msg_size=0)
            tab = Client(ws, f"bench{i}")
            await ws.send_json({"type": "hello", "name": tab.name, "thread": f"{thread}-{i}" if spread else thread})
            while True:
                event = await ws.receive_json()
                if any(e["type"] == "welcome" for e in event.get("events", [event])):
                    break
            tab.reader = asyncio.create_task(tab.read())
            tabs.append(tab)
        where = f"each in its own thread {thread}-N" if spread else f"all in thread {thread}"
        print(f"{clients} tabs connected to {base}, {where}")
        latencies: list[float] = []
        cold: list[float] = []
        round_one: list[tuple[Client, str, float]] = []
        for r in range(warmup + rounds):
            sent: list[tuple[Client, str, float]] = []

            async def one(i: int, tab: Client, r: int = r, sent: list = sent) -> None:
                event = str(uuid.uuid4())
                text = command.format(i=i + r * clients)
                tab.mine.add(event)
                t0 = time.perf_counter()
                await tab.ws.send_json({"type": "send", "id": event, "text": text})
                sent.append((tab, event, t0))

            await asyncio.gather(*(one(i, tab) for i, tab in enumerate(tabs)))
            for tab, event, _ in sent:
                await tab.wait(lambda tab=tab, event=event: event in tab.acked, 30)
            took = [tab.acked[event] - t0 for tab, event, t0 in sent]
            if r < warmup:
                cold += took
                continue
            latencies += took
            if r == warmup:
                round_one = sent
        if cold:
            print(summary(f"send → queued, warm-up round{'s' if warmup > 1 else ''} (cold server, not counted)", cold))
        print(summary(f"send → queued, {clients} tabs at once × {rounds} rounds", latencies))
        p99 = pct([x * 1000 for x in latencies], 99)
        print(f"target p99 < 100 ms: {'met' if p99 < 100 else 'NOT met'} ({p99:.1f} ms)")
        if results_timeout > 0:
            done: list[float] = []
            for tab, event, t0 in round_one:
                job = next((j for j, e in tab.jobs.items() if e == event), None)
                if job is None:
                    continue
                with contextlib.suppress(TimeoutError):
                    await tab.wait(lambda tab=tab, job=job: job in tab.results, results_timeout)
                if job in tab.results:
                    done.append(tab.results[job] - t0)
            if done:
                print(summary(f"send → result in the page, first counted round ({len(done)}/{clients} done)", done))
        for tab in tabs:
            await tab.ws.close()
            if tab.reader:
                tab.reader.cancel()


class _Quiet:
    """Swallows deliveries in the baseline (no studio there to show them)."""

    platform = "studio"

    async def progress(self, *args: object) -> None:
        return None

    async def deliver(self, *args: object) -> str:
        return ""


async def core_alone(clients: int, rounds: int, warmup: int, command: str, concurrency: int) -> list[float]:
    """The same burst straight into ``jam.submit_text`` in one process: what the core itself costs."""
    from bot.models import Origin
    from bot.runtime import Jamroom
    from bot.settings import Settings

    with tempfile.TemporaryDirectory() as tmp:
        jam = Jamroom(Settings(_env_file=None, data=Path(tmp), queue="memory", database_url=None, redis_url=None,
                               concurrency=concurrency, rate_limit=1000, member_in_flight=10))
        jam.outbounds.add(_Quiet())
        await jam.start()
        took: list[float] = []
        try:
            for r in range(warmup + rounds):
                async def one(i: int, r: int = r) -> float:
                    origin = Origin("studio", "local", "studio", "bench", f"bench{i}", f"bench{i}", str(uuid.uuid4()))
                    t0 = time.perf_counter()
                    await jam.submit_text(command.format(i=i + r * clients), origin)
                    return time.perf_counter() - t0

                batch = await asyncio.gather(*(one(i) for i in range(clients)))
                if r >= warmup:
                    took += batch
        finally:
            await jam.stop()
        return took


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--warmup", type=int, default=1, help="rounds run first and reported apart (cold server)")
    parser.add_argument("--spread", action="store_true", help="each tab in its own thread (no 50-way fan-out)")
    parser.add_argument("--command", default="/sketch bench {i} seed:{i}")
    parser.add_argument("--concurrency", type=int, default=1, help="generator processes of the served studio")
    parser.add_argument("--results-timeout", type=float, default=120.0, help="0 skips waiting for results")
    parser.add_argument("--url", help="a running studio (http://host:port) instead of starting one")
    parser.add_argument("--no-baseline", action="store_true", help="skip the core-alone burst")
    args = parser.parse_args()
    if not args.no_baseline:
        took = asyncio.run(core_alone(args.clients, args.rounds, args.warmup, args.command, args.concurrency))
        print(summary(f"core alone: jam.submit_text, {args.clients} at once × {args.rounds} rounds, in-process", took))
    def go(base: str) -> None:
        asyncio.run(run(base, args.clients, args.rounds, args.command, args.results_timeout, warmup=args.warmup,
                        spread=args.spread))

    if args.url:
        go(args.url.rstrip("/"))
        return
    with tempfile.TemporaryDirectory() as tmp, serve(Path(tmp), args.concurrency) as base:
        go(base)


if __name__ == "__main__":
    main()
