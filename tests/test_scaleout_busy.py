"""A member told "Jamroom is busy" never gets that job later (issue 12.11).

A private redis-server is frozen (SIGSTOP; never the shared one): enqueue calls time out and the
members are told "busy", while their commands sit in Redis's socket buffers.  When Redis resumes and
runs them, they are past their deadline and change nothing.  Before: 5 of 29 ran and posted.
"""

from __future__ import annotations

import collections
import os
import signal

from support import RecordingOutbound, origin
from test_queue_redis import settled
from test_scaleout_support import PrivateRedis, jam_catalog, jam_generators, settings

from bot.queue.redis import BUSY, RedisQueue
from bot.runtime import Jamroom


async def test_busy_commands_sent_to_a_frozen_redis_never_run(tmp_path):
    server = PrivateRedis(tmp_path / "redis", appendonly=False).start()
    cfg = settings(tmp_path / "data", redis_url=server.url, concurrency=1)
    queue = RedisQueue.from_settings(cfg, prefix="jamroom", op_timeout=0.3)
    jam = Jamroom(cfg, queue=queue, cat=jam_catalog(), extra_generators=jam_generators())
    out = RecordingOutbound()
    jam.outbounds.add(out)
    await jam.start()
    try:
        warm = await jam.submit_text("/echo before", origin("ann", "before"))
        await out.wait_for(1)
        os.kill(server.process.pid, signal.SIGSTOP)
        try:
            busy = [await jam.submit_text(f"/echo frozen {i}", origin(f"m{i % 3}", f"frozen-{i}")) for i in range(6)]
        finally:
            os.kill(server.process.pid, signal.SIGCONT)
        assert all(not r.ok and BUSY in r.text for r in busy)
        after = await jam.submit_text("/echo after", origin("ann", "after"))
        assert after.ok
        await out.wait_for(2, timeout=60)  # the frozen commands were read by Redis long before this one ran
        stats = await settled(jam.queue)  # the ack follows the post
        assert stats["waiting"] == 0
        posted = collections.Counter(d.job_id for d, _ in out.deliveries)
        assert posted == {warm.job_id: 1, after.job_id: 1}
        raw = jam.queue._redis
        assert await raw.hlen(queue.key("jobs")) == 0
        assert not [k async for k in raw.scan_iter(match=queue.key("idem:test:frozen-*"))]
        again = await jam.submit_text("/echo frozen 0", origin("m0", "frozen-0"))  # the member retries
        assert again.ok and not again.duplicate
        await out.wait_for(3, timeout=60)
    finally:
        await jam.stop()
        server.stop()
