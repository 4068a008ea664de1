"""Discord's view of the catalog (command JSON, button ids, message rendering) and `jamroom discord-sync`."""

from __future__ import annotations

import argparse
import io

import discord
import numpy as np
import pytest
from fake_discord import APP_ID, FakeDiscord
from PIL import Image
from PIL.PngImagePlugin import PngInfo

from adapters.discord_app import commands, render
from bot.catalog.registry import catalog
from bot.catalog.spec import OptionType
from bot.cli import discord_cmd
from bot.models import Artifact, ArtifactFile, Button, Contributor, Delivery, Origin, Role
from bot.presentation import MessageView, parse_custom_id


def test_every_catalog_command_becomes_a_valid_slash_command():
    cat = catalog()
    payload = commands.commands_payload(cat)
    assert sorted(p["name"] for p in payload) == sorted(c.name for c in cat.all())
    for cmd in payload:
        assert 1 <= len(cmd["description"]) <= 100 and cmd["contexts"] == [0]
        required = [o["required"] for o in cmd["options"]]
        assert required == sorted(required, reverse=True), f"/{cmd['name']}: required options must come first"
        for opt in cmd["options"]:
            assert len(opt.get("choices", [])) <= 25 and 1 <= len(opt["description"]) <= 100
    by_name = {p["name"]: {o["name"]: o for o in p["options"]} for p in payload}
    assert by_name["melody"]["tempo"] == {"name": "tempo", "description": "Beats per minute", "required": False,
                                          "type": commands.INTEGER, "min_value": 40, "max_value": 240}
    assert by_name["restyle"]["file"]["type"] == commands.ATTACHMENT and by_name["restyle"]["file"]["required"]
    assert by_name["vary"]["to"]["autocomplete"] is True and "choices" not in by_name["vary"]["to"]
    assert [c["value"] for c in by_name["export"]["as"]["choices"]] == ["wav", "mp3", "stems"]
    for cmd in cat.all():
        for opt in cmd.options:
            if opt.type is OptionType.CHOICE and len(opt.choices) > 25:
                assert by_name[cmd.name][opt.name]["autocomplete"] is True


def test_invite_url_asks_for_exactly_the_needed_permissions():
    url = commands.invite_url("123")
    perms = discord.Permissions(commands.INVITE_PERMISSIONS)
    granted = {name for name, on in perms if on}
    assert granted == {"read_messages", "send_messages", "attach_files", "read_message_history",
                       "create_public_threads", "send_messages_in_threads"}
    assert "client_id=123" in url and "scope=bot+applications.commands" in url


def test_button_ids_keep_every_arg_and_round_trip():
    buttons = [Button("V2", "vary", {"to": "a1b2", "pick": 2}),
               Button("+Bass", "layer", {"to": "a1b2", "part": "bass"}),
               Button("+Counter", "layer", {"to": "a1b2", "part": "counter-melody"}, row=1)]
    ids = [b.custom_id for b in buttons]  # one encoding, in the core
    assert ids == ["jam:vary:a1b2:2", "jam:layer:a1b2::part=bass", "jam:layer:a1b2::part=counter-melody"]
    assert [parse_custom_id(i) for i in ids] == [
        ("vary", {"to": "a1b2", "pick": 2}), ("layer", {"to": "a1b2", "part": "bass"}),
        ("layer", {"to": "a1b2", "part": "counter-melody"})]
    rows = render.components(MessageView("x", buttons=buttons))
    assert [len(r["components"]) for r in rows] == [2, 1]
    assert [b["custom_id"] for r in rows for b in r["components"]] == ids
    assert parse_custom_id("other:thing") is None


def _png(size: int, text: str) -> bytes:
    info = PngInfo()
    info.add_itxt("XML:com.adobe.xmp", text)
    rng = np.random.default_rng(1)
    img = Image.fromarray(rng.integers(0, 255, (size, size, 3), dtype="uint8"))
    buf = io.BytesIO()
    img.save(buf, "PNG", pnginfo=info)
    return buf.getvalue()


def _delivery(files: dict[str, tuple[str, bytes]]) -> Delivery:
    origin = Origin("discord", "g", "c", "", "1", "ann", "e1")
    art = Artifact("a1", "image", origin.thread_key, "image.sketch", "1", {"prompt": "koi"}, 1, [],
                   [Contributor("discord:g:1", "ann", Role.PROMPTED)],
                   [ArtifactFile(n, m, "0" * 64, len(d), i == 0) for i, (n, (m, d)) in enumerate(files.items())])
    return Delivery("j1", origin, "koi", art, "by ann (prompt)", "🤖 AI-generated",
                    [Button("Vary", "vary", {"to": "a1"})], notify=["discord:g:7", "slack:x:8"])


