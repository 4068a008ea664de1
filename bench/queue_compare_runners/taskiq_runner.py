"""taskiq runner (taskiq 0.13 + taskiq-redis 1.2.4 `RedisStreamBroker`, its own venv)."""

from __future__ import annotations

from harness import Library, Tally, main
from taskiq.api import run_receiver_task
from taskiq_redis import RedisStreamBroker

state: dict[str, RedisStreamBroker] = {}


def make_broker(url: str) -> RedisStreamBroker:
    broker = RedisStreamBroker(url)

    @broker.task(task_name="noop")
    async def noop(t: float | None = None) -> None:
        await Tally.job(t)

    return broker


async def prepare(url: str) -> None:
    state["broker"] = make_broker(url)
    await state["broker"].startup()  # creates the consumer group before any worker or message


async def enqueue(i: int, t: float | None) -> None:
    await state["broker"].find_task("noop").kiq(t)


async def close() -> None:
    await state.pop("broker").shutdown()


async def serve(url: str, concurrency: int) -> None:
    await run_receiver_task(make_broker(url), max_async_tasks=concurrency, run_startup=True)


if __name__ == "__main__":
    main(Library("taskiq", prepare, enqueue, close, serve))
