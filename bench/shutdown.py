"""How long `jamroom serve` takes to stop after SIGTERM with studio tabs open and jobs running.

    nice -n 10 python bench/shutdown.py [--rounds 3] [--tabs 4]

Each round starts `jamroom serve` (memory queue, studio on 127.0.0.1, a fresh data
folder), opens ``--tabs`` studio websockets, starts two long melody jobs from one of
them, sends SIGTERM and times the exit.  Containers kill 10 s after SIGTERM: target < 10 s.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import socket
import sys
import tempfile
import time
from pathlib import Path

import aiohttp

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def one_round(data: Path, tabs: int) -> tuple[float, int]:
    port = free_port()
    env = {**os.environ, "JAMROOM_DATA": str(data), "JAMROOM_QUEUE": "memory", "PYTHONUNBUFFERED": "1"}
    for key in ("REDIS_URL", "DATABASE_URL", "SLACK_BOT_TOKEN", "DISCORD_TOKEN", "JAMROOM_STUDIO_TOKEN"):
        env.pop(key, None)
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot.cli.main", "serve", "--port", str(port), "--platforms", "studio",
        cwd=data, env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT)
    assert proc.stdout is not None
    async with asyncio.timeout(120):
        while b"running on" not in (line := await proc.stdout.readline()):
            if not line:
                raise RuntimeError("serve stopped before it was running")
    async with aiohttp.ClientSession() as session:
        sockets = [await session.ws_connect(f"http://127.0.0.1:{port}/studio/ws") for _ in range(tabs)]
        for ws in sockets:
            await ws.send_str(json.dumps({"type": "hello"}))
        await sockets[0].send_str(json.dumps({"type": "new_thread"}))
        for i, text in enumerate(("/melody a long wistful tune bars:16", "/melody another long tune bars:16")):
            await sockets[0].send_str(json.dumps({"type": "send", "id": f"bench-{i}", "text": text}))
        await asyncio.sleep(1.0)  # let the jobs start
        t0 = time.perf_counter()
        proc.send_signal(signal.SIGTERM)
        code = await asyncio.wait_for(proc.wait(), 60)
        took = time.perf_counter() - t0
        for ws in sockets:
            await ws.close()
    return took, code


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--tabs", type=int, default=4)
    args = parser.parse_args()
    os.chdir(ROOT)
    times = []
    with tempfile.TemporaryDirectory() as tmp:
        for r in range(args.rounds):
            data = Path(tmp) / f"r{r}"
            data.mkdir()
            took, code = await one_round(data, args.tabs)
            times.append(took)
            print(f"round {r + 1}: exit {code} {took:.2f} s after SIGTERM ({args.tabs} studio tabs, 2 jobs running)",
                  flush=True)
    print(f"shutdown after SIGTERM: max {max(times):.2f} s over {len(times)} rounds (target < 10 s)")


if __name__ == "__main__":
    asyncio.run(main())
