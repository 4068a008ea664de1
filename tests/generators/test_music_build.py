"""Built-on music: vary, layer, continue, harmonize, drumify, interpolate and export."""

from __future__ import annotations

import io
import itertools
import zipfile

import mido
import numpy as np
import pretty_midi
import pytest
import soundfile as sf
from test_music_support import as_inputs, outputs, spec

from generators.base import GeneratorError
from generators.music import chord_vocab, develop
from generators.music.build import ContinueMusic, LayerMusic, VaryMusic
from generators.music.export import ExportMusic
from generators.music.interpolate import InterpolateMusic
from generators.music.melody import MelodyGenerator
from generators.music.midi_write import write_midi
from generators.music.score import Score, contour, monophonic
from generators.music.sketch import compose
from generators.music.source import score_from_midi

KEYS = ["D minor", "C major", "E dorian", "Bb major", "F# minor", "A mixolydian"]


def _source(seed: int, **extra) -> Score:
    """A sketch as a parent would hand it over: written to MIDI and read back."""
    values = {"key": KEYS[seed % len(KEYS)], "bars": 8, **extra}
    data = write_midi(compose(spec(**values), seed), title="t", provenance=["x"])
    return score_from_midi(data, trusted=True)


def _melody(score: Score):
    return monophonic(score.part("melody").notes)


def _bar(notes, score: Score, bar: int):
    return [n for n in notes if bar * score.bar_ticks <= n.start < (bar + 1) * score.bar_ticks]


@pytest.mark.parametrize("amount", ["subtle", "strong"])
def test_variation_differs_but_keeps_the_opening_contour(amount):
    for seed in range(10):
        source = _source(seed)
        varied = develop.vary_score(source, amount, np.random.default_rng(seed + 100))
        a, b = _melody(source), _melody(varied)
        assert [(n.start, n.pitch) for n in a] != [(n.start, n.pitch) for n in b], seed
        assert contour(_bar(a, source, 0)) == contour(_bar(b, varied, 0)), seed
        assert b[-1].pitch % 12 == source.key.tonic, seed
        # the learned melodies borrow chord tones (a minor key's leading note): mostly in key, not all
        assert np.mean([source.key.contains(n.pitch) for n in b]) >= 0.85, seed


def test_layer_adds_each_part_fitted_to_the_sketch():
    source = _source(1)
    for part in ("chords", "bass", "drums", "counter-melody", "arpeggio", "pad"):
        layered = develop.layer_score(source, part, np.random.default_rng(1))
        new = layered.part(part)
        assert new is not None and new.notes, part
        assert layered.part("melody").notes == source.part("melody").notes, part
        if part != "drums":
            inside = np.mean([source.key.contains(n.pitch) for n in new.notes])
            assert inside >= 0.85, part
    bass = develop.layer_score(source, "bass", np.random.default_rng(2)).part("bass")
    assert all(28 <= n.pitch <= 60 for n in bass.notes)


def test_layer_result_carries_everyones_credits_and_points_to_the_parent_file():
    parent = MelodyGenerator().generate(spec(prompt="wistful rainy lofi", key="D minor", bars=4), [], 5)
    s = spec(part="bass")
    s["_provenance"]["credits"] = ["ann · prompted", "bob · built-on · layer:bass"]
    result = LayerMusic().generate(s, as_inputs(parent, seed=5), 9)
    mid = mido.MidiFile(file=io.BytesIO(outputs(result)["mid"]), charset="utf-8")
    texts = "\n".join(m.text for m in mid.tracks[0] if m.type == "text")
    assert "ann · prompted" in texts and "bob · built-on · layer:bass" in texts
    assert result.facts["key"] == "D minor" and "bass" in result.facts["parts"]


def test_continuation_starts_where_the_source_ends_and_resolves_home():
    for seed in range(8):
        source = _source(seed)
        longer, added = develop.continue_score(source, 4, np.random.default_rng(seed))
        assert added == 4 and longer.bars == source.bars + 4
        old, new = _melody(source), _melody(longer)
        end = source.total_ticks
        assert [(n.start, n.pitch) for n in new if n.start < end] == [(n.start, n.pitch) for n in old]
        after = [n for n in new if n.start >= end]
        assert after and after[0].start == end, seed
        assert abs(after[0].pitch - old[-1].pitch) <= 7, seed
        assert after[-1].pitch % 12 == source.key.tonic and after[-1].start % longer.bar_ticks == 0, seed
        for role in ("chords", "bass"):
            assert any(n.start >= end for n in longer.part(role).notes), role


def test_continue_grows_to_64_bars_then_follows_the_last_bars():
    source = _source(2, bars=30)
    longer, added = develop.continue_score(source, 16, np.random.default_rng(1))
    assert added == 16 and longer.bars == 46
    longest = longer
    while longest.bars + 16 <= 64:
        longest, _ = develop.continue_score(longest, 16, np.random.default_rng(2))
    tail = monophonic(longest.part("melody").notes)[-3:]
    again, added = develop.continue_score(longest, 8, np.random.default_rng(3))
    assert added == 8 and again.bars == 64
    # the source's last notes are still there, just before the new bars
    cut = again.total_ticks - 8 * again.bar_ticks
    kept = [n.pitch for n in monophonic(again.part("melody").notes) if n.start < cut][-3:]
    assert kept == [n.pitch for n in tail]


