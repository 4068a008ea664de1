"""Artifact bytes on the filesystem, content-addressed by sha256.

Same bytes, same path: a re-run job stores nothing new, and a file can be checked
against the sha256 the ledger recorded.  Writes go through a temporary file and
an atomic rename, so a killed worker never leaves half a file under a real name.

Members' uploads land here too.  :class:`UploadSweeper` deletes every file no recorded artifact uses
(neither as one of its files nor as an upload it was made from) once it is older than the retention
period (``JAMROOM_UPLOAD_RETENTION_DAYS``, 7): an upload that was never used, a studio export, the
output of a job that crashed before recording.  Storing the same bytes again refreshes the file's
time, so a re-upload starts a new period.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import os
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TypedDict

log = logging.getLogger(__name__)

#: How often the sweeper runs (seconds); the first sweep is this long after start.
SWEEP_EVERY = 3600.0
_HEX = frozenset("0123456789abcdef")


class SweepReport(TypedDict):
    deleted: int
    freed_bytes: int
    kept_in_use: int
    kept_recent: int


class ArtifactStore:
    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)

    def path(self, sha256: str) -> Path:
        if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
            raise ValueError(f"not a sha256: {sha256!r}")
        return self.root / sha256[:2] / sha256[2:]

    def put(self, data: bytes) -> str:
        digest = hashlib.sha256(data).hexdigest()
        target = self.path(digest)
        if target.exists():
            with contextlib.suppress(OSError):
                os.utime(target)  # stored again: its retention period starts again
            return digest
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return digest

    def get(self, sha256: str) -> bytes:
        data = self.path(sha256).read_bytes()
        if hashlib.sha256(data).hexdigest() != sha256:
            raise OSError(f"artifact file {sha256[:12]} is corrupt")
        return data

    def has(self, sha256: str) -> bool:
        try:
            return self.path(sha256).exists()
        except ValueError:
            return False

    def delete(self, sha256: str) -> bool:
        """Purge a file's bytes (a member removed their work); True if something was deleted."""
        try:
            target = self.path(sha256)
        except ValueError:
            return False
        try:
            target.unlink()
        except FileNotFoundError:
            return False
        return True

    def sweep(self, in_use: set[str], older_than: float, *, now: float | None = None) -> SweepReport:
        """Delete files not in ``in_use`` last stored more than ``older_than`` seconds ago (and
        leftover temporary files as old).  Blocking: call it in a thread."""
        cutoff = (time.time() if now is None else now) - older_than
        report: SweepReport = {"deleted": 0, "freed_bytes": 0, "kept_in_use": 0, "kept_recent": 0}
        for folder in self.root.iterdir():
            if not (folder.is_dir() and len(folder.name) == 2 and set(folder.name) <= _HEX):
                continue
            for file in folder.iterdir():
                digest = folder.name + file.name
                try:
                    stat = file.stat()
                except FileNotFoundError:
                    continue
                if digest in in_use:
                    report["kept_in_use"] += 1
                elif stat.st_mtime >= cutoff:
                    report["kept_recent"] += 1
                elif file.name.startswith(".tmp-") or (len(digest) == 64 and set(digest) <= _HEX):
                    with contextlib.suppress(FileNotFoundError):
                        file.unlink()
                        report["deleted"] += 1
                        report["freed_bytes"] += stat.st_size
        return report


class UploadSweeper:
    """Runs :meth:`ArtifactStore.sweep` every ``every`` seconds with the files the ledger's artifacts use.

    ``in_use`` is read just before each sweep (``Ledger.files_in_use``); a file stored after that
    read is younger than the retention period, so it is kept.  Several processes sweeping the same
    store is harmless (deletes are idempotent).
    """

    def __init__(self, store: ArtifactStore, in_use: Callable[[], Awaitable[set[str]]], retention_days: float,
                 *, every: float = SWEEP_EVERY) -> None:
        self.store = store
        self.in_use = in_use
        self.retention = retention_days * 86400.0
        self.every = every
        self._task: asyncio.Task[None] | None = None

    async def sweep_once(self) -> SweepReport:
        if self.retention <= 0:  # 0 days: keep forever
            return {"deleted": 0, "freed_bytes": 0, "kept_in_use": 0, "kept_recent": 0}
        used = await self.in_use()
        report = await asyncio.to_thread(self.store.sweep, used, self.retention)
        if report["deleted"]:
            log.info("deleted unused uploads", extra=dict(report))
        return report

    def start(self) -> UploadSweeper:
        if self.retention > 0 and self._task is None:
            self._task = asyncio.create_task(self._loop(), name="jamroom-upload-sweeper")
        return self

    async def _loop(self) -> None:
        while True:
            await asyncio.sleep(self.every)
            try:
                await self.sweep_once()
            except Exception as exc:  # a failed sweep is retried next time; it never stops the bot
                log.warning("upload sweep failed", extra={"error": str(exc)})

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
