"""The aiohttp application every HTTP-facing adapter mounts onto (studio, Slack): ``/healthz``, ``/metrics``.

Details (queue counts, the ledger head, timings) are for this machine only.  Bound beyond
loopback, or asked by a name that is not this machine's (a rebound DNS name, a reverse
proxy's public host), ``/healthz`` answers only ``{"ok": true|false}`` and ``/metrics``
needs ``JAMROOM_METRICS_TOKEN`` (or the studio token) as a Bearer header.  While the
queue or the ledger cannot be reached, both answer 503 with a short reason, never a
traceback.  Query strings carrying a secret never reach the access log.
"""

from __future__ import annotations

import asyncio
import hmac
import ipaddress
import logging
import re
from typing import TYPE_CHECKING, Any

from aiohttp import web

if TYPE_CHECKING:
    from bot.runtime import Jamroom

log = logging.getLogger(__name__)

JAM_KEY: web.AppKey = web.AppKey("jamroom", object)
#: Seconds /healthz and /metrics wait for the queue and the ledger before saying 503.
PROBE_TIMEOUT = 3.0
#: Query parameters that carry a secret (the studio token, the operator's one-time key).
SECRET_PARAMS = ("token", "key")
_SECRET_QUERY = re.compile(r"\?[^\s\"']*\b(?:" + "|".join(SECRET_PARAMS) + r")=[^\s\"']*")


def is_loopback(host: str) -> bool:
    """A host name or address that only ever means this machine."""
    host = host.strip("[]").lower()
    if host in ("localhost", "localhost.localdomain"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def hostname_of(netloc: str) -> str:
    """``localhost:8080`` -> ``localhost``, ``[::1]:8080`` -> ``::1``."""
    netloc = netloc.strip().lower()
    if netloc.startswith("["):
        return netloc[1:].split("]", 1)[0]
    return netloc.rsplit(":", 1)[0] if netloc.count(":") == 1 else netloc


def host_is_loopback(request: web.Request) -> bool:
    """The request's Host header names this machine (a DNS-rebinding page's Host does not)."""
    return is_loopback(hostname_of(request.host))


def redact(text: str) -> str:
    """A log line without query strings that carry a secret."""
    return _SECRET_QUERY.sub("?[redacted]", text)


class RedactSecrets(logging.Filter):
    """On ``aiohttp.access``: the token in ``/?token=…`` never lands in a log file."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        for key, value in list(vars(record).items()):
            if isinstance(value, str) and "=" in value and key not in ("msg", "message"):
                setattr(record, key, redact(value))
            elif isinstance(value, dict):
                setattr(record, key, {k: redact(v) if isinstance(v, str) else v for k, v in value.items()})
        return True


def install_log_redaction() -> None:
    access = logging.getLogger("aiohttp.access")
    if not any(isinstance(f, RedactSecrets) for f in access.filters):
        access.addFilter(RedactSecrets())


def make_app(jam: Jamroom) -> web.Application:
    install_log_redaction()
    app = web.Application(client_max_size=12 * 1024 * 1024)
    app[JAM_KEY] = jam
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/metrics", metrics)
    return app


def detailed(request: web.Request) -> bool:
    """Details only for this machine asking by this machine's name, on a loopback bind."""
    return is_loopback(request.app[JAM_KEY].settings.host) and host_is_loopback(request)


def metrics_allowed(request: web.Request) -> bool:
    if detailed(request):
        return True
    cfg = request.app[JAM_KEY].settings
    header = request.headers.get("Authorization", "")
    given = header[7:].strip() if header.startswith("Bearer ") else ""
    tokens = [t for t in (getattr(cfg, "metrics_token", None), cfg.studio_token) if t]
    return bool(given) and any(hmac.compare_digest(given.encode(), t.encode()) for t in tokens)


async def _probe(jam: Jamroom) -> tuple[dict[str, Any], tuple[int, str]] | str:
    """Queue stats and the ledger head, or a one-line reason why they could not be read."""
    try:
        async with asyncio.timeout(PROBE_TIMEOUT):
            stats = await jam.queue.stats()
    except Exception as exc:  # Redis down or frozen: a reason, not a traceback
        log.warning("health probe: queue unreachable", extra={"error": str(exc)[:200]})
        return "queue unreachable"
    try:
        async with asyncio.timeout(PROBE_TIMEOUT):
            head = await jam.ledger.head()
    except Exception as exc:
        log.warning("health probe: ledger unreachable", extra={"error": str(exc)[:200]})
        return "ledger unreachable"
    return stats, head


async def healthz(request: web.Request) -> web.Response:
    jam = request.app[JAM_KEY]
    probed = await _probe(jam)
    if isinstance(probed, str):
        body: dict[str, Any] = {"ok": False, "reason": probed} if detailed(request) else {"ok": False}
        return web.json_response(body, status=503)
    if not detailed(request):
        return web.json_response({"ok": True})
    stats, (seq, head) = probed
    return web.json_response({"ok": True, "queue": stats.get("backend"), "waiting": stats.get("waiting"),
                              "ledger_entries": seq, "ledger_head": head})


async def metrics(request: web.Request) -> web.Response:
    """Prometheus text format: queue counts and job timings."""
    if not metrics_allowed(request):
        return web.json_response({"error": "metrics need JAMROOM_METRICS_TOKEN as a Bearer header"}, status=401,
                                 headers={"WWW-Authenticate": "Bearer"})
    jam = request.app[JAM_KEY]
    probed = await _probe(jam)
    if isinstance(probed, str):
        return web.json_response({"ok": False, "reason": probed}, status=503)
    stats, _ = probed
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
