"""The shape of a platform adapter's settings: ``<PREFIX>_*`` from the environment or the core's ``.env``.

Slack and Discord each subclass it with their prefix, so a server without one of them
never needs its variables, and both read the same ``.env`` file the core's Settings read.
A blank value (``SLACK_APP_TOKEN=``) means "not set": the field's default applies.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar, Self

from pydantic import model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class PlatformSettings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore", frozen=True)

    #: Fields that must all be set for the platform to be on.
    required: ClassVar[tuple[str, ...]] = ()

    @model_validator(mode="before")
    @classmethod
    def _blank_means_default(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        return {k: v.strip() if isinstance(v, str) else v for k, v in data.items()
                if not (isinstance(v, str) and not v.strip())}

    @classmethod
    def read(cls, env: Mapping[str, str] | None = None, *, env_file: str | None = ".env") -> Self:
        """From the environment and ``env_file``; with ``env`` (tests, tools) from that mapping only."""
        if env is None:
            return cls(_env_file=env_file)  # type: ignore[call-arg]
        prefix = str(cls.model_config.get("env_prefix", ""))
        values = {k[len(prefix):].lower(): v for k, v in env.items() if k.startswith(prefix)}
        return cls(_env_file=None, **values)  # type: ignore[call-arg]

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, *, env_file: str | None = ".env") -> Self | None:
        """The settings when every ``required`` field is set (environment, then ``env_file``), else None."""
        cfg = cls.read(env, env_file=env_file)
        return cfg if all(getattr(cfg, name) for name in cls.required) else None
