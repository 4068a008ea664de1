"""The app manifest from the catalog, `jamroom slack-manifest`, and switching Slack on from the environment."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from aiohttp import web
from fake_slack import BOT_TOKEN, SIGNING_SECRET, TEAM, FakeSlack, user
from support import make_jam

import adapters.slack_app as slack_app
from adapters.slack_app.config import SlackSettings
from adapters.slack_app.manifest import build, scopes
from adapters.slack_app.names import slack_name
from bot.catalog.registry import catalog
from bot.cli.main import main
from bot.web import make_app

EXPECTED_SCOPES = ["app_mentions:read", "chat:write", "chat:write.public", "commands", "files:read", "files:write",
                   "users:read"]


def test_every_catalog_command_is_a_slash_command_with_the_events_url():
    manifest = build(url="https://jam.example.org/")
    commands = {c["command"]: c for c in manifest["features"]["slash_commands"]}
    assert set(commands) == {slack_name(c.name) for c in catalog().all()}
    assert all(c["url"] == "https://jam.example.org/slack/events" for c in commands.values())
    assert all(0 < len(c["description"]) <= 100 and len(c.get("usage_hint", "")) <= 100 for c in commands.values())
    assert commands["/melody"]["usage_hint"].startswith("[prompt]")
    settings = manifest["settings"]
    assert settings["event_subscriptions"] == {"bot_events": ["app_mention"],
                                               "request_url": "https://jam.example.org/slack/events"}
    assert settings["interactivity"]["request_url"] == "https://jam.example.org/slack/events"
    assert manifest["features"]["shortcuts"][0]["callback_id"] == "jam_on_this"


def test_scopes_are_exactly_what_the_bot_uses():
    assert build(url="https://x")["oauth_config"]["scopes"]["bot"] == EXPECTED_SCOPES
    assert scopes(moderator_group=True) == sorted([*EXPECTED_SCOPES, "usergroups:read"])


def test_prefix_and_socket_mode():
    manifest = build(url="", prefix="jam-", socket_mode=True)
    names = [c["command"] for c in manifest["features"]["slash_commands"]]
    assert all(n.startswith("/jam-") for n in names) and "/jam-sketch" in names
    assert all("url" not in c for c in manifest["features"]["slash_commands"])
    assert manifest["settings"]["socket_mode_enabled"] is True
    assert "request_url" not in manifest["settings"]["interactivity"]


def test_cli_prints_the_manifest_as_json():
    env = {k: v for k, v in os.environ.items() if not k.startswith("SLACK_")}
    proc = subprocess.run([sys.executable, "-m", "bot.cli.main", "slack-manifest", "--url", "https://jam.example.org",
                           "--prefix", "jam-"], capture_output=True, text=True, env=env, timeout=120, check=True)
    manifest = json.loads(proc.stdout)
    assert manifest["oauth_config"]["scopes"]["bot"] == EXPECTED_SCOPES
    assert "/jam-melody" in [c["command"] for c in manifest["features"]["slash_commands"]]


def test_cli_without_a_url_says_what_to_give(monkeypatch, capsys):
    monkeypatch.delenv("JAMROOM_PUBLIC_URL", raising=False)
    with pytest.raises(SystemExit) as exit_:
        main(["slack-manifest"])
    assert exit_.value.code == 2 and "--url" in capsys.readouterr().err


def test_settings_need_both_variables_and_keep_secrets_out_of_repr():
    assert SlackSettings.from_env({"SLACK_BOT_TOKEN": BOT_TOKEN}) is None
    cfg = SlackSettings.from_env({"SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_SIGNING_SECRET": SIGNING_SECRET,
                                  "SLACK_COMMAND_PREFIX": "/jam-"})
    assert cfg is not None and cfg.slash("sketch") == "/jam-sketch" and cfg.catalog_name("/jam-sketch") == "sketch"
    assert BOT_TOKEN not in repr(cfg) and SIGNING_SECRET not in repr(cfg)


async def test_mount_switches_on_with_the_environment(tmp_path, monkeypatch):
    jam, _ = make_jam(tmp_path)
    monkeypatch.delenv("SLACK_BOT_TOKEN", raising=False)
    monkeypatch.delenv("SLACK_SIGNING_SECRET", raising=False)
    app = make_app(jam)
    assert await slack_app.mount(jam, app) is None
    assert "SLACK_BOT_TOKEN" in await slack_app.mount(jam, app, explicit=True)
    assert slack_app.mount_outbound(jam) is None and jam.outbounds.get("slack") is None
    monkeypatch.setenv("SLACK_BOT_TOKEN", BOT_TOKEN)
    monkeypatch.setenv("SLACK_SIGNING_SECRET", SIGNING_SECRET)
    monkeypatch.delenv("SLACK_APP_TOKEN", raising=False)
    line = await slack_app.mount(jam, app, explicit=True)
    assert "/slack/events" in line and BOT_TOKEN not in line
    assert any(r.resource.canonical == "/slack/events" for r in app.router.routes() if r.method == "POST")
    assert jam.outbounds.get("slack") is not None


async def test_socket_mode_receives_a_slash_command_and_acks_it(tmp_path, monkeypatch):
    fake = await FakeSlack(users={"UANN": user("UANN", "ann")}).start()
    jam, _ = make_jam(tmp_path)
    await jam.start()
    app = make_app(jam)
    runner = web.AppRunner(app)
    try:
        for key, value in {"SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_SIGNING_SECRET": SIGNING_SECRET,
                           "SLACK_APP_TOKEN": "xapp-test", "SLACK_API_URL": fake.api_url}.items():
            monkeypatch.setenv(key, value)
        line = await slack_app.mount(jam, app, explicit=True)
        assert "Socket Mode" in line
        await runner.setup()
        payload = {"team_id": TEAM, "channel_id": "C0JAM", "user_id": "UANN", "user_name": "ann",
                   "command": "/echo", "text": "over the socket", "trigger_id": "tr-sock", "response_url": ""}
        await fake.send_envelope("slash_commands", payload, "env-1")
        await fake.wait_for("chat.update", text=lambda t: t and "done ✓" in t)
        assert any(a.get("envelope_id") == "env-1" for a in fake.socket_acks)
        [opened] = fake.of("apps.connections.open")
        assert opened.token == "xapp-test"
    finally:
        await runner.cleanup()
        await jam.stop()
        await fake.stop()


def test_no_command_uses_a_slack_built_in_name_and_remove_becomes_jam_remove():
    from adapters.slack_app.names import BUILTIN_COMMANDS

    assert {"remove", "invite", "who", "status", "me", "shrug"} <= BUILTIN_COMMANDS
    for prefix in ("", "jam-", "x_"):
        registered = [c["command"].lstrip("/") for c in build(url="https://x", prefix=prefix)
                      ["features"]["slash_commands"]]
        assert not set(registered) & BUILTIN_COMMANDS
        assert all(n == n.lower() for n in registered)
    names = [c["command"] for c in build(url="https://x")["features"]["slash_commands"]]
    assert "/jam-remove" in names and "/remove" not in names and "/sketch" in names


def test_slack_names_round_trip_and_show_in_core_text():
    from adapters.slack_app.names import catalog_name, in_slack_names, slack_name

    assert slack_name("remove") == "/jam-remove" and catalog_name("/jam-remove") == "remove"
    assert slack_name("sketch", "jam-") == "/jam-sketch" and catalog_name("/jam-sketch", "jam-") == "sketch"
    text = in_slack_names("/remove <id> (see /help remove); /removed stays; a/remove too", ["remove", "help"])
    assert text == "/jam-remove <id> (see /help remove); /removed stays; a/remove too"


@pytest.mark.parametrize("prefix", ["Jam-", "ja m-", "jäm-", "jam!"])
def test_prefixes_slack_refuses_are_refused_with_one_line(prefix):
    with pytest.raises(ValueError, match="lowercase"):
        build(url="https://x", prefix=prefix)
    with pytest.raises(ValueError):
        SlackSettings(bot_token="x", signing_secret="y", command_prefix=prefix, _env_file=None)


def test_cli_refuses_an_uppercase_prefix():
    env = {k: v for k, v in os.environ.items() if not k.startswith("SLACK_")}
    proc = subprocess.run([sys.executable, "-m", "bot.cli.main", "slack-manifest", "--url", "https://x",
                           "--prefix", "Jam-"], capture_output=True, text=True, env=env, timeout=120)
    assert proc.returncode != 0 and "lowercase" in proc.stderr and len(proc.stderr.strip().splitlines()) == 1


def test_settings_read_the_dotenv_file(tmp_path, monkeypatch):
    for key in list(os.environ):
        if key.startswith("SLACK_"):
            monkeypatch.delenv(key)
    monkeypatch.chdir(tmp_path)
    assert SlackSettings.from_env() is None
    (tmp_path / ".env").write_text(f"SLACK_BOT_TOKEN={BOT_TOKEN}\nSLACK_SIGNING_SECRET={SIGNING_SECRET}\n"
                                   "SLACK_API_URL=http://127.0.0.1:9/api/\nJAMROOM_PORT=9000\n")
    cfg = SlackSettings.from_env()
    assert cfg is not None and cfg.bot_token == BOT_TOKEN and cfg.api_url == "http://127.0.0.1:9/api/"


async def test_mount_switches_on_from_the_dotenv_file(tmp_path, monkeypatch):
    for key in list(os.environ):
        if key.startswith("SLACK_"):
            monkeypatch.delenv(key)
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".env").write_text(f"SLACK_BOT_TOKEN={BOT_TOKEN}\nSLACK_SIGNING_SECRET={SIGNING_SECRET}\n")
    jam, _ = make_jam(tmp_path / "data")
    app = make_app(jam)
    line = await slack_app.mount(jam, app, explicit=True)
    assert "/slack/events" in line and "off" not in line
    assert any(r.resource.canonical == "/slack/events" for r in app.router.routes() if r.method == "POST")
