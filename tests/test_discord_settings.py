"""Discord's settings: the environment or the core's .env file, and the one place that sets discord.py's URLs."""

from __future__ import annotations

import os

import discord
from discord.gateway import DiscordWebSocket

from adapters.discord_app import mount_outbound
from adapters.discord_app.config import DEFAULT_API_BASE, DiscordSettings, apply_endpoints


def _clean(monkeypatch, tmp_path) -> None:
    for key in list(os.environ):
        if key.startswith("DISCORD_"):
            monkeypatch.delenv(key)
    monkeypatch.chdir(tmp_path)


def test_the_token_is_read_from_the_dotenv_file(tmp_path, monkeypatch):
    _clean(monkeypatch, tmp_path)
    assert DiscordSettings.from_env() is None
    (tmp_path / ".env").write_text("DISCORD_TOKEN=bot-from-dotenv\nDISCORD_ATTACHMENT_LIMIT=1048576\n"
                                   "DISCORD_MODERATOR_ROLE=\nJAMROOM_PORT=9000\n")
    cfg = DiscordSettings.from_env()
    assert cfg is not None and cfg.token == "bot-from-dotenv" and cfg.attachment_limit == 1048576
    assert cfg.moderator_role is None and cfg.api_base == DEFAULT_API_BASE
    assert "bot-from-dotenv" not in repr(cfg)


def test_the_environment_wins_over_the_dotenv_file(tmp_path, monkeypatch):
    _clean(monkeypatch, tmp_path)
    (tmp_path / ".env").write_text("DISCORD_TOKEN=from-file\n")
    monkeypatch.setenv("DISCORD_TOKEN", "from-env")
    cfg = DiscordSettings.from_env()
    assert cfg is not None and cfg.token == "from-env"


async def test_worker_outbound_switches_on_from_the_dotenv_file_and_sets_the_endpoints(tmp_path, monkeypatch):
    from support import make_jam

    _clean(monkeypatch, tmp_path)
    (tmp_path / ".env").write_text("DISCORD_TOKEN=bot\nDISCORD_API_BASE=http://127.0.0.1:9/api/\n"
                                   "DISCORD_GATEWAY_URL=ws://127.0.0.1:9/gateway\n")
    saved = discord.http.Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY
    try:
        jam, _ = make_jam(tmp_path / "data")
        outbound = mount_outbound(jam)
        assert outbound is not None and jam.outbounds.get("discord") is outbound
        await outbound.close()
        assert discord.http.Route.BASE == "http://127.0.0.1:9/api"
        assert str(DiscordWebSocket.DEFAULT_GATEWAY) == "ws://127.0.0.1:9/gateway"
    finally:
        discord.http.Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY = saved


def test_apply_endpoints_defaults_to_discord(tmp_path, monkeypatch):
    _clean(monkeypatch, tmp_path)
    saved = discord.http.Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY
    try:
        apply_endpoints(DiscordSettings(token="x", _env_file=None))
        assert discord.http.Route.BASE == "https://discord.com/api/v10"
    finally:
        discord.http.Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY = saved