def _coverage_from_file(data: bytes) -> tuple[float, float]:
    """Share of the melody's strong-beat notes whose pitch class sounds in the chords part, read by pretty_midi;
    and the mean semitone movement of the voices from one chord to the next."""
    pm = pretty_midi.PrettyMIDI(io.BytesIO(data))
    melody = next(i for i in pm.instruments if i.name.startswith("melody"))
    chords = next(i for i in pm.instruments if i.name.startswith("chords"))
    bass = [i for i in pm.instruments if i.name.startswith("bass")]
    beats = pm.get_downbeats()
    half = (beats[1] - beats[0]) / 2 if len(beats) > 1 else 1.0
    hits = total = 0
    for n in melody.notes:
        if abs(n.start / half - round(n.start / half)) > 1e-3:
            continue
        total += 1
        under = chords.notes + [b for part in bass for b in part.notes]  # four-part writing: alto, tenor, bass
        sounding = {c.pitch % 12 for c in under if c.start <= n.start + 1e-4 < c.end}
        hits += n.pitch % 12 in sounding
    onsets = sorted({round(c.start, 4) for c in chords.notes})
    voicings = [sorted(c.pitch for c in chords.notes if round(c.start, 4) == t) for t in onsets]
    moves = [np.mean([min(abs(p - q) for q in b) for p in a]) for a, b in itertools.pairwise(voicings)]
    return hits / max(1, total), float(np.mean(moves)) if moves else 0.0


def test_harmonization_fits_the_melody_in_four_uncrossed_parts_with_smooth_voice_leading():
    for seed in range(10):
        source = _source(seed)
        without = source.copy()
        without.parts = [p for p in without.parts if p.role == "melody"]
        harmonized, h = develop.harmonize_score(without, np.random.default_rng(seed))
        line = _melody(without)
        hits = total = 0
        for t, chord in zip(h.times, h.chords, strict=True):
            sounding = [n for n in line if n.start <= t < n.end]
            if sounding:
                total += 1
                hits += sounding[0].pitch % 12 in chord_vocab.pitch_classes(chord, source.key.tonic)
        assert hits / total >= 0.7, (seed, hits / total)
        assert all(s >= a >= t > b for s, a, t, b in h.voices.tolist()), seed
        assert harmonized.part("bass") is not None and harmonized.part("chords") is not None
        inner = np.abs(np.diff(h.voices[:, 1:3], axis=0))
        assert float(inner.mean()) <= 3.0, (seed, float(inner.mean()))  # alto and tenor move mostly by step


def test_drumify_follows_the_sources_rhythm():
    source = _source(3)
    drummed = develop.drumify_score(source, np.random.default_rng(3))
    kicks = [n for n in drummed.part("drums").notes if n.pitch == 36]
    assert kicks and all(n.pitch in (36, 38, 42, 45, 47, 50) for n in drummed.part("drums").notes)
    assert drummed.part("drums").channel == 9


def test_vary_and_continue_generators_end_to_end():
    parent = MelodyGenerator().generate(spec(key="E dorian", bars=4), [], 8)
    varied = VaryMusic().generate(spec(amount="strong"), as_inputs(parent, seed=8), 1)
    assert outputs(varied)["mid"] != outputs(parent)["mid"]
    longer = ContinueMusic().generate(spec(bars=2), as_inputs(parent, seed=8), 1)
    assert longer.facts["bars"] == 6 and longer.facts["key"] == "E dorian"


def test_interpolation_morphs_from_a_to_b():
    a = MelodyGenerator().generate(spec(key="C major", bars=4, genre="folk"), [], 1)
    b = MelodyGenerator().generate(spec(key="A minor", bars=4, genre="house"), [], 2)
    result = InterpolateMusic().generate(spec(steps=3), as_inputs(a, "a") + as_inputs(b, "b", seed=2), 3)
    score = score_from_midi(outputs(result)["mid"], trusted=True)
    assert score.bars == 6 and score.key.name == "C major"
    assert score.part("drums") is not None  # b had drums
    melody = _melody(score)
    assert melody[-1].pitch % 12 == 0
    with pytest.raises(GeneratorError, match="steps"):
        InterpolateMusic().generate(spec(steps=20), as_inputs(a, "a") + as_inputs(b, "b"), 3)


def test_export_wav_mp3_and_stems():
    parent = MelodyGenerator().generate(spec(prompt="neon night", bars=2), [], 4)
    ogg, _ = sf.read(io.BytesIO(outputs(parent)["ogg"]))
    wav = ExportMusic().generate(spec(**{"as": "wav"}), as_inputs(parent), 1)
    audio, sr = sf.read(io.BytesIO(wav.outputs[0].data))
    assert wav.outputs[0].name.endswith(".wav") and sr == 44100 and audio.shape == ogg.shape
    mp3 = ExportMusic().generate(spec(**{"as": "mp3"}), as_inputs(parent), 1)
    assert mp3.outputs[0].mime == "audio/mpeg" and sf.info(io.BytesIO(mp3.outputs[0].data)).format == "MP3"
    stems = ExportMusic().generate(spec(**{"as": "stems"}), as_inputs(parent), 1)
    names = zipfile.ZipFile(io.BytesIO(stems.outputs[0].data)).namelist()
    assert names[0] == "01-melody.mid" and "00-full.mid" in names and len(names) == len(parent.facts["parts"]) + 1
    again = ExportMusic().generate(spec(**{"as": "stems"}), as_inputs(parent), 1)
    assert again.outputs[0].data == stems.outputs[0].data
