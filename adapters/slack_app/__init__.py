"""Slack: every catalog command as a slash command, results in threads with files and buttons.

``mount`` adds ``POST /slack/events`` (slash commands, events and interactivity all
arrive there) to the core's aiohttp app when SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET
are set, and registers the outbound half; with SLACK_APP_TOKEN it also connects over
Socket Mode.  ``mount_outbound`` is for `jamroom worker` processes, which only post.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import aiohttp
from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.async_app import AsyncApp

from adapters.slack_app.client import make_client
from adapters.slack_app.config import SlackSettings
from adapters.slack_app.listeners import register
from adapters.slack_app.members import Members
from adapters.slack_app.outbound import SlackOutbound
from adapters.slack_app.runner import Runner

if TYPE_CHECKING:
    from bot.runtime import Jamroom

log = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"
SLACK_KEY: web.AppKey = web.AppKey("jamroom_slack", object)


@dataclass
class SlackAdapter:
    """The mounted pieces, kept on the aiohttp app under SLACK_KEY (tests and Socket Mode use them)."""

    bolt: AsyncApp
    runner: Runner
    outbound: SlackOutbound
    socket: Any = None

    async def handle(self, request: web.Request) -> web.Response:
        bolt_response = await self.bolt.async_dispatch(await to_bolt_request(request))
        return await to_aiohttp_response(bolt_response)


def install(jam: Jamroom, app: web.Application, cfg: SlackSettings) -> SlackAdapter:
    """Wire inbound and outbound for ``cfg``; no network until the first request.

    Call it with the event loop running: the Web API client shares one HTTP session,
    closed with the app.
    """
    session = aiohttp.ClientSession()
    client = make_client(cfg, session)
    bolt = AsyncApp(signing_secret=cfg.signing_secret, client=client, logger=_bolt_logger())
    runner = Runner(jam, cfg, client, Members(client, cfg.moderator_group))
    register(bolt, runner)
    outbound = SlackOutbound(client, cfg, jam.settings.public_url)
    jam.outbounds.add(outbound)
    adapter = SlackAdapter(bolt, runner, outbound)
    app[SLACK_KEY] = adapter
    app.router.add_post(EVENTS_PATH, adapter.handle)

    async def _close_session(_: web.Application) -> None:
        await session.close()

    app.on_cleanup.append(_close_session)
    return adapter


class _SameToken(logging.Filter):
    """bolt reads SLACK_BOT_TOKEN itself and warns that our client (same token) wins: not news."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "`token` will be unused" not in record.getMessage()


def _bolt_logger() -> logging.Logger:
    logger = logging.getLogger("adapters.slack_app.bolt")
    if not any(isinstance(f, _SameToken) for f in logger.filters):
        logger.addFilter(_SameToken())
    return logger


async def mount(jam: Jamroom, app: web.Application, explicit: bool = False) -> str | None:
    cfg = SlackSettings.from_env()
    if cfg is None:
        if explicit:
            return "Slack is off: set SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET (see docs/slack.md)"
        return None
    adapter = install(jam, app, cfg)
    where = f"{(jam.settings.public_url or '<your public URL>').rstrip('/')}{EVENTS_PATH}"
    if cfg.app_token:
        await _start_socket_mode(adapter, app, cfg.app_token)
        return f"Slack: Socket Mode connected; HTTP requests also accepted at {where}"
    return f"Slack: point the app's request URLs at {where}"


def mount_outbound(jam: Jamroom) -> SlackOutbound | None:
    """Worker processes post results; they need the bot token only."""
    cfg = SlackSettings.from_env()
    if cfg is None:
        return None
    outbound = SlackOutbound(make_client(cfg), cfg, jam.settings.public_url)
    jam.outbounds.add(outbound)
    return outbound


async def _start_socket_mode(adapter: SlackAdapter, app: web.Application, app_token: str) -> None:
    from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler

    handler = AsyncSocketModeHandler(adapter.bolt, app_token)
    await handler.connect_async()
    adapter.socket = handler

    async def _close(_: web.Application) -> None:
        await handler.close_async()

    app.on_cleanup.append(_close)


__all__ = ["EVENTS_PATH", "SLACK_KEY", "SlackAdapter", "SlackSettings", "install", "mount", "mount_outbound"]
