"""Slack's own settings: ``SLACK_*`` from the environment or the same ``.env`` file the core reads.

Kept apart from the core's Settings so a workspace without Slack never needs these
variables, and so secrets live in one place that never logs them (``repr=False``).
"""

from __future__ import annotations

from pydantic import Field, field_validator
from pydantic_settings import SettingsConfigDict

from adapters.slack_app import names
from bot.platform_settings import PlatformSettings

DEFAULT_API = "https://slack.com/api/"
#: Slack accepts much larger files, but a chat result over this size is better as a studio link.
DEFAULT_MAX_UPLOAD = 50 * 1024 * 1024
#: The largest member file we fetch from Slack to use as a command's source.
DEFAULT_MAX_DOWNLOAD = 8 * 1024 * 1024
ENV_PREFIX = "SLACK_"


class SlackSettings(PlatformSettings):
    model_config = SettingsConfigDict(env_prefix=ENV_PREFIX)
    required = ("bot_token", "signing_secret")

    bot_token: str = Field(default="", repr=False)
    signing_secret: str = Field(default="", repr=False)
    app_token: str | None = Field(default=None, repr=False)
    #: Prefix for every slash command where a name is taken: "jam-" gives /jam-sketch (lowercase).
    command_prefix: str = ""
    #: A user group (id "S…") whose members count as moderators besides admins and owners.
    moderator_group: str | None = None
    #: The Web API base URL (tests point it at a loopback fake): SLACK_API_URL.
    api_url: str = DEFAULT_API
    max_upload_bytes: int = DEFAULT_MAX_UPLOAD
    max_download_bytes: int = DEFAULT_MAX_DOWNLOAD

    @field_validator("command_prefix")
    @classmethod
    def _lowercase_prefix(cls, value: str) -> str:
        return names.check_prefix(value)

    def slash(self, name: str) -> str:
        """The Slack slash command for a catalog command (/jam-remove for Slack's own /remove)."""
        return names.slack_name(name, self.command_prefix)

    def catalog_name(self, slash: str) -> str:
        """The catalog command for a Slack slash command."""
        return names.catalog_name(slash, self.command_prefix)
