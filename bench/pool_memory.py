"""Memory budget figures for the generator pool (issue 12.5).

    python bench/pool_memory.py

Benchmark only.  Prints (1) the RSS of a fresh generator process forked warm from the pool's
forkserver (every generator module imported), (2) what the pool does with a job touching 1.2 GB under
the 768 MB budget (stopped, process replaced), and (3) whether an address-space limit (RLIMIT_AS)
of the same size would work instead: a child with RLIMIT_AS = 768 MB imports numpy and onnxruntime
and runs an onnxruntime session (the shipped basic-pitch model) — the reason the pool watches RSS.
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT)]

from bot.pool import MB, GeneratorPool, JobFailed, rss_of  # noqa: E402
from generators.base import Result  # noqa: E402

RLIMIT_CHILD = """
import resource, sys
limit = int(sys.argv[1]) * 1024 * 1024
resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
step = "numpy"
try:
    import numpy as np
    a = np.ones((64, 1024, 1024), dtype=np.uint8)  # 64 MB
    step = "onnxruntime import"
    import onnxruntime as ort
    step = "onnxruntime session"
    s = ort.InferenceSession(sys.argv[2], providers=["CPUExecutionProvider"])
    step = "onnxruntime run"
    inp = s.get_inputs()[0]
    shape = [d if isinstance(d, int) else 1 for d in inp.shape]
    s.run(None, {inp.name: np.zeros(shape, dtype=np.float32)})
    print("ok: numpy + onnxruntime session + run under", sys.argv[1], "MB of address space")
except BaseException as exc:
    print(f"failed at {step}: {type(exc).__name__}: {str(exc)[:160]}")
"""


def address_space_mb(pid: int) -> int:
    with open(f"/proc/{pid}/status") as f:
        return next(int(line.split()[1]) // 1024 for line in f if line.startswith("VmSize"))


class Pid:
    name, version, command, accepts = "bench.pid", "1", "pid", frozenset()

    def generate(self, spec, inputs, seed):
        import os

        return Result("note", (), {"pid": os.getpid()})


class Hog:
    name, version, command, accepts = "bench.hog", "1", "hog", frozenset()

    def generate(self, spec, inputs, seed):
        held = []
        for _ in range(int(spec["mb"]) // 8):
            block = bytearray(8 * MB)
            block[::4096] = b"\1" * len(block[::4096])
            held.append(block)
        return Result("note", (), {})


async def main() -> None:
    pool = GeneratorPool(1, timeout=120)
    t0 = time.perf_counter()
    await pool.start()
    started = time.perf_counter() - t0
    try:
        pid = (await pool.run(Pid(), {}, [], 1)).facts["pid"]
        size = address_space_mb(pid)
        print(f"pool start (forkserver preloading every generator module): {started:.2f} s; "
              f"a warm generator process: RSS {rss_of(pid) / MB:.0f} MB, address space {size} MB")
        t0 = time.perf_counter()
        try:
            await pool.run(Hog(), {"mb": 1200}, [], 1)
            print("1.2 GB job: NOT stopped")
        except JobFailed as exc:
            print(f"1.2 GB job: {exc.message!r} after {time.perf_counter() - t0:.2f} s")
        t0 = time.perf_counter()
        pid2 = (await pool.run(Pid(), {}, [], 1)).facts["pid"]
        print(f"next job on the replacement process ({pid2} != {pid}): answered in {time.perf_counter() - t0:.2f} s")
    finally:
        await pool.close()


def address_space_limits() -> None:
    model = ROOT / "generators" / "listen" / "model" / "nmp.onnx"
    for mb in (768, 2048, 4096):
        done = subprocess.run([sys.executable, "-c", RLIMIT_CHILD, str(mb), str(model)], capture_output=True,
                              text=True, timeout=300)
        print(f"RLIMIT_AS {mb} MB: {(done.stdout or done.stderr).strip().splitlines()[-1]}")


if __name__ == "__main__":
    asyncio.run(main())
    address_space_limits()
