"""saq runner (saq 0.26, its own venv): jobs enqueued with retries=2 (NOTES.md: retries=1 loses swept jobs)."""

from __future__ import annotations

from typing import Any

from harness import Library, Tally, main
from saq import Queue, Worker

RETRIES = 2
state: dict[str, Queue] = {}


async def noop(ctx: dict[str, Any], *, t: float | None = None) -> None:
    await Tally.job(t)


async def prepare(url: str) -> None:
    state["queue"] = Queue.from_url(url)
    await state["queue"].connect()


async def enqueue(i: int, t: float | None) -> None:
    await state["queue"].enqueue("noop", retries=RETRIES, t=t)


async def close() -> None:
    await state.pop("queue").disconnect()


async def serve(url: str, concurrency: int) -> None:
    queue = Queue.from_url(url)
    await queue.connect()
    await Worker(queue, functions=[noop], concurrency=concurrency).start()


if __name__ == "__main__":
    main(Library("saq", prepare, enqueue, close, serve))
