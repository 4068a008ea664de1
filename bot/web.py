"""The aiohttp application every HTTP-facing adapter mounts onto (studio, Slack)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from aiohttp import web

if TYPE_CHECKING:
    from bot.runtime import Jamroom

JAM_KEY: web.AppKey = web.AppKey("jamroom", object)


def make_app(jam: Jamroom) -> web.Application:
    app = web.Application(client_max_size=12 * 1024 * 1024)
    app[JAM_KEY] = jam
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/metrics", metrics)
    return app


async def healthz(request: web.Request) -> web.Response:
    jam = request.app[JAM_KEY]
    seq, head = await jam.ledger.head()
    stats = await jam.queue.stats()
    return web.json_response({"ok": True, "queue": stats.get("backend"), "waiting": stats.get("waiting"),
                              "ledger_entries": seq, "ledger_head": head})


async def metrics(request: web.Request) -> web.Response:
    """Prometheus text format: queue counts and job timings."""
    jam = request.app[JAM_KEY]
    stats = await jam.queue.stats()
    lines = []
    for key, value in stats.items():
        if isinstance(value, int | float):
            lines.append(f"# TYPE jamroom_jobs_{key} gauge")
            lines.append(f"jamroom_jobs_{key} {value}")
    timings = jam.worker.timings
    lines.append("# TYPE jamroom_job_seconds summary")
    lines.append(f"jamroom_job_seconds_count {len(timings)}")
    lines.append(f"jamroom_job_seconds_sum {sum(timings):.6f}")
    lines.append(f"jamroom_generator_processes_killed {jam.pool.killed}")
    return web.Response(text="\n".join(lines) + "\n", content_type="text/plain")
