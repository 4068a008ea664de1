"""Slack benchmark: ack latency for concurrent signed slash commands through the real HTTP endpoint.

    python bench/slack.py [--n 50] [--command "/beat genre:house bars:2"] [--rounds 3]

Starts the loopback fake of Slack's Web API, a real Jamroom (memory queue, real
generators) with the Slack adapter on 127.0.0.1, fires N signed slash commands at
once from N members, and prints ack p50/p99 (target p99 < 100 ms), the time until
each command's public header was posted, and until every result reached the fake.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import sys
import tempfile
import time
from pathlib import Path

import aiohttp
from aiohttp import web

HERE = Path(__file__).resolve().parent
# bench/ holds modules named like the standard library's (queue.py): keep it off the path.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != HERE]
sys.path.insert(0, str(HERE.parent / "tests"))

from fake_slack import BOT_TOKEN, SIGNING_SECRET, FakeSlack, Sender, user  # noqa: E402

from adapters.slack_app import install  # noqa: E402
from adapters.slack_app.config import SlackSettings  # noqa: E402
from bot.runtime import Jamroom  # noqa: E402
from bot.settings import Settings  # noqa: E402
from bot.web import make_app  # noqa: E402


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))]


def summary(label: str, seconds: list[float]) -> str:
    ms = [s * 1000 for s in seconds]
    return f"{label}: n={len(ms)} p50={pct(ms, 50):.1f} ms p99={pct(ms, 99):.1f} ms max={max(ms):.1f} ms"


def fire(url: str, n: int, command: str, tag: str, fake_url: str) -> tuple[float, list[float]]:
    """The load generator, in its own process as Slack would be: N signed slash commands at once."""
    name, _, text = command.partition(" ")

    async def go() -> tuple[float, list[float]]:
        async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as session:
            send = Sender(url, session=session)
            await send.command("/help", "", user_id="U0000", trigger=f"{tag}-warm")  # auth.test and the first dispatch

            async def one(i: int) -> float:
                t0 = time.perf_counter()
                resp = await send.command(name, f"{text} seed:{i}", user_id=f"U{i:04d}", user_name=f"m{i}",
                                          trigger=f"{tag}-{i}", response_url=f"{fake_url}/response/{i}")
                assert resp.status == 200, resp.status
                return time.perf_counter() - t0

            started = time.time()
            return started, list(await asyncio.gather(*(one(i) for i in range(n))))

    return asyncio.run(go())


async def round_(n: int, command: str, data: Path, tag: str) -> None:
    fake = await FakeSlack(users={f"U{i:04d}": user(f"U{i:04d}", f"m{i}") for i in range(n)}).start()
    jam = Jamroom(Settings(_env_file=None, data=data, queue="memory", database_url=None, redis_url=None,
                           concurrency=2, rate_limit=10_000))
    await jam.start()
    app = make_app(jam)
    install(jam, app, SlackSettings(bot_token=BOT_TOKEN, signing_secret=SIGNING_SECRET, api_url=fake.api_url))
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    url = f"http://127.0.0.1:{port}/slack/events"
    name = command.split(" ", 1)[0]
    try:
        from concurrent.futures import ProcessPoolExecutor  # after the path fix: it imports queue

        with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
            start, acks = await asyncio.get_running_loop().run_in_executor(pool, fire, url, n, command, tag,
                                                                           fake.url)
        await fake.wait_for("chat.postMessage", n, timeout=120, thread_ts=None)
        headers = time.time() - start
        await fake.wait_for("chat.update", n, timeout=600, text=lambda t: t and ("done" in t or "failed" in t))
        total = time.time() - start
        print(summary(f"[{tag}] ack {n} concurrent {name}", acks), flush=True)
        print(f"[{tag}] all {n} headers posted {headers:.1f} s after the burst began; all {n} results in "
              f"Slack after {total:.1f} s; {len(fake.uploads)} files uploaded", flush=True)
    finally:
        await runner.cleanup()
        await jam.stop()
        await fake.stop()


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=50)
    parser.add_argument("--command", default="/beat genre:house bars:2")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        for r in range(args.rounds):
            await round_(args.n, args.command, Path(tmp) / f"r{r}", f"round {r + 1}")


if __name__ == "__main__":
    asyncio.run(main())
