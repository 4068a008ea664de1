"""Discord's own settings, read from the environment (the core's Settings ignores them).

Kept apart from the core so a server without Discord never needs these variables,
and so the token lives in one place that never logs it.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field

#: Discord's default upload limit per file when an interaction does not say otherwise.
DEFAULT_ATTACHMENT_LIMIT = 10 * 1024 * 1024
#: An interaction token lives 15 minutes; past this age results go out as bot messages.
TOKEN_LIFETIME = 15 * 60.0
TOKEN_MARGIN = 30.0


@dataclass(frozen=True)
class DiscordSettings:
    token: str = field(repr=False)
    #: The application id; read from Discord at start-up when unset.
    application_id: str | None = None
    #: A role id (or name) whose members count as moderators besides Manage Server.
    moderator_role: str | None = None
    #: A guild to sync commands to on `jamroom discord-sync` when --guild is not given.
    guild_id: str | None = None
    attachment_limit: int = DEFAULT_ATTACHMENT_LIMIT

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> DiscordSettings | None:
        """None unless DISCORD_TOKEN is set."""
        env = os.environ if env is None else env
        token = env.get("DISCORD_TOKEN", "").strip()
        if not token:
            return None
        return cls(
            token=token,
            application_id=env.get("DISCORD_APPLICATION_ID", "").strip() or None,
            moderator_role=env.get("DISCORD_MODERATOR_ROLE", "").strip() or None,
            guild_id=env.get("DISCORD_GUILD_ID", "").strip() or None,
            attachment_limit=int(env.get("DISCORD_ATTACHMENT_LIMIT") or DEFAULT_ATTACHMENT_LIMIT),
        )
