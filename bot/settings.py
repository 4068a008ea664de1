"""Settings from the environment (and a ``.env`` file), with defaults that run on a laptop.

Everything is optional: with nothing set, Jamroom uses a memory queue, a SQLite
ledger and files under ``./jamroom-data``.  Tests pass values explicitly.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="JAMROOM_", env_file=".env", extra="ignore", populate_by_name=True)

    data: Path = Field(default=Path("jamroom-data"), description="Folder for the SQLite ledger and artifact files")
    database_url: str | None = Field(default=None, validation_alias="DATABASE_URL")
    redis_url: str | None = Field(default=None, validation_alias="REDIS_URL")
    #: Redis key prefix (kept in a hash tag), so two deployments can share one Redis.
    redis_prefix: str = "jamroom"
    #: Artifact files, shared by every process (a shared mount); default: <data>/artifacts.
    artifacts: Path | None = None
    queue: str = Field(default="auto", description="memory, redis, or auto (redis when REDIS_URL is set)")

    host: str = "127.0.0.1"
    port: int = 8080
    public_url: str | None = None
    studio_token: str | None = None
    #: Bearer token for /metrics from other machines (scrapers); the studio token works too.
    metrics_token: str | None = None

    #: Generator processes in the pool (and jobs run at once) per worker.
    concurrency: int = 2
    job_timeout: float = 30.0
    max_output_bytes: int = 25 * 1024 * 1024
    #: Memory budget of each generator process (RSS, MB), shared by every generator and learned model.
    generator_memory_mb: int = 768
    #: Days an upload no artifact uses is kept before the hourly sweep deletes it (0: keep forever).
    upload_retention_days: float = 7.0

    #: Fairness: jobs one member may have running at once, and a rate limit over a window.
    member_in_flight: int = 3
    rate_limit: int = 20
    rate_window: float = 600.0
    #: Hard ceiling on any rate limit, including moderators' `/settings rate_limit:N` (jobs per member per window).
    rate_limit_ceiling: int = 200
    #: How long an idempotency key is remembered.
    idempotency_ttl: float = 24 * 3600.0

    #: Redis queue timings (seconds): a job whose worker stopped heartbeating is reclaimed after claim_idle.
    claim_idle: float = 30.0
    heartbeat: float = 5.0
    max_attempts: int = 5
    retry_backoff: float = 2.0

    #: How long a consent request ("ask") waits for the owner's answer, in seconds.
    consent_ttl: float = 24 * 3600.0

    label_text: str = "🤖 AI-generated · Jamroom {generator} v{version}"
    #: Optional C2PA signing (bot/c2pa_sign.py): a PEM certificate chain (leaf first, then its CA)
    #: and the leaf's PEM private key.  With both set, PNG/WAV/MP3 results carry a signed manifest.
    c2pa_cert: Path | None = None
    c2pa_key: Path | None = None

    synth: str = "auto"
    soundfont: str | None = None

    log_format: str = Field(default="text", description="text or json")
    log_level: str = "INFO"

    @field_validator("c2pa_cert", "c2pa_key", mode="before")
    @classmethod
    def _blank_is_unset(cls, value: object) -> object:
        """``JAMROOM_C2PA_CERT=`` (empty) means off, not the current folder."""
        return None if isinstance(value, str) and not value.strip() else value

    @property
    def sqlalchemy_url(self) -> str:
        """The ledger's URL: DATABASE_URL when set, else a SQLite file under the data folder."""
        if self.database_url:
            url = self.database_url
            if url.startswith("postgres://"):
                url = "postgresql://" + url[len("postgres://") :]
            if url.startswith("postgresql://"):
                url = "postgresql+asyncpg://" + url[len("postgresql://") :]
            return url
        return f"sqlite+aiosqlite:///{(self.data / 'ledger.sqlite3').resolve()}"

    @property
    def artifacts_dir(self) -> Path:
        return self.artifacts or self.data / "artifacts"

    @property
    def queue_backend(self) -> str:
        if self.queue == "auto":
            return "redis" if self.redis_url else "memory"
        return self.queue
