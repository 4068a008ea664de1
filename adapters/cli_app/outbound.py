"""Deliveries for `jamroom try`: write the files to a folder and hand the result back."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from pathlib import Path

from bot.models import Delivery, Origin


@dataclass
class Written:
    delivery: Delivery
    paths: dict[str, Path] = field(default_factory=dict)


class FolderOutbound:
    """Writes each delivered file into ``out_dir``; ``wait(job_id)`` returns what was written."""

    platform = "cli"

    def __init__(self, out_dir: Path) -> None:
        self.out_dir = Path(out_dir)
        self._done: dict[str, asyncio.Future[Written]] = {}
        self.progress_log: list[tuple[str, str]] = []

    def _future(self, job_id: str) -> asyncio.Future[Written]:
        return self._done.setdefault(job_id, asyncio.get_running_loop().create_future())

    async def progress(self, origin: Origin, job_id: str, state: str, text: str) -> None:
        self.progress_log.append((job_id, text))

    async def deliver(self, delivery: Delivery, files: dict[str, bytes]) -> str:
        written = Written(delivery)
        if delivery.artifact is not None:
            self.out_dir.mkdir(parents=True, exist_ok=True)
            for name, data in files.items():
                path = self.out_dir / f"{delivery.artifact.id}-{Path(name).name}"
                await asyncio.to_thread(path.write_bytes, data)
                written.paths[name] = path
        future = self._future(delivery.job_id)
        if not future.done():
            future.set_result(written)
        return str(self.out_dir)

    async def wait(self, job_id: str, timeout: float) -> Written:
        return await asyncio.wait_for(asyncio.shield(self._future(job_id)), timeout)
