"""Credits reach the files, read back by tools we did not write: exiftool, mido, pretty_midi, mutagen.

Runs the real generators through the whole core (intake -> queue -> pool -> ledger -> delivery).
"""

from __future__ import annotations

import io
import json
import shutil
import subprocess

import pytest
from PIL import Image
from support import make_jam, origin

from bot.consent import pseudonym
from generators import registry

IPTC = "http://cv.iptc.org/newscodes/digitalsourcetype/"
needs_exiftool = pytest.mark.skipif(shutil.which("exiftool") is None, reason="exiftool is not installed")


def exif(path) -> dict:
    out = subprocess.run(["exiftool", "-j", "-XMP:all", str(path)], capture_output=True, check=True, timeout=60)
    return json.loads(out.stdout)[0]


def _as_list(value) -> list[str]:
    return value if isinstance(value, list) else [value]


@pytest.fixture
async def jam(tmp_path):
    jam, out = make_jam(tmp_path, job_timeout=60.0)
    await jam.start()
    try:
        yield jam, out
    finally:
        await jam.stop()


@needs_exiftool
@pytest.mark.skipif("music.melody" not in registry.generators(), reason="no melody generator yet")
async def test_three_member_music_jam_carries_credits_in_every_file(jam, tmp_path):
    import mido
    import pretty_midi
    from mutagen.oggvorbis import OggVorbis

    jam, out = jam
    assert (await jam.submit_text('/melody prompt:"wistful rain" bars:4 seed:7', origin("ann", "p1"))).ok
    await out.wait_for(1, timeout=120)
    assert (await jam.submit_text("/layer part:bass", origin("bob", "p2"))).ok
    await out.wait_for(2, timeout=120)
    assert (await jam.submit_text("/layer part:drums", origin("cy", "p3"))).ok
    drums = (await out.wait_for(3, timeout=120))[2]
    assert drums.ok, drums.error
    assert drums.notify == ["test:w1:ann", "test:w1:bob"]
    files = out.deliveries[2][1]
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    names = ("ann", "bob", "cy")

    [mid_name] = [n for n in files if n.endswith(".mid")]
    mid = mido.MidiFile(tmp_path / mid_name, charset="utf-8")
    meta = [m for m in mid.tracks[0] if m.is_meta]
    assert meta[0].type == "copyright" and meta[0].time == 0 and "Jamroom" in meta[0].text
    texts = [m.text for m in meta if m.type == "text"]
    credit_text = next(t for t in texts if t.startswith("Credits:"))
    assert all(n in credit_text for n in names) and "layer:drums" in credit_text
    assert any("AI-generated" in t for t in texts)
    pm = pretty_midi.PrettyMIDI(str(tmp_path / mid_name))
    assert any(all(n in e.text for n in names) for e in pm.text_events)

    [ogg_name] = [n for n in files if n.endswith(".ogg")]
    tags = OggVorbis(tmp_path / ogg_name).tags
    assert all(n in tags["ARTIST"][0] for n in names)
    assert "AI-generated" in tags["COPYRIGHT"][0] and tags["TITLE"][0] and tags["COMMENT"][0]

    [png_name] = [n for n in files if n.endswith(".png")]
    xmp = exif(tmp_path / png_name)
    assert xmp["DigitalSourceType"] == IPTC + "algorithmicMedia"
    creators = " ".join(_as_list(xmp["Creator"]))
    assert all(n in creators for n in names)
    assert xmp["CreatorTool"].startswith("Jamroom music.layer")

    reply = await jam.submit_text(f"/credits {drums.artifact.id}", origin("dee", "p4"))
    from generators.music.melody import MelodyGenerator

    assert reply.text.splitlines()[0].endswith(
        f"drums by @cy ← bass by @bob ← melody by @ann, Jamroom melody v{MelodyGenerator.version} seed 7")
    [lineage_png] = reply.attachments
    assert Image.open(io.BytesIO(lineage_png.data)).size[1] > 200


