"""Slack's own settings, read from the environment (the core's Settings ignores them).

Kept apart from the core so a workspace without Slack never needs these
variables, and so secrets live in one place that never logs them.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field

DEFAULT_API = "https://slack.com/api/"
#: Slack accepts much larger files, but a chat result over this size is better as a studio link.
DEFAULT_MAX_UPLOAD = 50 * 1024 * 1024
#: The largest member file we fetch from Slack to use as a command's source.
DEFAULT_MAX_DOWNLOAD = 8 * 1024 * 1024


@dataclass(frozen=True)
class SlackSettings:
    bot_token: str = field(repr=False)
    signing_secret: str = field(repr=False)
    app_token: str | None = field(default=None, repr=False)
    #: Prefix for every slash command where a name is taken: "jam-" gives /jam-sketch.
    command_prefix: str = ""
    #: A user group (id "S…") whose members count as moderators besides admins and owners.
    moderator_group: str | None = None
    #: The Web API base URL (tests point it at a loopback fake).
    api_url: str = DEFAULT_API
    max_upload_bytes: int = DEFAULT_MAX_UPLOAD
    max_download_bytes: int = DEFAULT_MAX_DOWNLOAD

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> SlackSettings | None:
        """None unless both SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET are set."""
        env = os.environ if env is None else env
        token = env.get("SLACK_BOT_TOKEN", "").strip()
        secret = env.get("SLACK_SIGNING_SECRET", "").strip()
        if not token or not secret:
            return None
        return cls(
            bot_token=token,
            signing_secret=secret,
            app_token=env.get("SLACK_APP_TOKEN", "").strip() or None,
            command_prefix=env.get("SLACK_COMMAND_PREFIX", "").strip().lstrip("/"),
            moderator_group=env.get("SLACK_MODERATOR_GROUP", "").strip() or None,
            api_url=env.get("SLACK_API_URL", "").strip() or DEFAULT_API,
            max_upload_bytes=int(env.get("SLACK_MAX_UPLOAD_BYTES") or DEFAULT_MAX_UPLOAD),
            max_download_bytes=int(env.get("SLACK_MAX_DOWNLOAD_BYTES") or DEFAULT_MAX_DOWNLOAD),
        )

    def slash(self, name: str) -> str:
        """The Slack slash command for a catalog command."""
        return f"/{self.command_prefix}{name}"

    def catalog_name(self, slash: str) -> str:
        """The catalog command for a Slack slash command (prefix removed)."""
        name = slash.lstrip("/")
        if self.command_prefix and name.startswith(self.command_prefix):
            name = name[len(self.command_prefix):]
        return name
