"""What every music result delivers: .mid + OGG preview + piano-roll PNG, with provenance in each, repeatable."""

from __future__ import annotations

import io

import mido
import numpy as np
import pyloudnorm
import pytest
import soundfile as sf
from mutagen.oggvorbis import OggVorbis
from PIL import Image
from scipy import signal
from test_music_support import outputs, spec

from generators import registry
from generators.audio import backends
from generators.base import KIND_MUSIC
from generators.music.melody import MelodyGenerator

SPEC = spec(prompt="wistful rainy lofi", key="D minor", bars=4)
CREDITS = ["ann · prompted", "bob · built-on · layer:bass", "Zoë 山田 · built-on · vary"]


def _spec(backend: str) -> dict:
    s = dict(SPEC, _synth=backend)
    s["_provenance"] = {**s["_provenance"], "credits": CREDITS}
    return s


@pytest.fixture(scope="module", params=backends.available())
def result(request):
    """One /melody result per renderer present here (the built-in one always)."""
    made = MelodyGenerator().generate(_spec(request.param), [], 42)
    assert made.facts["synth"] == request.param
    return made


def test_three_files_with_the_midi_first_and_facts(result):
    assert result.kind == KIND_MUSIC
    names = [(o.name, o.mime, o.primary) for o in result.outputs]
    assert names == [("melody.mid", "audio/midi", True), ("melody.ogg", "audio/ogg", False),
                     ("melody.png", "image/png", False)]
    assert {"key", "tempo", "meter", "bars", "parts"} <= set(result.facts)
    assert result.facts["key"] == "D minor" and result.facts["bars"] == 4
    for word in ("D minor", "bpm", "4/4", "4 bars"):
        assert word in result.summary


def test_midi_meta_events_carry_provenance(result):
    mid = mido.MidiFile(file=io.BytesIO(outputs(result)["mid"]), charset="utf-8")
    first = mid.tracks[0][0]
    assert first.type == "copyright" and first.time == 0
    assert "music.melody" in first.text and "AI-generated" in first.text
    texts = [m.text for m in mid.tracks[0] if m.type == "text"]
    joined = "\n".join(texts)
    assert "Made with Jamroom music.melody v2, seed 42" in joined
    for credit in CREDITS:
        assert credit in joined
    assert "key: D minor" in texts and any(t.startswith("tempo:") for t in texts)
    names = [m.name for t in mid.tracks for m in t if m.type == "track_name"]
    assert names[0] == "wistful rainy lofi"
    assert {n.split(":")[0] for n in names[1:]} >= {"melody", "chords", "bass", "drums"}


def test_ogg_preview_format_comments_loudness_peak_and_fade(result):
    data = outputs(result)["ogg"]
    info = sf.info(io.BytesIO(data))
    assert (info.format, info.subtype, info.samplerate, info.channels) == ("OGG", "VORBIS", 44100, 2)
    tags = OggVorbis(io.BytesIO(data)).tags
    assert tags["TITLE"] == ["wistful rainy lofi"]
    assert all(c in tags["ARTIST"][0] for c in CREDITS)
    assert "AI-generated" in tags["COPYRIGHT"][0]
    assert "seed 42" in tags["COMMENT"][0] and "key: D minor" in tags["COMMENT"][0]
    audio, sr = sf.read(io.BytesIO(data), dtype="float64")
    loudness = pyloudnorm.Meter(sr).integrated_loudness(audio)
    assert -17.0 <= loudness <= -15.0
    true_peak = np.max(np.abs(signal.resample_poly(audio, 4, 1, axis=0)))
    assert 20 * np.log10(true_peak) <= -1.0
    tail = audio[-int(0.02 * sr):]
    assert np.sqrt(np.mean(tail**2)) < 1e-3  # faded out


def test_png_piano_roll_has_xmp_provenance(result):
    img = Image.open(io.BytesIO(outputs(result)["png"]))
    assert img.size == (1200, 420)
    xmp = img.info.get("XML:com.adobe.xmp", "")
    assert "music.melody" in xmp and "Zoë 山田" in xmp and "D minor" in xmp
    colours = img.convert("RGB").getcolors(maxcolors=1_000_000)
    assert len(colours) > 20  # several part colours, grid, text


def test_same_spec_and_seed_give_identical_midi_png_and_audio(result):
    again = outputs(MelodyGenerator().generate(_spec(result.facts["synth"]), [], 42))
    first = outputs(result)
    assert again["mid"] == first["mid"]
    assert again["png"] == first["png"]
    a, _ = sf.read(io.BytesIO(first["ogg"]), dtype="float32")
    b, _ = sf.read(io.BytesIO(again["ogg"]), dtype="float32")
    assert np.array_equal(a, b)


def test_registry_finds_every_music_generator():
    names = set(registry.generators())
    assert {"music.melody", "music.beat", "music.vary", "music.layer", "music.continue", "music.harmonize",
            "music.drumify", "music.interpolate", "music.riff", "music.export"} <= names
    for command in ("vary", "layer", "continue", "harmonize", "drumify", "export"):
        gen = registry.for_command(command, KIND_MUSIC)
        assert gen is not None and gen.name.startswith("music."), command
    assert registry.for_command("melody").name == "music.melody"
    assert registry.for_command("beat").name == "music.beat"
