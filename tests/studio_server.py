"""`jamroom serve` (studio only) as a subprocess on a free loopback port, and how to launch Chromium.

Shared by the browser tests and `bench/studio_shot.py`: the real product, memory queue, a data
folder of its own, stopped with SIGTERM like a container would.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
#: Headless and offline: without the networking flags Chromium keeps trying to reach the internet.
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--autoplay-policy=no-user-gesture-required"]


class ServeFailed(RuntimeError):
    """`jamroom serve` exited or did not answer /healthz in time; the message ends with its log."""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def serve_studio(folder: Path, *, wait: float = 60.0) -> Iterator[str]:
    """Yield the studio's base URL once /healthz answers; SIGTERM (then kill) on the way out."""
    port = free_port()
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("JAMROOM_") and k not in ("REDIS_URL", "DATABASE_URL")}
    env.update(JAMROOM_DATA=str(folder / "data"), JAMROOM_QUEUE="memory", JAMROOM_CONCURRENCY="2")
    log_path = folder / "serve.log"
    log = log_path.open("w")
    proc = subprocess.Popen(
        [sys.executable, "-c", "import sys; from bot.cli.main import main; sys.exit(main())",
         "serve", "--host", "127.0.0.1", "--port", str(port), "--platforms", "studio"],
        env=env, cwd=folder, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + wait
        while True:
            with contextlib.suppress(OSError):
                with urllib.request.urlopen(base + "/healthz", timeout=2) as r:
                    if r.status == 200:
                        break
            if proc.poll() is not None or time.monotonic() > deadline:
                log.flush()
                raise ServeFailed("jamroom serve did not start:\n" + log_path.read_text()[-3000:])
            time.sleep(0.2)
        yield base
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()
