"""Uploads no artifact uses are deleted after the retention period (issue 12.6).

Real files, a real SQLite ledger; file ages are set with os.utime, so no test waits seven days.
"""

from __future__ import annotations

import os
import time

from support import make_jam

from bot.models import Artifact, ArtifactFile, Contributor, Role

DAY = 86400.0


def age(jam, digest: str, days: float) -> None:
    when = time.time() - days * DAY
    os.utime(jam.store.path(digest), (when, when))


async def test_unused_old_uploads_go_and_everything_an_artifact_uses_stays(tmp_path):
    jam, _ = make_jam(tmp_path, upload_retention_days=7)
    await jam.start(workers=False)
    try:
        used_upload = jam.save_upload("tune.mid", "audio/midi", b"MThd used").sha256
        unused_upload = jam.save_upload("old.png", "image/png", b"\x89PNG never used").sha256
        recent_upload = jam.save_upload("new.png", "image/png", b"\x89PNG uploaded today").sha256
        output = jam.store.put(b"the artifact's own file")
        await jam.ledger.record_artifact(Artifact(
            id="a000000000001", kind="music", thread="test:w1:c1:t1", generator="music.riff", version="1",
            spec={"_uploads": [{"slot": "file", "name": "tune.mid", "sha256": used_upload, "member": "test:w1:ann"}]},
            seed=1, parents=[], contributors=[Contributor("test:w1:ann", "ann", Role.UPLOADED)],
            files=[ArtifactFile("riff.mid", "audio/midi", output, 23, True)]))
        for digest in (used_upload, unused_upload, output):
            age(jam, digest, 8)
        age(jam, recent_upload, 6)

        report = await jam.sweeper.sweep_once()

        assert not jam.store.has(unused_upload)
        assert all(jam.store.has(d) for d in (used_upload, output, recent_upload))
        assert (report["deleted"], report["kept_in_use"], report["kept_recent"]) == (1, 2, 1)
        assert report["freed_bytes"] == len(b"\x89PNG never used")
    finally:
        await jam.stop()


async def test_uploading_the_same_file_again_starts_a_new_period(tmp_path):
    jam, _ = make_jam(tmp_path, upload_retention_days=7)
    await jam.start(workers=False)
    try:
        digest = jam.save_upload("a.png", "image/png", b"\x89PNG again").sha256
        age(jam, digest, 30)
        jam.save_upload("a.png", "image/png", b"\x89PNG again")
        assert (await jam.sweeper.sweep_once())["deleted"] == 0 and jam.store.has(digest)
    finally:
        await jam.stop()


async def test_zero_days_keeps_uploads_forever(tmp_path):
    jam, _ = make_jam(tmp_path, upload_retention_days=0)
    await jam.start(workers=False)
    try:
        assert jam.sweeper._task is None  # no periodic sweep runs
        digest = jam.save_upload("a.png", "image/png", b"\x89PNG kept").sha256
        age(jam, digest, 3650)
        assert (await jam.sweeper.sweep_once())["deleted"] == 0 and jam.store.has(digest)
    finally:
        await jam.stop()
