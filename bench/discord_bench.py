"""Discord benchmark: INTERACTION_CREATE dispatch -> defer callback at the fake, for a burst.

    python bench/discord_bench.py [--burst 50] [--rounds 3]

Runs the real discord.py client against the loopback fake from tests/fake_discord.py,
sends ``--burst`` slash commands at once (each from its own member) and prints the
time from the gateway frame leaving the fake to the defer callback reaching it,
p50/p99 (target p99 < 100 ms), plus dispatch -> result follow-up for the same burst.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
from pathlib import Path

# This file is named discord.py: keep its folder off the path so `import discord` finds the library.
HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != HERE]
ROOT = HERE.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT))

import discord  # noqa: E402,F401  (the library, imported before bench/ joins the path)

sys.path.append(str(HERE))

from common import peak_rss_mb, summary  # noqa: E402
from fake_discord import APP_ID, discord_env  # noqa: E402


async def burst(env, n: int, tag: str) -> tuple[list[float], list[float]]:
    fake = env.fake
    payloads = [fake.slash("echo", {"prompt": f"{tag} {i}"}, member=(str(10_000 + i), f"m{i}")) for i in range(n)]
    sent = {}
    for p in payloads:  # one gateway frame each, back to back: the burst arrives "at once"
        sent[p["id"]] = await fake.dispatch(p)
    ids = set(sent)
    await fake.wait_for(lambda c: c.path.startswith("/interactions/") and c.path.split("/")[2] in ids, count=n,
                        timeout=60)
    defer = [fake.callback_seen[i] - sent[i] for i in ids]
    tokens = {p["token"]: p["id"] for p in payloads}
    calls = await fake.wait_for(lambda c: c.method == "POST" and c.path.startswith(f"/webhooks/{APP_ID}/")
                                and c.path.rsplit("/", 1)[-1] in tokens and bool(c.files), count=n, timeout=120)
    done = [c.at - sent[tokens[c.path.rsplit("/", 1)[-1]]] for c in calls]
    return defer, done


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--burst", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        async with discord_env(Path(tmp), rate_limit=100_000, member_in_flight=100, concurrency=2) as env:
            await burst(env, 2, "warm-up")
            defers: list[float] = []
            results: list[float] = []
            for r in range(args.rounds):
                d, done = await burst(env, args.burst, f"round{r}")
                print(summary(f"round {r + 1}: dispatch -> defer callback, {args.burst} at once", d))
                defers += d
                results += done
            print(summary(f"all rounds: dispatch -> defer callback ({args.rounds}×{args.burst})", defers))
            print(summary("all rounds: dispatch -> result follow-up with file (test.echo, 2 workers)", results))
    print(f"peak RSS {peak_rss_mb():.0f} MB")


if __name__ == "__main__":
    asyncio.run(main())
