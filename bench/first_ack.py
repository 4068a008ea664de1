"""First command after a start: how long Slack waits for its ack while both cores are busy.

    nice -n 10 python bench/first_ack.py [--rounds 10] [--command "/melody wistful bars:2"]

Each round keeps both cores busy with two CPU-burning processes (as generators would),
starts a fresh Jamroom the way ``jamroom serve`` does (generators imported in a thread
while the ledger opens and platforms mount, the port opened once they are in; memory
queue, process pool, the Slack adapter on 127.0.0.1 talking to the loopback fake of
Slack's Web API), and sends one signed slash command the moment the site listens.
Prints each round's ack, then p50/p99 over the rounds (target p99 < 100 ms; Slack's own
limit is 3 s), and the time until the command's public header was posted.
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


def burn(stop_at: float) -> None:
    """A busy core, as a generator process would keep it."""
    x = 0
    while time.time() < stop_at:
        x += 1


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))]


async def one_round(data: Path, command: str, tag: str, during_warm: bool) -> tuple[float, float]:
    ctx = multiprocessing.get_context("spawn")
    burners = [ctx.Process(target=burn, args=(time.time() + 120,), daemon=True) for _ in range(2)]
    for p in burners:
        p.start()
    fake = await FakeSlack(users={"UANN": user("UANN", "ann")}).start()
    jam = Jamroom(Settings(_env_file=None, data=data, queue="memory", database_url=None, redis_url=None,
                           concurrency=2))
    runner: web.AppRunner | None = None
    try:
        await jam.start(warm=True)  # as `jamroom serve`: generators import in a thread...
        if not during_warm:  # ...and the port opens once they are in (--during-warm: a command races them)
            await jam.loaded_generators()
        app = make_app(jam)
        install(jam, app, SlackSettings(bot_token=BOT_TOKEN, signing_secret=SIGNING_SECRET, api_url=fake.api_url,
                                        _env_file=None))
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        name, _, text = command.partition(" ")
        async with aiohttp.ClientSession() as session:
            send = Sender(f"http://127.0.0.1:{port}/slack/events", session=session)
            t0 = time.perf_counter()
            resp = await send.command(name, text, trigger=f"{tag}-1", response_url=f"{fake.url}/response/1")
            ack = time.perf_counter() - t0
            assert resp.status == 200, resp.status
            await fake.wait_for("chat.postMessage", 1, timeout=120)
            header = time.perf_counter() - t0
        return ack, header
    finally:
        if runner is not None:
            await runner.cleanup()
        await jam.stop()
        await fake.stop()
        for p in burners:
            p.terminate()
            p.join()


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--command", default="/melody wistful bars:2")
    parser.add_argument("--during-warm", action="store_true",
                        help="open the port before the generator imports finish (how it was before serve waited)")
    args = parser.parse_args()
    acks: list[float] = []
    headers: list[float] = []
    with tempfile.TemporaryDirectory() as tmp:
        for r in range(args.rounds):
            ack, header = await one_round(Path(tmp) / f"r{r}", args.command, f"r{r}", args.during_warm)
            acks.append(ack)
            headers.append(header)
            print(f"round {r + 1}: ack {ack * 1000:.1f} ms, header posted after {header * 1000:.0f} ms", flush=True)
    ms = [a * 1000 for a in acks]
    hs = [h * 1000 for h in headers]
    print(f"first-command ack after start, both cores busy: n={len(ms)} p50={pct(ms, 50):.1f} ms "
          f"p99={pct(ms, 99):.1f} ms max={max(ms):.1f} ms (target p99 < 100 ms)")
    print(f"header posted: p50={pct(hs, 50):.0f} ms p99={pct(hs, 99):.0f} ms")


if __name__ == "__main__":
    asyncio.run(main())
