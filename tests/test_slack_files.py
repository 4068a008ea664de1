"""Real files through Slack: the music generator's MIDI / OGG / PNG up, members' MIDI down."""

from __future__ import annotations

import asyncio
import hashlib
import io

import mido
from fake_slack import slack_stack

from bot.presentation import clip


def _midi() -> bytes:
    mid = mido.MidiFile(ticks_per_beat=480)
    track = mido.MidiTrack()
    mid.tracks.append(track)
    track.append(mido.MetaMessage("set_tempo", tempo=500000, time=0))
    for note in (60, 62, 64, 65, 67, 65, 64, 62) * 2:
        track.append(mido.Message("note_on", note=note, velocity=80, time=0))
        track.append(mido.Message("note_off", note=note, velocity=0, time=480))
    buffer = io.BytesIO()
    mid.save(file=buffer)
    return buffer.getvalue()


def _mention(text: str, files: list[dict] | None = None, ts: str = "1699999999.000100",
             thread_ts: str | None = None) -> dict:
    event = {"type": "app_mention", "user": "UANN", "text": f"<@UJAMBOT> {text}", "ts": ts, "channel": "C0JAM",
             "event_ts": ts}
    if thread_ts:
        event["thread_ts"] = thread_ts
    if files:
        event["files"] = files
    return event


async def test_melody_uploads_real_midi_ogg_and_png_into_the_thread(tmp_path):
    async with slack_stack(tmp_path) as s:
        await s.send.command("/melody", "wistful rainy lofi bars:4 seed:3", trigger="tr-m",
                             response_url=s.fake.response_url())
        await s.fake.wait_for("chat.update", timeout=40, text=lambda t: t and "done ✓" in t)
        [complete] = s.fake.of("files.completeUploadExternal")
        asked = s.fake.of("files.getUploadURLExternal")
        names = [a.args["filename"] for a in asked]
        assert names[0].endswith(".mid")  # the primary file first
        [art] = await s.jam.ledger.artifacts()
        alt = art.facts["alt"]
        assert alt and asked[0].args["alt_txt"] == alt[:1000]  # the generator's description is the alt text
        titles = [f["title"] for f in complete.args["files"]]
        assert titles[0] == clip(alt, 250) and titles[1:] == names[1:]
        data = {name: s.fake.uploads[f["id"]] for name, f in zip(names, complete.args["files"], strict=True)}
        kinds = {name.rsplit(".", 1)[-1]: body[:4] for name, body in data.items()}
        assert kinds["mid"] == b"MThd" and kinds["ogg"] == b"OggS" and kinds["png"] == b"\x89PNG"
        result = next(c for c in s.fake.of("chat.postMessage") if c.args.get("blocks"))
        labels = [e["text"]["text"] for b in result.args["blocks"] if b["type"] == "actions" for e in b["elements"]]
        assert {"Vary", "Continue", "+Bass"} <= set(labels)
        assert len({e["action_id"] for b in result.args["blocks"] if b["type"] == "actions"
                    for e in b["elements"]}) == len(labels)


async def test_midi_shared_with_a_mention_is_the_riff_source_and_credits_the_uploader(tmp_path):
    async with slack_stack(tmp_path) as s:
        midi = _midi()
        shared = s.fake.share("hook.mid", "audio/midi", midi)
        await s.send.event(_mention("riff action:continue", [shared]), event_id="EvRiff")
        await s.fake.wait_for("chat.update", timeout=40, text=lambda t: t and "done ✓" in t)
        assert s.fake.downloads == [shared["id"]]
        [artifact] = await s.jam.ledger.artifacts()
        assert artifact.generator == "music.riff" and artifact.thread.endswith(":1699999999.000100")
        assert [(c.name, c.role.value) for c in artifact.contributors] == [("ann", "uploaded")]
        assert s.jam.store.has(hashlib.sha256(midi).hexdigest())  # the member's file, stored by content
        [complete] = s.fake.of("files.completeUploadExternal")
        assert s.fake.uploads[complete.args["files"][0]["id"]][:4] == b"MThd"


async def test_oversized_shared_file_is_refused_before_reading(tmp_path):
    async with slack_stack(tmp_path) as s:
        shared = s.fake.share("big.mid", "audio/midi", _midi(), size=12 * 1024 * 1024)
        await s.send.event(_mention("riff", [shared]), event_id="EvBig")
        [eph] = await s.fake.wait_for("chat.postEphemeral")
        assert "big.mid is too large" in eph.args["text"] and eph.args["user"] == "UANN"
        await asyncio.sleep(0.2)
        assert s.fake.downloads == [] and s.fake.of("chat.postMessage") == []


async def test_credits_in_a_thread_lists_its_contributors(tmp_path):
    async with slack_stack(tmp_path) as s:
        thread = "1699999999.000100"
        await s.send.event(_mention("echo first idea", ts=thread), event_id="Ev1")
        await s.fake.wait_for("chat.update", text=lambda t: t and "done ✓" in t)
        await s.send.event({**_mention("vary", ts="1699999999.000200", thread_ts=thread), "user": "UBOB"},
                           event_id="Ev2")
        await s.fake.wait_for("chat.update", 2, text=lambda t: t and "done ✓" in t)
        await s.send.event(_mention("credits", ts="1699999999.000300", thread_ts=thread), event_id="Ev3")
        answer = await s.fake.wait_for("chat.postMessage", text=lambda t: t and t.startswith("Credits"))
        assert answer[0].args["thread_ts"] == thread
        assert "ann: prompted" in answer[0].args["text"] and "bob: vary" in answer[0].args["text"]


async def test_result_too_big_for_slack_links_to_the_studio(tmp_path):
    async with slack_stack(tmp_path, public_url="https://jam.example.org",
                           slack={"max_upload_bytes": 10}) as s:
        await s.send.command("/echo", "a long enough text", trigger="tr-big", response_url=s.fake.response_url())
        result = (await s.fake.wait_for("chat.postMessage", 2))[1]
        [artifact] = await s.jam.ledger.artifacts()
        notes = [e["text"] for b in result.args["blocks"] if b["type"] == "context" for e in b["elements"]]
        assert any(f"<https://jam.example.org/a/{artifact.id}|open it in the studio>" in n for n in notes)
        assert s.fake.of("files.getUploadURLExternal") == []


async def test_credits_picture_arrives_byte_exact(tmp_path):
    async with slack_stack(tmp_path) as s:
        thread = "1699999999.000100"
        await s.send.event(_mention("echo first idea", ts=thread), event_id="Ev1")
        await s.fake.wait_for("chat.update", text=lambda t: t and "done ✓" in t)
        await s.send.event({**_mention("vary", ts="1699999999.000200", thread_ts=thread), "user": "UBOB"},
                           event_id="Ev2")
        await s.fake.wait_for("chat.update", 2, text=lambda t: t and "done ✓" in t)
        artifact = (await s.jam.ledger.artifacts(newest_first=True))[0]  # the vary: a two-level lineage picture
        before = set(s.fake.uploads)
        await s.send.event(_mention(f"credits {artifact.id}", ts="1699999999.000300", thread_ts=thread),
                           event_id="Ev3")
        await s.fake.wait_for("files.completeUploadExternal", len(s.fake.of("files.completeUploadExternal")) + 1)
        [new] = [s.fake.uploads[k] for k in s.fake.uploads if k not in before]
        assert new.startswith(b"\x89PNG\r\n\x1a\n")  # not "\xef\xbf\xbdPNG": the bytes were never decoded
        from PIL import Image

        assert Image.open(io.BytesIO(new)).size[0] > 0
