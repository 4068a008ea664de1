"""`jamroom discord-sync [--guild ID]`: register the catalog's slash commands and print the invite URL."""

from __future__ import annotations

import argparse
import asyncio
from typing import Any

from bot.catalog.registry import Catalog, catalog
from bot.cli.common import CliError, run


def add_parsers(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("discord-sync", help="register Jamroom's slash commands with Discord",
                       description="Sync every catalog command to one server (instant) or globally (may take up "
                                   "to an hour to appear), then print the bot's invite URL. Needs DISCORD_TOKEN.")
    p.add_argument("--guild", default=None, help="server id to sync to (default: DISCORD_GUILD_ID, else global)")
    p.set_defaults(func=lambda a: run(_main(a)))


async def sync(token: str, guild: str | None, cat: Catalog, *, moderator_role: bool = False) -> tuple[str, int]:
    """Upsert the commands in bulk (replacing any stale ones); returns (application id, count)."""
    import discord
    from discord.http import HTTPClient

    from adapters.discord_app.commands import commands_payload

    http = HTTPClient(asyncio.get_running_loop())
    try:
        try:
            await http.static_login(token)
        except discord.LoginFailure:
            raise CliError("Discord refused DISCORD_TOKEN; copy the bot token from the Developer Portal", 1) from None
        app: dict[str, Any] = await http.application_info()
        app_id = str(app["id"])
        payload = commands_payload(cat, moderator_role=moderator_role)
        try:
            if guild:
                done = await http.bulk_upsert_guild_commands(app_id, int(guild), payload)
            else:
                done = await http.bulk_upsert_global_commands(app_id, payload)
        except discord.HTTPException as exc:
            raise CliError(f"Discord refused the commands: {exc}", 1) from None
        return app_id, len(done)
    finally:
        await http.close()


async def _main(args: argparse.Namespace) -> int:
    from adapters.discord_app.commands import PERMISSIONS, invite_url
    from adapters.discord_app.config import DiscordSettings

    cfg = DiscordSettings.from_env()
    if cfg is None:
        raise CliError("set DISCORD_TOKEN to the bot token from the Discord Developer Portal")
    guild = args.guild or cfg.guild_id
    if guild is not None and not str(guild).isdigit():
        raise CliError(f"--guild must be a server id (digits), got {guild!r}")
    app_id, count = await sync(cfg.token, guild, catalog(), moderator_role=bool(cfg.moderator_role))
    where = f"server {guild}" if guild else "all servers (global commands can take up to an hour to appear)"
    print(f"Synced {count} slash commands to {where}.")
    print(f"Invite the bot: {invite_url(app_id)}")
    print("Permissions asked: " + ", ".join(PERMISSIONS))
    return 0
