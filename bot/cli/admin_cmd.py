"""`jamroom doctor`: check settings and every connection before a deployment goes live."""

from __future__ import annotations

import argparse
import asyncio
import ipaddress
import os
import tempfile

from bot.cli.common import run, settings
from bot.ledger import Ledger
from bot.settings import Settings


def add_parsers(sub: argparse._SubParsersAction) -> None:
    d = sub.add_parser("doctor", help="check settings, storage, the ledger, Redis and platform credentials",
                       description="Check settings and connectivity; exits 1 if anything needed is broken.")
    d.add_argument("--url", help="the running server to probe (default: http://JAMROOM_HOST:JAMROOM_PORT from "
                                 "the settings, e.g. http://127.0.0.1:8080)")
    d.set_defaults(func=lambda a: run(_doctor(a)))


class Report:
    def __init__(self) -> None:
        self.failed = 0

    def ok(self, what: str) -> None:
        print(f"✓ {what}")

    def bad(self, what: str) -> None:
        self.failed += 1
        print(f"✗ {what}")

    def note(self, what: str) -> None:
        print(f"· {what}")


async def _doctor(args: argparse.Namespace) -> int:
    cfg = settings()
    report = Report()
    report.ok(f"settings loaded (queue {cfg.queue_backend}, data {cfg.data.resolve()})")
    _check_folder(report, "data folder", cfg.data)
    _check_folder(report, "artifact store", cfg.artifacts_dir)
    await _check_ledger(report, cfg)
    await _check_redis(report, cfg)
    _check_platforms(report, cfg)
    await _check_server(report, args.url or f"http://{_url_host(cfg.host)}:{cfg.port}")
    _check_generators(report)
    print("all checks passed" if not report.failed else f"{report.failed} check(s) failed")
    return 1 if report.failed else 0


def _check_folder(report: Report, what: str, path) -> None:
    try:
        path.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path):
            pass
        report.ok(f"{what} writable: {path}")
    except OSError as exc:
        report.bad(f"{what} not writable: {path} ({exc.strerror or exc})")


async def _check_ledger(report: Report, cfg: Settings) -> None:
    where = "PostgreSQL" if cfg.database_url else "SQLite"
    ledger = Ledger(cfg.sqlalchemy_url)
    try:
        await asyncio.wait_for(ledger.open(), 15)
        verdict = await ledger.verify()
        if verdict.ok:
            report.ok(f"ledger ({where}) reachable, migrated, chain intact: {verdict.checked} entries")
        else:
            report.bad(f"ledger ({where}) chain broken: {verdict.problem}")
    except Exception as exc:
        report.bad(f"ledger ({where}) unreachable: {str(exc).splitlines()[0][:160]}")
    finally:
        await ledger.close()


async def _check_redis(report: Report, cfg: Settings) -> None:
    if cfg.queue_backend != "redis":
        report.note("memory queue: workers run inside `jamroom serve` (set REDIS_URL to scale out)")
        return
    from bot.queue.redis import RedisQueue

    queue = RedisQueue.from_settings(cfg)
    try:
        await asyncio.wait_for(queue.ping(), 5)
        stats = await queue.stats()
        report.ok(f"Redis reachable: {stats.get('waiting', 0)} waiting, {stats.get('running', 0)} running")
    except Exception as exc:
        report.bad(f"Redis unreachable at {cfg.redis_url}: {str(exc).splitlines()[0][:160] if str(exc) else exc!r}")
    finally:
        await queue.close()


def _check_platforms(report: Report, cfg: Settings) -> None:
    local = _is_loopback(cfg.host)
    if local:
        report.ok(f"studio on http://{cfg.host}:{cfg.port} (localhost: no token needed)")
    elif cfg.studio_token:
        report.ok(f"studio on {cfg.host}:{cfg.port} with an access token")
    else:
        report.note(f"studio off on {cfg.host}: set JAMROOM_STUDIO_TOKEN to serve it beyond localhost")
    slack = [k for k in ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET") if not os.environ.get(k)]
    if not slack:
        report.ok("Slack credentials present")
    elif len(slack) == 1:
        report.bad(f"Slack half-configured: {slack[0]} is missing")
    else:
        report.note("Slack off (no SLACK_BOT_TOKEN / SLACK_SIGNING_SECRET)")
    if os.environ.get("DISCORD_TOKEN"):
        report.ok("Discord token present")
    else:
        report.note("Discord off (no DISCORD_TOKEN)")
    if not cfg.public_url:
        report.note("JAMROOM_PUBLIC_URL unset: files too large for a platform cannot be linked")


def _url_host(host: str) -> str:
    if host in ("", "0.0.0.0", "::"):
        return "127.0.0.1"
    return f"[{host}]" if ":" in host else host


async def _check_server(report: Report, url: str) -> None:
    """Probe the server this doctor is about, and say which one it was (serve may run on another port)."""
    import aiohttp

    target = url.rstrip("/") + "/healthz"
    try:
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=3)) as http, http.get(target) as r:
            body = await r.text()
        if r.status == 200:
            report.ok(f"server at {url} is answering ({target} → 200)")
        else:
            report.bad(f"server at {url} answered {r.status}: {' '.join(body.split())[:120]}")
    except (aiohttp.ClientError, TimeoutError, OSError) as exc:
        reason = type(exc).__name__ if not str(exc) else " ".join(str(exc).split())[:100]
        report.note(f"no server answering at {url} ({reason}); start it with `jamroom serve`, "
                    "or pass --url for one on another port")


def _check_generators(report: Report) -> None:
    from generators import registry
    from generators.audio import backends

    names = sorted(registry.generators())
    report.ok(f"{len(names)} generators: {', '.join(names)}")
    font = backends.default_soundfont()
    report.ok(f"audio backends available: {', '.join(backends.available())}; "
              f"sound font: {font or 'none (built-in synth)'}")


def _is_loopback(host: str) -> bool:
    if host in ("localhost", ""):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
