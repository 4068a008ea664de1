"""Hostile studio traffic against a real `jamroom serve`: fuzzed frames, and memory under refused commands.

    python bench/studio_fuzz.py fuzz [--frames 10000] [--tabs 10] [--seed 1]
    python bench/studio_fuzz.py refused [--commands 10000] [--size 4000] [--threads 20]
    python bench/studio_fuzz.py outage [--commands 3]

Starts `jamroom serve` (memory queue, studio only, a temporary data folder) on a free
loopback port, from whatever code is first on PYTHONPATH (so the same script measures an
older checkout).  ``fuzz`` sends lone surrogates, 20,000-deep nesting, wrong types, huge
numbers, control characters, binary frames, over-long text, bad thread and upload ids…
and prints cases sent, replies, sockets closed by the server, server-side tracebacks and
whether every tab still answers.  ``refused`` sends commands the parser refuses (each
about ``--size`` bytes), spread over threads, and prints the server's RSS before and after.
``outage`` starts a private ``redis-server``, serves on it, freezes it (SIGSTOP) and sends
``--commands`` commands from one tab at once: it prints when each was answered, and /healthz's status.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path

import aiohttp

HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != HERE]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def serve(data: Path, redis_url: str | None = None) -> Iterator[tuple[str, subprocess.Popen[bytes], Path]]:
    port = free_port()
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("JAMROOM_") and k not in ("REDIS_URL", "DATABASE_URL")}
    env.update(JAMROOM_DATA=str(data), JAMROOM_QUEUE="redis" if redis_url else "memory", JAMROOM_CONCURRENCY="1",
               JAMROOM_LOG_LEVEL="WARNING", JAMROOM_RATE_LIMIT="20")
    if redis_url:
        env.update(REDIS_URL=redis_url, JAMROOM_REDIS_PREFIX=f"outage{port}")
    log = data / "serve.log"
    with log.open("wb") as out:
        proc = subprocess.Popen([sys.executable, "-c", "import sys; from bot.cli.main import main; sys.exit(main())",
                                 "serve", "--host", "127.0.0.1", "--port", str(port), "--platforms", "studio"],
                                env=env, cwd=data, stdout=out, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            with contextlib.suppress(OSError), urllib.request.urlopen(base + "/healthz", timeout=2):
                break
            if proc.poll() is not None or time.monotonic() > deadline:
                raise SystemExit("jamroom serve did not start:\n" + log.read_text()[-2000:])
            time.sleep(0.2)
        yield base, proc, log
    finally:
        proc.terminate()
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            proc.kill()


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def event_id() -> str:
    return uuid.uuid4().hex[:16]


# -- the hostile frames -------------------------------------------------------------------------------

JUNK = ["\ud800", "\udfff", "\x00", "\u202e", "\u200b", "\ufeff", "\x7f", "\x1b[31m", "😀", "Ａｎｎ", "\\", '"',
        "'", "<script>", "%00", "../", "\r\n", "\t", "\U0010ffff", "\ufffe"]
TEMPLATES = ["/melody tempo:{j}", "/skech {j}", "/help {j}", "{j}", "/cancel job:{j}", "/sketch", "/vary to:{j}",
             "/credits {j}", "/remove {j}", "/labels state:{j}", "/consent {j}", "/riff file:{j}", "/ {j}"]
VALUES = [None, True, 1, -1, 1.5, 1e308, [], {}, [1, [2]], {"a": {"b": 1}}, "", "x" * 300]


def junk(rng: random.Random, n: int = 6) -> str:
    return "".join(rng.choice(JUNK) if rng.random() < 0.5 else chr(rng.randint(32, 0x2FFF)) for _ in range(n))


def raw(obj: object) -> str:
    """JSON as a hostile client writes it: lone surrogates escaped, never refused by the encoder."""
    return json.dumps(obj, ensure_ascii=True)


def hostile(rng: random.Random) -> tuple[str, str | bytes]:
    kind = rng.randrange(18)
    if kind == 0:
        return "surrogate text", raw({"type": "send", "id": event_id(), "text": "/sketch koi " + rng.choice(JUNK[:2])})
    if kind == 1:
        return "surrogate name", raw({"type": rng.choice(["hello", "rename"]), "name": "a" + rng.choice(JUNK[:2])})
    if kind == 2:
        depth = rng.choice([64, 1000, 12_000, 20_000, 30_000])
        return "deep nesting", rng.choice(["[" * depth, '{"a":' * min(depth, 12_000), "[" * depth + "]" * depth])
    if kind == 3:
        return "not JSON", "".join(chr(rng.randint(0, 255)) for _ in range(rng.randint(1, 400)))
    if kind == 4:
        return "JSON scalar", rng.choice(["1", "null", '"str"', "[]", "true", "NaN", "-Infinity", '""'])
    if kind == 5:
        return "type confusion", raw({"type": rng.choice([*VALUES, "hello", "send", "join", "x" * 1000])})
    if kind == 6:
        return "field types", raw({"type": "send", "id": rng.choice([*VALUES, event_id()]),
                                   "text": rng.choice(VALUES), "upload": rng.choice(VALUES)})
    if kind == 7:
        return "huge number", '{"type":"send","id":"abcdefgh1","text":' + "9" * rng.choice([5000, 20000]) + "}"
    if kind == 8:
        return "control characters", raw({"type": "send", "id": event_id(),
                                          "text": rng.choice(TEMPLATES).format(j=junk(rng, 12))})
    if kind == 9:
        if rng.random() < 0.05:  # the server closes the socket (1009) by design; the page reconnects
            return "over the frame limit", raw({"type": "send", "id": event_id(), "text": "x" * 70_000})
        size = rng.choice([3999, 4001, 20_000, 60_000])
        return "long text", raw({"type": "send", "id": event_id(), "text": "/help " + "x" * size})
    if kind == 10:
        return "bad thread", raw({"type": "join", "thread": rng.choice(
            ["../../etc", "x-" + "0" * 12, "a" * 1000, "", "JAM", junk(rng), "x-" + "f" * 12])})
    if kind == 11:
        return "bad name", raw({"type": rng.choice(["hello", "rename"]),
                                "name": rng.choice([junk(rng, 40), "", " " * 10, "x" * 33, *VALUES])})
    if kind == 12:
        return "new thread", raw({"type": "new_thread"})
    if kind == 13:
        return "bad upload", raw({"type": "send", "id": event_id(), "text": "/riff",
                                  "upload": rng.choice(["u-nope", "u" + "0" * 24, junk(rng), *VALUES])})
    if kind == 14:
        return "binary frame", bytes(rng.randrange(256) for _ in range(rng.randint(1, 300)))
    if kind == 15:
        return "duplicate keys", '{"type":"send","type":"hello","name":"x","name":"\\ud800","id":"abcdefgh1"}'
    if kind == 16:
        return "odd keys", raw({junk(rng, 3): junk(rng, 3), "type": "send", "id": event_id(), "text": "/help"})
    return "resent event", raw({"type": "send", "id": "same-event-1234", "text": rng.choice(TEMPLATES).format(j="1")})


class Tab:
    def __init__(self, ws: aiohttp.ClientWebSocketResponse, news: asyncio.Event) -> None:
        self.ws = ws
        self.news = news
        self.replies = Counter[str]()
        self.answered: set[str] = set()
        self.closed_by_server = False
        self.close_code: int | None = None
        self.reader = asyncio.create_task(self.read())

    async def read(self) -> None:
        async for frame in self.ws:
            if frame.type is not aiohttp.WSMsgType.TEXT:
                continue
            event = json.loads(frame.data)
            for e in event["events"] if event["type"] == "batch" else [event]:
                self.replies[e["type"]] += 1
                if e["type"] == "message" and e["message"].get("client_id"):
                    self.answered.add(e["message"]["client_id"])
                if e["type"] == "error" and e.get("event"):
                    self.answered.add(e["event"])
            self.news.set()
        self.closed_by_server = True
        self.close_code = self.ws.close_code
        self.news.set()


async def until(check: Callable[[], bool], news: asyncio.Event, timeout: float) -> bool:
    """Wait for ``check`` to hold, waking on every reply; False on timeout."""
    with contextlib.suppress(TimeoutError):
        async with asyncio.timeout(timeout):
            while not check():
                news.clear()
                if check():
                    break
                await news.wait()
    return check()


async def open_tab(session: aiohttp.ClientSession, base: str, name: str, news: asyncio.Event) -> Tab:
    ws = await session.ws_connect(base.replace("http", "ws") + "/studio/ws", max_msg_size=0)
    tab = Tab(ws, news)
    await ws.send_json({"type": "hello", "name": name})
    return tab


async def fuzz(base: str, frames: int, tabs: int, seed: int) -> dict[str, object]:
    rng = random.Random(seed)
    kinds = Counter[str]()
    async with aiohttp.ClientSession(cookie_jar=aiohttp.DummyCookieJar()) as session:  # a new member per tab
        news = asyncio.Event()
        open_tabs = [await open_tab(session, base, f"fuzz{i}", news) for i in range(tabs)]
        every = list(open_tabs)
        for n in range(frames):
            tab = open_tabs[n % tabs]
            if tab.closed_by_server or tab.ws.closed:  # count it and carry on with a fresh tab
                tab = open_tabs[n % tabs] = await open_tab(session, base, f"fuzz{n}", news)
                every.append(tab)
            kind, frame = hostile(rng)
            kinds[kind] += 1
            with contextlib.suppress(ConnectionError, RuntimeError):
                if isinstance(frame, bytes):
                    await tab.ws.send_bytes(frame)
                else:
                    await tab.ws.send_str(frame)
            if kind == "over the frame limit":  # the server closes this socket: send nothing more into it
                await until(lambda tab=tab: tab.closed_by_server, news, 10)
            if n % 200 == 0:
                await asyncio.sleep(0)
        # Every tab must still answer a plain command (tabs closed for an oversized frame are reopened first).
        await asyncio.sleep(2.0)
        for i, tab in enumerate(open_tabs):
            if tab.closed_by_server or tab.ws.closed:
                open_tabs[i] = await open_tab(session, base, f"probe{i}", news)
                every.append(open_tabs[i])
        probes = {}
        for tab in open_tabs:
            probes[tab] = event_id()
            with contextlib.suppress(ConnectionError, RuntimeError):
                await tab.ws.send_json({"type": "send", "id": probes[tab], "text": "/help"})
        await until(lambda: all(p in t.answered for t, p in probes.items()), news, 60)
        alive = sum(p in t.answered for t, p in probes.items())
        total = -1
        while total != (total := sum(sum(t.replies.values()) for t in every)):  # until replies stop coming
            await until(lambda: False, news, 1.0)
        replies = Counter[str]()
        closed = Counter(str(t.close_code) for t in every if t.closed_by_server)
        for tab in every:
            replies.update(tab.replies)
            await tab.ws.close()
            tab.reader.cancel()
    return {"kinds": kinds, "replies": replies, "alive": alive, "tabs": tabs, "closed": closed}


async def refused(base: str, pid: int, commands: int, size: int, threads: int) -> None:
    async with aiohttp.ClientSession(cookie_jar=aiohttp.DummyCookieJar()) as session:
        tabs = []
        news = asyncio.Event()
        for i in range(threads):
            ws = await session.ws_connect(base.replace("http", "ws") + "/studio/ws", max_msg_size=0)
            tab = Tab(ws, news)
            await ws.send_json({"type": "hello", "name": f"t{i}", "thread": f"refused-{i}"})
            tabs.append(tab)
        await asyncio.sleep(1.0)
        before = rss_mib(pid)
        pad = "x" * max(0, size - len("/melody tempo:400 "))  # the text is `size` characters: at most 4,000
        sent = []
        for n in range(commands):
            tab = tabs[n % threads]
            eid = event_id()
            sent.append((tab, eid))
            await tab.ws.send_str(json.dumps({"type": "send", "id": eid, "text": f"/melody tempo:400 {pad}"}))
            if n % 100 == 99:  # keep pace with the server rather than piling frames in buffers
                await until(lambda: all(e in t.answered for t, e in sent[-100:]), news, 60)
        answered = await until(lambda: all(e in t.answered for t, e in sent), news, 120)
        await asyncio.sleep(1.0)
        after = rss_mib(pid)
        print(f"{commands:,} refused commands of ~{size:,} B over {threads} threads: server RSS "
              f"{before:.1f} MiB → {after:.1f} MiB (+{after - before:.1f} MiB); all answered: {answered}")
        for tab in tabs:
            await tab.ws.close()
            tab.reader.cancel()


@contextlib.contextmanager
def private_redis(folder: Path) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    port = free_port()
    proc = subprocess.Popen(["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                             "--appendonly", "no", "--dir", str(folder)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 30
        while True:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.5):
                break
            if time.monotonic() > deadline:
                raise SystemExit("redis-server did not start")
            time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0", proc
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.kill(proc.pid, signal.SIGCONT)
        proc.terminate()
        proc.wait(10)


async def outage(base: str, redis: subprocess.Popen[bytes], commands: int) -> None:
    async with aiohttp.ClientSession(cookie_jar=aiohttp.DummyCookieJar()) as session:
        news = asyncio.Event()
        tab = await open_tab(session, base, "outage", news)
        await until(lambda: tab.replies["welcome"] > 0, news, 30)
        warm = event_id()  # a running server has imported its generators; a cold one spends seconds on it
        await tab.ws.send_json({"type": "send", "id": warm, "text": "/sketch warm up"})
        await until(lambda: warm in tab.answered, news, 60)
        os.kill(redis.pid, signal.SIGSTOP)
        try:
            sent: dict[str, float] = {}
            answered: dict[str, float] = {}
            for i in range(commands):
                eid = event_id()
                sent[eid] = time.perf_counter()
                await tab.ws.send_json({"type": "send", "id": eid, "text": f"/sketch frozen redis {i}"})

            def note() -> bool:
                now = time.perf_counter()
                for eid in sent:
                    if eid in tab.answered and eid not in answered:
                        answered[eid] = now
                return len(answered) == len(sent)

            await until(note, news, 60)
            took = [answered[e] - sent[e] for e in sent if e in answered]
            print(f"{commands} commands from one tab while Redis is frozen: answered after "
                  + ", ".join(f"{t:.2f} s" for t in took) + f"; slowest {max(took, default=float('nan')):.2f} s; "
                  f"{len(took)}/{commands} answered")
            t0 = time.perf_counter()
            async with session.get(base + "/healthz", timeout=aiohttp.ClientTimeout(total=30)) as h:
                status, body = h.status, (await h.text())[:200]
            print(f"/healthz while Redis is frozen: {status} {body.strip()} after {time.perf_counter() - t0:.2f} s")
        finally:
            os.kill(redis.pid, signal.SIGCONT)
        await tab.ws.close()
        tab.reader.cancel()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="mode", required=True)
    f = sub.add_parser("fuzz")
    f.add_argument("--frames", type=int, default=10_000)
    f.add_argument("--tabs", type=int, default=10)
    f.add_argument("--seed", type=int, default=1)
    r = sub.add_parser("refused")
    r.add_argument("--commands", type=int, default=10_000)
    r.add_argument("--size", type=int, default=4000, help="characters per command (the parser's limit is 4,000)")
    r.add_argument("--threads", type=int, default=20)
    o = sub.add_parser("outage")
    o.add_argument("--commands", type=int, default=3)
    args = parser.parse_args()
    import bot

    print(f"code under test: {Path(bot.__file__).resolve().parent.parent}")
    if args.mode == "outage":
        with tempfile.TemporaryDirectory() as tmp, private_redis(Path(tmp)) as (url, redis), \
                serve(Path(tmp), url) as (base, _, _):
            asyncio.run(outage(base, redis, args.commands))
        return
    with tempfile.TemporaryDirectory() as tmp, serve(Path(tmp)) as (base, proc, log):
        if args.mode == "refused":
            asyncio.run(refused(base, proc.pid, args.commands, args.size, args.threads))
            return
        started = rss_mib(proc.pid)
        t0 = time.perf_counter()
        out = asyncio.run(fuzz(base, args.frames, args.tabs, args.seed))
        took = time.perf_counter() - t0
        text = log.read_text(errors="replace")
        tracebacks = text.count("Traceback")
        with contextlib.suppress(OSError), urllib.request.urlopen(base + "/healthz", timeout=5) as h:
            healthy = h.status == 200
        print(f"{args.frames:,} hostile frames from {args.tabs} tabs in {took:.1f} s (seed {args.seed})")
        print("cases: " + ", ".join(f"{k} {v}" for k, v in sorted(out["kinds"].items())))
        print("replies: " + ", ".join(f"{k} {v}" for k, v in sorted(out["replies"].items())))
        closes = ", ".join(f"code {k} × {v}" for k, v in sorted(out["closed"].items())) or "none"
        print(f"sockets closed by the server: {closes} (after a frame over the 64 KiB limit: 1009, or 1006 when "
              "the client was mid-send)")
        print(f"tabs answering /help at the end: {out['alive']}/{out['tabs']}; server tracebacks: {tracebacks}; "
              f"server alive: "
              f"{proc.poll() is None and healthy}; server RSS {started:.1f} → {rss_mib(proc.pid):.1f} MiB")


if __name__ == "__main__":
    main()
