"""/melody quality, judged on the written .mid by music21, muspy and pretty_midi."""

from __future__ import annotations

import io
import itertools

import mido
import muspy
import numpy as np
import pretty_midi
import pytest
from test_music_support import is_relative_or_same, music21_key, muspy_track, spec

from generators.base import GeneratorError
from generators.music.midi_write import write_midi
from generators.music.score import METERS
from generators.music.sketch import compose
from generators.music.theory import BASS, INSTRUMENTS, parse_key

KEYS = ["D minor", "F# major", "C major", "A minor", "Bb major", "E minor", "G major", "C# minor", "Eb major",
        "F minor"]
PROMPTS = ["", "wistful rainy lofi", "happy bright summer", "dark mysterious", "calm jazz"]
SEEDS = range(20)


def _midi(seed: int, **values) -> bytes:
    return write_midi(compose(spec(**values), seed), title="t", provenance=["Made with Jamroom", "AI"])


def _sketch(seed: int, **extra) -> tuple[dict, bytes]:
    values = {"key": KEYS[seed % len(KEYS)], "prompt": PROMPTS[seed % len(PROMPTS)], "bars": 8, **extra}
    return values, _midi(seed, **values)


def _melody_notes(data: bytes) -> list[pretty_midi.Note]:
    pm = pretty_midi.PrettyMIDI(io.BytesIO(data))
    (inst,) = [i for i in pm.instruments if i.name.startswith("melody")]
    return sorted(inst.notes, key=lambda n: n.start)


def _bar_seconds(values: dict, data: bytes) -> float:
    mid = mido.MidiFile(file=io.BytesIO(data))
    tempo = next(m.tempo for m in mid.tracks[0] if m.type == "set_tempo")
    num, den = METERS[values.get("meter") or "4/4"]
    return mido.tick2second(num * 480 * 4 // den, 480, tempo)


def test_requested_key_is_found_by_music21_for_90_percent_of_seeds():
    hits = 0
    for seed in SEEDS:
        values, data = _sketch(seed)
        key = parse_key(values["key"])
        hits += is_relative_or_same(music21_key(data), key.tonic, key.mode)
    assert hits >= 0.9 * len(SEEDS)


def test_melody_metrics_for_every_seed():
    conjunct = []
    for seed in SEEDS:
        _values, data = _sketch(seed)
        melody = muspy_track(data, "melody")
        assert muspy.scale_consistency(melody) >= 0.9, seed
        assert 1.5 <= muspy.pitch_class_entropy(melody) <= 3.2, seed
        pitches = [n.pitch for n in _melody_notes(data)]
        intervals = np.abs(np.diff(pitches))
        assert np.mean(intervals >= 7) <= 0.25, seed  # a singable line, not a string of big leaps
        conjunct.extend(intervals <= 2)
    # mostly repeats and steps overall; the step share itself is a benchmark (bench/music_quality.py)
    assert np.mean(conjunct) >= 0.5


def _contour(pitches: list[int]) -> tuple[int, ...]:
    return tuple(int(np.sign(b - a)) for a, b in itertools.pairwise(pitches))


def test_bar_one_motif_contour_recurs_later():
    for seed in SEEDS:
        values, data = _sketch(seed)
        notes = _melody_notes(data)
        bar = _bar_seconds(values, data)
        first = [n.pitch for n in notes if n.start < bar - 1e-6]
        later = [n.pitch for n in notes if n.start >= bar - 1e-6]
        motif = _contour(first)
        assert len(first) >= 2, seed
        windows = {_contour(later[i : i + len(first)]) for i in range(len(later) - len(first) + 1)}
        assert motif in windows, seed


def test_last_note_is_the_tonic_on_a_strong_beat_and_no_bar_is_empty():
    for seed in SEEDS:
        for meter in ("4/4", "3/4", "6/8"):
            values, data = _sketch(seed, meter=meter)
            notes = _melody_notes(data)
            bar = _bar_seconds(values, data)
            tonic = parse_key(values["key"]).tonic
            last = notes[-1]
            assert last.pitch % 12 == tonic, (seed, meter)
            beat = bar / (2 if meter in ("4/4", "6/8") else 1)
            assert abs(last.start / beat - round(last.start / beat)) < 1e-3, (seed, meter)
            for b in range(8):
                assert any(n.start < (b + 1) * bar - 1e-6 and n.end > b * bar + 1e-6 for n in notes), (seed, b)


def test_each_part_stays_in_its_instrument_range():
    for seed in SEEDS:
        instrument = list(INSTRUMENTS)[seed % len(INSTRUMENTS)]
        _, data = _sketch(seed, instrument=instrument)
        pm = pretty_midi.PrettyMIDI(io.BytesIO(data))
        for inst in pm.instruments:
            role = inst.name.split(":")[0]
            pitches = [n.pitch for n in inst.notes]
            if role == "melody":
                low, high = INSTRUMENTS[instrument].low, INSTRUMENTS[instrument].high
            elif role == "bass":
                low, high = min(b.low for b in BASS.values()), max(b.high for b in BASS.values())
            elif role == "drums":
                assert inst.is_drum
                continue
            else:
                low, high = 36, 84
            assert low <= min(pitches) and max(pitches) <= high, (seed, role, min(pitches), max(pitches))


def test_mood_words_steer_what_options_leave_open():
    for seed in range(6):
        score = compose(spec(prompt="wistful rainy lofi"), seed)
        assert score.key.mode in ("minor", "dorian")
        assert 65 <= score.tempo <= 86
        assert score.swing > 0
        velocities = [n.vel for n in score.part("melody").notes]
        assert np.mean(velocities) < 95
        bright = compose(spec(prompt="happy bright energetic"), seed)
        assert bright.tempo > score.tempo


def test_options_win_over_mood_words():
    score = compose(spec(prompt="wistful rainy lofi", key="E dorian", tempo=150, meter="3/4", bars=5), 3)
    assert (score.key.name, score.tempo, score.meter, score.bars) == ("E dorian", 150, "3/4", 5)


def test_genre_decides_drums():
    assert compose(spec(genre="house"), 1).part("drums") is not None
    assert compose(spec(genre="classical"), 1).part("drums") is None


@pytest.mark.parametrize("text", ["D minor", "F# major", "E dorian", "A mixolydian", "bb lydian", "Am", "C"])
def test_keys_parse(text):
    parse_key(text)


@pytest.mark.parametrize("text", ["H moll", "D minorish", "X", "C# blues", "minor", "  "])
def test_bad_keys_get_one_clear_line(text):
    with pytest.raises(GeneratorError, match="key must be a tonic and a mode"):
        compose(spec(key=text), 1)


def test_different_seeds_give_different_melodies():
    melodies = {tuple(n.pitch for n in compose(spec(key="C major"), seed).part("melody").notes) for seed in range(8)}
    assert len(melodies) == 8


def test_file_tempo_meter_and_key_equal_the_request():
    data = _midi(4, key="F# major", tempo=97, meter="6/8", bars=4)
    mid = mido.MidiFile(file=io.BytesIO(data))
    meta = {m.type: m for m in mid.tracks[0] if m.is_meta}
    assert round(mido.tempo2bpm(meta["set_tempo"].tempo)) == 97
    assert (meta["time_signature"].numerator, meta["time_signature"].denominator) == (6, 8)
    assert meta["key_signature"].key == "F#"
