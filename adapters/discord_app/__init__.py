"""Discord: slash commands from the catalog, jam threads, persistent buttons, follow-ups.

``mount(jam, app)`` — for the Procfile's one ``discord`` process — starts the
discord.py gateway client as a background task (inbound only: it never generates)
and registers the REST outbound.  ``mount_outbound(jam)`` is for ``jamroom worker``
processes, which deliver over REST only.  Both do nothing without ``DISCORD_TOKEN``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import discord
from aiohttp import web

from adapters.discord_app.client import JamButton, JamClient
from adapters.discord_app.config import DiscordSettings, apply_endpoints
from adapters.discord_app.inbound import Inbound
from adapters.discord_app.outbound import DiscordOutbound
from adapters.discord_app.rest import DiscordRest

if TYPE_CHECKING:
    from bot.runtime import Jamroom

__all__ = ["GATEWAY_KEY", "DiscordSettings", "Gateway", "JamButton", "JamClient", "mount", "mount_outbound"]

log = logging.getLogger(__name__)


@dataclass
class Gateway:
    client: JamClient
    task: asyncio.Task[None]
    outbound: DiscordOutbound


GATEWAY_KEY: web.AppKey = web.AppKey("discord_gateway", Gateway)


async def _run(client: JamClient, token: str) -> None:
    try:
        await client.start(token)
    except discord.LoginFailure:
        log.error("Discord refused DISCORD_TOKEN; check the bot token in the Developer Portal")
    except asyncio.CancelledError:
        raise
    except Exception:
        log.exception("the Discord gateway client stopped")


async def _stop(app: web.Application) -> None:
    gateway = app[GATEWAY_KEY]
    await gateway.client.close()
    gateway.task.cancel()
    with contextlib.suppress(asyncio.CancelledError, Exception):
        await gateway.task
    await gateway.outbound.close()


async def mount(jam: Jamroom, app: web.Application, explicit: bool = False, *,
                env: Mapping[str, str] | None = None, client_options: Mapping[str, Any] | None = None) -> str | None:
    """Start the gateway client when DISCORD_TOKEN is set; returns the line ``jamroom serve`` prints."""
    cfg = DiscordSettings.from_env(env)
    if cfg is None:
        if explicit:
            from bot.cli.common import CliError

            raise CliError("Discord needs DISCORD_TOKEN (the bot token from the Discord Developer Portal)")
        return None
    apply_endpoints(cfg)
    rest = DiscordRest(cfg.token)
    outbound = DiscordOutbound(jam, cfg, rest)
    jam.outbounds.add(outbound)
    client = JamClient(Inbound(jam, cfg, rest), **dict(client_options or {}))
    task = asyncio.create_task(_run(client, cfg.token), name="jamroom-discord-gateway")
    app[GATEWAY_KEY] = Gateway(client, task, outbound)
    app.on_cleanup.append(_stop)
    return "Discord: connecting to the gateway (slash commands, buttons); run `jamroom discord-sync` after changes"


def mount_outbound(jam: Jamroom, env: Mapping[str, str] | None = None) -> DiscordOutbound | None:
    """For ``jamroom worker``: deliver Discord results over REST (no gateway)."""
    cfg = DiscordSettings.from_env(env)
    if cfg is None:
        return None
    apply_endpoints(cfg)
    outbound = DiscordOutbound(jam, cfg)
    jam.outbounds.add(outbound)
    return outbound
