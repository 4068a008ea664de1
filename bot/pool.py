"""Run generators in worker processes, never on the event loop.

A process pool of our own rather than ``ProcessPoolExecutor``: a job past its
time limit must have its process killed (an executor cannot kill one task), and
the pool must keep serving with a fresh process in its place.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing as mp
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any

from generators.base import GeneratorError, InputFile, Result

log = logging.getLogger(__name__)

PRELOAD = ["numpy", "PIL.Image", "generators.registry", "generators.provenance"]


class JobFailed(Exception):
    """A job that cannot succeed; ``message`` is one line for the member."""

    def __init__(self, message: str, *, reason: str) -> None:
        super().__init__(message)
        self.message = message
        self.reason = reason


def _child_main(conn: Connection) -> None:
    """Worker process loop: receive (generator, spec, inputs, seed, limit), send one reply."""
    while True:
        try:
            generator, spec, inputs, seed, limit = conn.recv()
        except (EOFError, OSError):
            return
        try:
            result = generator.generate(spec, inputs, seed)
            size = sum(len(o.data) for o in result.outputs)
            reply: tuple[Any, ...] = ("too_big", size) if size > limit else ("ok", result)
        except GeneratorError as exc:
            reply = ("refused", str(exc))
        except MemoryError:
            reply = ("crash", "ran out of memory")
        except Exception as exc:
            reply = ("crash", f"{type(exc).__name__}: {exc}"[:300])
        try:
            conn.send(reply)
        except (BrokenPipeError, OSError):
            return


@dataclass
class _Slot:
    process: mp.process.BaseProcess
    conn: Connection


def _await_reply(conn: Connection, timeout: float) -> Any:
    if not conn.poll(timeout):
        raise TimeoutError
    return conn.recv()


class GeneratorPool:
    """A fixed number of generator processes; ``run`` borrows one per job."""

    def __init__(self, size: int = 2, *, timeout: float = 30.0, max_output_bytes: int = 25 * 1024 * 1024) -> None:
        self.size = max(1, size)
        self.timeout = timeout
        self.max_output_bytes = max_output_bytes
        self._ctx = mp.get_context("forkserver")
        self._ctx.set_forkserver_preload(PRELOAD)
        self._free: asyncio.Queue[_Slot] = asyncio.Queue()
        self._slots: list[_Slot] = []
        self.killed = 0

    def _spawn(self) -> _Slot:
        parent, child = self._ctx.Pipe(duplex=True)
        process = self._ctx.Process(target=_child_main, args=(child,), daemon=True, name="jamroom-generator")
        process.start()
        child.close()
        slot = _Slot(process, parent)
        self._slots.append(slot)
        return slot

    async def start(self) -> None:
        for _ in range(self.size):
            self._free.put_nowait(await asyncio.to_thread(self._spawn))

    def _retire(self, slot: _Slot) -> None:
        if slot in self._slots:
            self._slots.remove(slot)
        if slot.process.is_alive():
            slot.process.kill()
        slot.process.join(timeout=2)
        slot.conn.close()

    async def _replace(self, slot: _Slot) -> None:
        await asyncio.to_thread(self._retire, slot)
        self._free.put_nowait(await asyncio.to_thread(self._spawn))

    async def run(
        self,
        generator: Any,
        spec: Mapping[str, Any],
        inputs: Sequence[InputFile],
        seed: int,
        *,
        timeout: float | None = None,
    ) -> Result:
        """Generate in a worker process; raise :class:`JobFailed` with a member-facing line on failure."""
        limit = self.timeout if timeout is None else timeout
        slot = await self._free.get()
        try:
            slot.conn.send((generator, dict(spec), list(inputs), seed, self.max_output_bytes))
            reply = await asyncio.to_thread(_await_reply, slot.conn, limit)
        except TimeoutError:
            self.killed += 1
            await self._replace(slot)
            raise JobFailed(
                f"{generator.name} took longer than {limit:g} s and was stopped; try a smaller request",
                reason="timeout",
            ) from None
        except (EOFError, OSError, BrokenPipeError):
            await self._replace(slot)
            raise JobFailed(f"{generator.name} crashed; the job was stopped", reason="crash") from None
        except BaseException:
            await self._replace(slot)  # cancelled mid-job: the process may still be busy
            raise
        self._free.put_nowait(slot)
        status = reply[0]
        if status == "ok":
            return reply[1]
        if status == "too_big":
            mb = self.max_output_bytes / 1024 / 1024
            raise JobFailed(f"the result was too large ({reply[1] / 1024 / 1024:.0f} MB; limit {mb:.0f} MB)",
                            reason="too_big")
        if status == "refused":
            raise JobFailed(str(reply[1]), reason="refused")
        log.error("generator crashed", extra={"generator": generator.name, "error": reply[1]})
        raise JobFailed(f"{generator.name} failed: {reply[1]}", reason="crash")

    async def close(self) -> None:
        for slot in list(self._slots):
            await asyncio.to_thread(self._retire, slot)
        self._slots.clear()
