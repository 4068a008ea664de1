"""`/healthz` and `/metrics` over real HTTP."""

from __future__ import annotations

from aiohttp.test_utils import TestClient, TestServer
from support import origin

from bot.web import make_app


async def test_healthz_and_metrics(jam_and_outbound):
    jam, out = jam_and_outbound
    await jam.submit_text("/echo hi", origin("ann", "e1"))
    await out.wait_for(1)
    async with TestClient(TestServer(make_app(jam))) as client:
        health = await (await client.get("/healthz")).json()
        assert health["ok"] is True and health["queue"] == "memory" and health["ledger_entries"] == 1
        metrics = await (await client.get("/metrics")).text()
        assert "jamroom_jobs_done 1" in metrics and "jamroom_job_seconds_count 1" in metrics
