"""Artifact bytes on the filesystem, content-addressed by sha256.

Same bytes, same path: a re-run job stores nothing new, and a file can be checked
against the sha256 the ledger recorded.  Writes go through a temporary file and
an atomic rename, so a killed worker never leaves half a file under a real name.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path


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
