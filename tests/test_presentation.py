"""The platform-neutral message view and the progress rule, and each adapter's translation of them."""

from __future__ import annotations

import dataclasses

from adapters.discord_app import render
from adapters.slack_app import blocks
from bot.models import Artifact, ArtifactFile, Button, Contributor, Delivery, Origin, Role
from bot.presentation import Progress, ProgressTracker, button_rows, view_of

ALT = "a red fox curled in snow under a pale dawn sky, Bauhaus poster"


def _delivery(platform: str, *, alt: str | None = ALT, buttons: int = 7) -> Delivery:
    origin = Origin(platform, "w", "c", "", "1", "ann", "e1")
    art = Artifact("a1", "image", origin.thread_key, "image.sketch", "1", {"prompt": "fox"}, 1, [],
                   [Contributor(f"{platform}:w:9", "cy", Role.PROMPTED), Contributor(f"{platform}:w:1", "ann",
                                                                                   Role.BUILT_ON, "vary")],
                   [ArtifactFile("fox.png", "image/png", "0" * 64, 10, True),
                    ArtifactFile("fox-2.png", "image/png", "1" * 64, 10)],
                   facts={"alt": alt} if alt else {}, summary="a fox")
    rows = [Button(f"V{i}", "vary", {"to": "a1", "pick": i}, row=0) for i in range(1, 5)]
    rows += [Button(f"U{i}", "upscale", {"to": "a1", "pick": i}, row=1) for i in range(1, buttons - 3)]
    return Delivery("j1", origin, "a fox", art, "by cy · ann (vary)", "🤖 AI-generated", rows,
                    notify=[f"{platform}:w:9"])


def test_the_view_carries_lines_alt_permalink_and_who_it_builds_on():
    view = view_of(_delivery("discord"), "https://jam.example/")
    assert view.title == "a fox" and view.lines == ["🤖 AI-generated", "by cy · ann (vary)"]
    assert view.alt == ALT and view.permalink == "https://jam.example/a/a1" and view.built_on == ["discord:w:9"]
    assert view.file_title("fox.png", True) == ALT and view.file_title("fox-2.png", False) == "fox-2.png"
    assert view_of(_delivery("discord", alt=None)).alt == "a fox"  # older artifacts: the summary


def test_button_rows_keep_catalog_rows_and_each_platform_width():
    buttons = _delivery("discord", buttons=10).buttons
    assert [[b.label for b in r] for r in button_rows(buttons, 5)] == [
        ["V1", "V2", "V3", "V4"], ["U1", "U2", "U3", "U4", "U5"], ["U6"]]
    assert len(button_rows(buttons, 5, max_rows=2)) == 2


def test_discord_and_slack_translate_the_same_view():
    d = _delivery("discord")
    payload = render.message(d, render.Fitted({"fox.png": b"x", "fox-2.png": b"y"}), "https://jam.example")
    assert payload["attachments"][0] == {"id": 0, "filename": "fox.png", "description": ALT}
    assert "description" not in payload["attachments"][1]
    assert "builds on work by <@9>" in payload["content"] and "id `a1`" in payload["content"]
    ids = [b["custom_id"] for r in payload["components"] for b in r["components"]]
    s = _delivery("slack")
    kit = blocks.result_blocks(s)
    values = [e["value"] for b in kit if b["type"] == "actions" for e in b["elements"]]
    assert len(ids) == len(values) == 7
    assert values == [b.text() for b in s.buttons] and ids == [b.custom_id for b in d.buttons]


def test_progress_never_goes_backwards_and_finished_stays_finished():
    shown = ProgressTracker()
    assert shown.advance("j", Progress.QUEUED) and shown.advance("j", "queued")  # a new position
    assert shown.advance("j", Progress.RUNNING)
    assert not shown.advance("j", Progress.QUEUED)
    assert shown.advance("j", Progress.DONE)
    assert not shown.advance("j", Progress.RUNNING) and not shown.advance("j", Progress.FAILED)
    assert shown.shown("j") is Progress.DONE and shown.shown("other") is None


def test_the_author_is_the_last_contributor():
    art = _delivery("discord").artifact
    assert art is not None and art.author is not None and art.author.name == "ann"
    assert dataclasses.replace(art, contributors=[]).author is None
