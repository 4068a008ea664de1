"""`jamroom serve` and `jamroom worker`: the long-running processes of the Procfile.

Both import every generator at start-up in a thread (the first command is answered
like any other), and stop within ``SHUTDOWN_SECONDS`` of SIGTERM, as containers
expect: no new connections, running jobs get a few seconds to finish and are then
handed back to the queue, open sockets (studio tabs, the Discord gateway, Slack's
session) are closed with a deadline.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import logging
import signal
from typing import Any

from aiohttp import web

from bot.cli.common import CliError, run, settings
from bot.log import setup_logging
from bot.runtime import Jamroom
from bot.web import make_app

log = logging.getLogger("jamroom")

#: Containers are killed 10 s after SIGTERM; everything below fits inside that.
SHUTDOWN_SECONDS = 10.0
#: Running jobs may finish (and post) within this; then they go back to the queue.
JOB_GRACE_SECONDS = 4.0
#: Open HTTP requests and websockets get this long when the web app stops.
HTTP_CLOSE_SECONDS = 2.0

#: platform -> module with ``async def mount(jam, app) -> str | None`` (returns a line to print, or None).
PLATFORMS = {
    "studio": "adapters.studio",
    "slack": "adapters.slack_app",
    "discord": "adapters.discord_app",
}


def add_parsers(sub: argparse._SubParsersAction) -> None:
    s = sub.add_parser("serve", help="start the bot (studio, Slack, Discord)",
                       description="Start the web app (/healthz, /metrics, studio, Slack) and, with the memory "
                                   "queue, in-process workers.")
    s.add_argument("--host", default=None, help="address to bind (default 127.0.0.1)")
    s.add_argument("--port", type=int, default=None, help="port (default 8080)")
    s.add_argument("--platforms", default=None,
                   help="comma list of studio,slack,discord (default: studio plus every platform with credentials)")
    s.set_defaults(func=lambda a: run(_serve(a)))
    w = sub.add_parser("worker", help="run queue workers (Redis backend)",
                       description="Consume the shared Redis queue and run generators.")
    w.add_argument("--concurrency", type=int, default=None, help="jobs run at once (default: JAMROOM_CONCURRENCY)")
    w.set_defaults(func=lambda a: run(_worker(a)))


async def _until_stopped() -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()


async def _serve(args: argparse.Namespace) -> int:
    cfg = settings(host=args.host, port=args.port)
    setup_logging(cfg.log_level, cfg.log_format)
    wanted = [p.strip() for p in args.platforms.split(",")] if args.platforms else None
    if wanted and (bad := [p for p in wanted if p not in PLATFORMS]):
        raise CliError(f"unknown platform {bad[0]}; choose from {', '.join(PLATFORMS)}")
    only_gateway = wanted == ["discord"]
    in_process = cfg.queue_backend == "memory"
    jam = Jamroom(cfg)
    await jam.start(workers=in_process, warm=True)
    app = make_app(jam)
    try:
        await _mount_platforms(jam, app, wanted)
    except BaseException:
        await jam.stop()
        raise
    # The imports ran in a thread while the ledger opened and platforms mounted; the port opens once they are
    # in, so the first command is answered like any other (they would compete with it for the interpreter).
    await _warmed(jam)
    runner = web.AppRunner(app, shutdown_timeout=HTTP_CLOSE_SECONDS)
    await runner.setup()
    site: web.TCPSite | None = None
    try:
        if not only_gateway:
            site = web.TCPSite(runner, cfg.host, cfg.port)
            await site.start()
            print(f"Jamroom is running on http://{cfg.host}:{cfg.port}  (queue: {cfg.queue_backend}, "
                  f"data: {cfg.data})", flush=True)
        await _until_stopped()
    finally:
        await shutdown(jam, runner, site)
    return 0


async def shutdown(jam: Jamroom, runner: web.AppRunner | None = None, site: web.BaseSite | None = None) -> None:
    """Stop within SHUTDOWN_SECONDS: refuse new connections, let running jobs finish or hand them back,
    then close sockets and storage; each step has its own deadline, and a step that overruns is logged."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + SHUTDOWN_SECONDS - 0.5

    async def step(name: str, work: Any, limit: float) -> None:
        budget = max(0.1, min(limit, deadline - loop.time()))
        try:
            await asyncio.wait_for(work, budget)
        except TimeoutError:
            log.warning("shutdown step overran", extra={"step": name, "seconds": round(budget, 1)})
        except Exception:
            log.exception("shutdown step failed", extra={"step": name})

    if site is not None:
        await step("stop listening", site.stop(), 1.0)
    await step("finish running jobs", jam.worker.stop(JOB_GRACE_SECONDS), JOB_GRACE_SECONDS + 1.0)
    if runner is not None:
        await step("close web sockets", runner.cleanup(), HTTP_CLOSE_SECONDS + 1.0)
    await step("close storage", jam.stop(), SHUTDOWN_SECONDS)


async def _warmed(jam: Jamroom) -> None:
    try:
        await jam.loaded_generators()
    except Exception:  # a broken generator must not keep the others from serving; commands report it
        log.exception("generators failed to load at start-up")


async def _mount_platforms(jam: Jamroom, app: web.Application, wanted: list[str] | None) -> None:
    for name in wanted or list(PLATFORMS):
        try:
            module = importlib.import_module(PLATFORMS[name])
        except ModuleNotFoundError:
            if wanted:
                raise CliError(f"the {name} adapter is not installed in this build") from None
            continue
        line = await module.mount(jam, app, explicit=bool(wanted))
        if line:
            print(line, flush=True)


async def _worker(args: argparse.Namespace) -> int:
    cfg = settings(concurrency=args.concurrency)
    setup_logging(cfg.log_level, cfg.log_format)
    if cfg.queue_backend == "memory":
        print("With the memory queue, workers run inside `jamroom serve`; set REDIS_URL to run separate workers.")
        return 0
    jam = Jamroom(cfg)
    await jam.start(workers=False, warm=True)
    for name in ("slack", "discord", "studio"):
        module = _optional(PLATFORMS[name])
        if module is not None and hasattr(module, "mount_outbound"):
            module.mount_outbound(jam)
    await jam.start_workers()
    print(f"Jamroom worker running ({jam.settings.concurrency} at once, queue {cfg.queue_backend})", flush=True)
    try:
        await _until_stopped()
    finally:
        await shutdown(jam)
    return 0


def _optional(name: str):
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError:
        return None