@pytest.mark.skipif("music.melody" not in registry.generators(), reason="no melody generator yet")
async def test_music_files_carry_machine_readable_provenance(jam, tmp_path):
    import mido
    from mutagen.oggvorbis import OggVorbis

    jam, out = jam
    await jam.submit_text('/melody prompt:"calm" bars:2 seed:3', origin("ann", "q1"))
    await out.wait_for(1, timeout=120)
    files = out.deliveries[0][1]
    ogg = next(v for k, v in files.items() if k.endswith(".ogg"))
    (tmp_path / "x.ogg").write_bytes(ogg)
    # the melody comes from a model trained on a corpus: the file says so, and says what it learned from
    tags = OggVorbis(tmp_path / "x.ogg").tags
    assert tags["DIGITALSOURCETYPE"][0] == IPTC + "trainedAlgorithmicMedia"
    assert "learned from" in " ".join(tags["COMMENT"] + tags["COPYRIGHT"])
    mid = mido.MidiFile(file=io.BytesIO(next(v for k, v in files.items() if k.endswith(".mid"))), charset="utf-8")
    assert any("learned from" in m.text for m in mid.tracks[0] if m.type == "text")
    made = out.deliveries[0][0].artifact
    assert made.facts["models"] and made.facts["models"][0]["learned_from"]
    lineage = await jam.submit_text(f"/credits {made.id}", origin("bob", "q2"))
    assert "learned from" in lineage.text
    blobs = [m for m in mid.tracks[0] if m.type in ("sequencer_specific", "text")]
    found = []
    for m in blobs:
        raw = bytes(m.data).decode() if m.type == "sequencer_specific" else m.text
        try:
            found.append(json.loads(raw))
        except ValueError:
            continue
    assert any("credits" in f for f in found)


@needs_exiftool
@pytest.mark.skipif("image.sketch" not in registry.generators(), reason="no image generator yet")
async def test_image_sketch_and_upload_source_types(jam, tmp_path):
    jam, out = jam
    assert (await jam.submit_text('/sketch prompt:"neon koi" seed:7', origin("ann", "i1"))).ok
    [sketch] = await out.wait_for(1, timeout=120)
    assert sketch.ok, sketch.error
    png = next(v for k, v in out.deliveries[0][1].items() if k.endswith(".png"))
    (tmp_path / "sketch.png").write_bytes(png)
    xmp = exif(tmp_path / "sketch.png")
    assert xmp["DigitalSourceType"] == IPTC + "algorithmicMedia"
    assert "ann" in " ".join(_as_list(xmp["Creator"])) and xmp["CreatorTool"].startswith("Jamroom image.sketch")

    if "restyle" not in jam.catalog.commands:
        return
    buffer = io.BytesIO()
    Image.new("RGB", (64, 64), (200, 40, 40)).save(buffer, format="PNG")
    upload = jam.save_upload("mine.png", "image/png", buffer.getvalue())
    declared = await jam.submit_text("/declare made:human", origin("bob", "i2"), uploads={"file": upload})
    assert declared.ok
    reply = await jam.submit_text("/restyle file:mine.png", origin("bob", "i3"), uploads={"file": upload})
    assert reply.ok, reply.text
    restyled = (await out.wait_for(2, timeout=120))[1]
    assert restyled.ok, restyled.error
    png = next(v for k, v in out.deliveries[1][1].items() if k.endswith(".png"))
    (tmp_path / "restyled.png").write_bytes(png)
    assert exif(tmp_path / "restyled.png")["DigitalSourceType"] == IPTC + "compositeWithTrainedAlgorithmicMedia"
    listing = await jam.submit_text("/credits", origin("cy", "i4"))
    assert "upload declared human-made" in listing.text


@needs_exiftool
@pytest.mark.skipif("image.sketch" not in registry.generators(), reason="no image generator yet")
async def test_opted_out_name_never_reaches_the_file(jam, tmp_path):
    jam, out = jam
    await jam.submit_text("/optout", origin("zoë", "o1"))
    await jam.submit_text('/sketch prompt:"quiet harbour" seed:2', origin("zoë", "o2"))
    [d] = await out.wait_for(1, timeout=120)
    png = next(v for k, v in out.deliveries[0][1].items() if k.endswith(".png"))
    (tmp_path / "o.png").write_bytes(png)
    creators = " ".join(_as_list(exif(tmp_path / "o.png")["Creator"]))
    assert pseudonym("test:w1:zoë") in creators and "zoë" not in creators
    assert "zoë" not in d.credits_line