def test_large_png_is_downscaled_with_its_provenance_and_other_files_become_a_permalink():
    big = _png(400, "<x:xmpmeta>credits: ann</x:xmpmeta>")
    delivery = _delivery({"grid.png": ("image/png", big), "take.wav": ("audio/wav", b"\0" * 60_000)})
    fitted = render.fit(delivery.artifact, {"grid.png": big, "take.wav": b"\0" * 60_000}, 50_000)
    assert list(fitted.files) == ["grid.png"] and len(fitted.files["grid.png"]) <= 50_000
    with Image.open(io.BytesIO(fitted.files["grid.png"])) as img:
        assert img.width < 400 and "credits: ann" in img.info["XML:com.adobe.xmp"]
    body = render.message(delivery, fitted, "https://jam.example")
    assert "downscaled" in body["content"] and "take.wav" in body["content"]
    assert "https://jam.example/a/a1" in body["content"]
    assert "<@7>" in body["content"] and body["allowed_mentions"]["users"] == ["7"]
    # an artifact without a generator description falls back to its summary or kind as the alt text
    assert body["attachments"] == [{"id": 0, "filename": "grid.png", "description": "image"}]


def test_a_primary_file_that_cannot_fit_is_replaced_by_the_permalink():
    delivery = _delivery({"song.wav": ("audio/wav", b"\1" * 5000)})
    fitted = render.fit(delivery.artifact, {"song.wav": b"\1" * 5000}, 1000)
    assert fitted.files == {} and fitted.primary_missing
    assert "http://s/a/a1" in render.message(delivery, fitted, "http://s/")["content"]


async def test_discord_sync_registers_the_catalog_and_prints_the_invite(monkeypatch, capsys):
    fake = await FakeDiscord().start()
    monkeypatch.setattr(discord.http.Route, "BASE", fake.api)
    monkeypatch.setenv("DISCORD_TOKEN", "bot-token")
    monkeypatch.delenv("DISCORD_GUILD_ID", raising=False)
    try:
        assert await discord_cmd._main(argparse.Namespace(guild="123")) == 0
        assert await discord_cmd._main(argparse.Namespace(guild=None)) == 0
    finally:
        await fake.close()
    out = capsys.readouterr().out
    assert f"client_id={APP_ID}" in out and f"permissions={commands.INVITE_PERMISSIONS}" in out
    assert {c["name"] for c in fake.commands["123"]} == set(catalog().commands)
    assert fake.commands["global"] == fake.commands["123"]


async def test_discord_sync_refuses_a_bad_guild_and_a_missing_token(monkeypatch):
    from bot.cli.common import CliError

    monkeypatch.delenv("DISCORD_TOKEN", raising=False)
    with pytest.raises(CliError, match="DISCORD_TOKEN"):
        await discord_cmd._main(argparse.Namespace(guild=None))
    monkeypatch.setenv("DISCORD_TOKEN", "t")
    with pytest.raises(CliError, match="server id"):
        await discord_cmd._main(argparse.Namespace(guild="my-server"))


async def test_mount_needs_a_token_only_when_discord_is_asked_for(tmp_path):
    from aiohttp import web
    from support import make_jam

    from adapters.discord_app import mount, mount_outbound
    from bot.cli.common import CliError

    jam, _ = make_jam(tmp_path)
    app = web.Application()
    assert await mount(jam, app, explicit=False, env={}) is None
    with pytest.raises(CliError, match="DISCORD_TOKEN"):
        await mount(jam, app, explicit=True, env={})
    assert mount_outbound(jam, env={}) is None and jam.outbounds.get("discord") is None
    outbound = mount_outbound(jam, env={"DISCORD_TOKEN": "t"})
    assert outbound is not None and jam.outbounds.get("discord") is outbound


def test_large_audio_is_re_encoded_as_ogg_keeping_its_tags():
    import mutagen.oggvorbis
    import soundfile as sf

    buf = io.BytesIO()
    t = np.linspace(0, 4, 44_100 * 4, endpoint=False)
    with sf.SoundFile(buf, "w", 44_100, 1, format="WAV", subtype="PCM_16") as f:
        f.comment = "credits: ann · prompted"
        f.software = "Jamroom music.export v1"
        f.write((0.3 * np.sin(2 * np.pi * 440 * t)).astype("float32"))
    wav = buf.getvalue()
    delivery = _delivery({"take.wav": ("audio/wav", wav)})
    fitted = render.fit(delivery.artifact, {"take.wav": wav}, 100_000)
    assert list(fitted.files) == ["take.ogg"] and not fitted.primary_missing
    tags = mutagen.oggvorbis.OggVorbis(io.BytesIO(fitted.files["take.ogg"])).tags
    with sf.SoundFile(io.BytesIO(wav)) as src:
        software = src.software  # libsndfile adds its own version to SOFTWARE on every write
    assert tags["COMMENT"] == ["credits: ann · prompted"] and tags["SOFTWARE"] == [software]
    assert "re-encoded as take.ogg" in render.message(delivery, fitted, None)["content"]
