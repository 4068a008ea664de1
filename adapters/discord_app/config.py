"""Discord's own settings: ``DISCORD_*`` from the environment or the same ``.env`` file the core reads.

Kept apart from the core's Settings so a server without Discord never needs these
variables, and so the token lives in one place that never logs it (``repr=False``).
``apply_endpoints`` is the one place that points discord.py somewhere else (tests,
a proxy): discord.py has no option for its API base or gateway URL.
"""

from __future__ import annotations

import yarl
from pydantic import Field, field_validator
from pydantic_settings import SettingsConfigDict

from bot.platform_settings import PlatformSettings

#: Discord's default upload limit per file when an interaction does not say otherwise.
DEFAULT_ATTACHMENT_LIMIT = 10 * 1024 * 1024
#: An interaction token lives 15 minutes; past this age results go out as bot messages.
TOKEN_LIFETIME = 15 * 60.0
TOKEN_MARGIN = 30.0
DEFAULT_API_BASE = "https://discord.com/api/v10"
DEFAULT_GATEWAY = "wss://gateway.discord.gg/"
ENV_PREFIX = "DISCORD_"


class DiscordSettings(PlatformSettings):
    model_config = SettingsConfigDict(env_prefix=ENV_PREFIX)
    required = ("token",)

    token: str = Field(default="", repr=False)
    #: The application id; read from Discord at start-up when unset.
    application_id: str | None = None
    #: A role id (or name) whose members count as moderators besides Manage Server.
    moderator_role: str | None = None
    #: A guild to sync commands to on `jamroom discord-sync` when --guild is not given.
    guild_id: str | None = None
    attachment_limit: int = DEFAULT_ATTACHMENT_LIMIT
    #: DISCORD_API_BASE: the REST base URL (tests point it at a loopback fake).
    api_base: str = DEFAULT_API_BASE
    #: DISCORD_GATEWAY_URL: the gateway's websocket URL.
    gateway_url: str = DEFAULT_GATEWAY

    @field_validator("api_base")
    @classmethod
    def _no_trailing_slash(cls, value: str) -> str:
        return value.rstrip("/")


def apply_endpoints(cfg: DiscordSettings) -> None:
    """Point discord.py's REST routes and gateway at the configured URLs (process-wide, as discord.py is)."""
    from discord.gateway import DiscordWebSocket
    from discord.http import Route

    Route.BASE = cfg.api_base
    DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(cfg.gateway_url)
