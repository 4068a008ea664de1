"""arq runner (arq 0.28, its own venv): `poll_delay=0.05` as in NOTES.md (the default 0.5 s is far slower)."""

from __future__ import annotations

from typing import Any

from arq import create_pool
from arq.connections import ArqRedis, RedisSettings
from arq.worker import Worker
from harness import Library, Tally, main

POLL_DELAY = 0.05
state: dict[str, ArqRedis] = {}


async def noop(ctx: dict[str, Any], t: float | None = None) -> None:
    await Tally.job(t)


async def prepare(url: str) -> None:
    state["pool"] = await create_pool(RedisSettings.from_dsn(url))


async def enqueue(i: int, t: float | None) -> None:
    await state["pool"].enqueue_job("noop", t)


async def close() -> None:
    await state.pop("pool").aclose()


async def serve(url: str, concurrency: int) -> None:
    worker = Worker(functions=[noop], redis_settings=RedisSettings.from_dsn(url), max_jobs=concurrency,
                    poll_delay=POLL_DELAY, handle_signals=False)
    await worker.main()


if __name__ == "__main__":
    main(Library("arq", prepare, enqueue, close, serve))
