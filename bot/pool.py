"""Run generators in worker processes, never on the event loop.

A process pool of our own rather than ``ProcessPoolExecutor``: a job past its
time limit must have its process killed (an executor cannot kill one task), and
the pool must keep serving with a fresh process in its place.

Memory: every generator process has one budget (``memory_limit``, 768 MB RSS by default), shared by
all generators including learned models.  While a job runs, the parent reads the child's RSS from
/proc every ``WATCH_EVERY`` seconds; over budget, the child is killed and replaced and the member is
told in one line.  (No address-space limit: onnxruntime and numpy reserve far more address space
than they touch, see docs/scaling.md.)

Warm start: the forkserver preloads every generator module (``bot.pool_warm``), so a new process —
at start or replacing a killed one — is forked with them imported and takes its first job at once.
"""

from __future__ import annotations

import asyncio
import importlib
import logging
import multiprocessing as mp
import os
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any

from generators.base import GeneratorError, InputFile, Result

log = logging.getLogger(__name__)

PRELOAD = ["numpy", "PIL.Image", "generators.registry", "generators.provenance"]
#: Imports every generator module (see bot/pool_warm.py); preloaded when the pool is ``warm``.
WARM = "bot.pool_warm"
#: How often a running job's memory is read (seconds).
WATCH_EVERY = 0.02
MB = 1024 * 1024
_PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


def rss_of(pid: int) -> int:
    """Resident set size of a process in bytes (0 where /proc is not there)."""
    try:
        with open(f"/proc/{pid}/statm", "rb") as f:
            return int(f.read().split()[1]) * _PAGE
    except (OSError, ValueError, IndexError):
        return 0


class _OverBudget(Exception):
    def __init__(self, rss: int) -> None:
        super().__init__(rss)
        self.rss = rss


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


def _await_reply(conn: Connection, timeout: float, pid: int | None = None, memory_limit: int = 0) -> Any:
    """The child's reply; TimeoutError past ``timeout``; _OverBudget when its RSS passes ``memory_limit``."""
    deadline = time.monotonic() + timeout
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError
        if conn.poll(min(remaining, WATCH_EVERY) if memory_limit and pid else remaining):
            return conn.recv()
        if memory_limit and pid and (rss := rss_of(pid)) > memory_limit:
            raise _OverBudget(rss)


def memory_message(limit: int) -> str:
    return f"that job needed more memory than Jamroom allows ({limit / MB:.0f} MB)"


class GeneratorPool:
    """A fixed number of generator processes; ``run`` borrows one per job."""

    def __init__(self, size: int = 2, *, timeout: float = 30.0, max_output_bytes: int = 25 * 1024 * 1024,
                 memory_limit: int = 768 * MB, warm: bool = True) -> None:
        self.size = max(1, size)
        self.timeout = timeout
        self.max_output_bytes = max_output_bytes
        #: RSS budget per generator process in bytes (0: not watched).
        self.memory_limit = memory_limit
        #: Import every generator module before the first job, in the forkserver (so every generator
        #: process starts warm) and in this process (so the first job's lookup is instant).  A one-off
        #: command (`jamroom try`) may set it False before ``start`` to import only what it runs.
        self.warm = warm
        self._ctx = mp.get_context("forkserver")
        self._free: asyncio.Queue[_Slot] = asyncio.Queue()
        self._slots: list[_Slot] = []
        self.killed = 0
        self.over_memory = 0

    def _spawn(self) -> _Slot:
        parent, child = self._ctx.Pipe(duplex=True)
        process = self._ctx.Process(target=_child_main, args=(child,), daemon=True, name="jamroom-generator")
        process.start()
        child.close()
        slot = _Slot(process, parent)
        self._slots.append(slot)
        return slot

    async def start(self) -> None:
        self._ctx.set_forkserver_preload(PRELOAD + ([WARM] if self.warm else []))
        here = asyncio.create_task(asyncio.to_thread(importlib.import_module, WARM)) if self.warm else None
        for _ in range(self.size):
            self._free.put_nowait(await asyncio.to_thread(self._spawn))
        if here is not None:
            await here

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
            reply = await asyncio.to_thread(_await_reply, slot.conn, limit, slot.process.pid, self.memory_limit)
        except _OverBudget as exc:
            self.over_memory += 1
            await self._replace(slot)
            log.warning("generator over its memory budget", extra={"generator": generator.name,
                                                                   "rss_mb": round(exc.rss / MB)})
            raise JobFailed(memory_message(self.memory_limit), reason="memory") from None
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
