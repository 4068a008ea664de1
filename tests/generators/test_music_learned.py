"""The corpus-trained music model: training reproduces, the runtime credits it, and what it writes keeps
meters, pickups, swing and the lead's place above the chords."""

from __future__ import annotations

import io
import itertools
import subprocess
import sys

import mido
import numpy as np
import pytest
from test_music_support import as_inputs, outputs, spec

from generators.base import GeneratorError, InputFile
from generators.music import develop, learned
from generators.music.build import ContinueMusic, HarmonizeMusic, VaryMusic
from generators.music.melody import MelodyGenerator
from generators.music.midi_write import write_midi
from generators.music.score import PPQ, Note, Part, Score, monophonic
from generators.music.sketch import compose, compose_sketch
from generators.music.source import score_from_midi
from generators.music.theory import Key
from generators.provenance import TRAINED


def _round_trip(score: Score) -> Score:
    return score_from_midi(write_midi(score, title="t", provenance=["x"]), trusted=True)


def test_training_reproduces_a_small_model_byte_for_byte(tmp_path, monkeypatch):
    pytest.importorskip("music21")
    from generators.music import train

    monkeypatch.setenv("JAMROOM_CORPUS_CACHE", str(tmp_path / "cache"))
    first = train.train(4, tmp_path / "a.npz", tmp_path / "a.txt", log=False, collections=("bach",))
    second = train.train(4, tmp_path / "b.npz", tmp_path / "b.txt", log=False, collections=("bach",))
    assert (tmp_path / "a.npz").read_bytes() == (tmp_path / "b.npz").read_bytes()
    assert first["collections"]["bach"] + first["heldout"]["bach"] >= 3
    model = learned.read_model(tmp_path / "a.npz")
    assert {"int", "deg", "ioi", "chord", "cadence", "sop", "bass"} <= set(model.tables)
    bits = learned.bits_per_note(model, [60, 62, 64, 65, 67, 65, 64, 62, 60], 0, "major",
                                 [12 * i for i in range(9)], 0, "4/4")
    assert all(0 < b < 12 for b in bits)
    del second


def test_the_runtime_loads_the_shipped_model_without_music21():
    code = ("import sys; from generators.music import learned; m = learned.load(); "
            "assert 'music21' not in sys.modules; print(m.meta['name'], len(m.tables))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.startswith("jamroom-tunes ")


def test_the_shipped_model_names_what_it_learned_from():
    credit = learned.credit()
    assert credit["name"] == "jamroom-tunes"
    assert "learned from" in credit["learned_from"] and "Bach chorales" in credit["learned_from"]
    assert "Essen" not in credit["learned_from"]  # evaluation only: its terms allow non-commercial use


def test_melody_result_credits_the_model_in_files_and_facts():
    result = MelodyGenerator().generate(spec(prompt="wistful rainy lofi", key="D minor", tempo=84, bars=8), [], 3)
    assert result.facts["models"][0]["name"] == "jamroom-tunes"
    assert "D-minor" in result.facts["alt"] and "84 bpm" in result.facts["alt"]
    files = outputs(result)
    mid = mido.MidiFile(file=io.BytesIO(files["mid"]))
    texts = [m.text for m in mid.tracks[0] if m.type == "text"]
    assert any(t.startswith("Model: jamroom-tunes v1, learned from") for t in texts)
    assert TRAINED.encode() in files["png"]


def test_same_seed_same_music_for_every_learned_command():
    a, b = compose(spec(prompt="sunny folk", bars=8), 11), compose(spec(prompt="sunny folk", bars=8), 11)
    assert a.part("melody").notes == b.part("melody").notes and a.part("chords").notes == b.part("chords").notes
    source = _round_trip(a)
    for make in (lambda r: develop.vary_score(source, "strong", r), lambda r: develop.vary_score(source, "subtle", r),
                 lambda r: develop.continue_score(source, 4, r)[0], lambda r: develop.harmonize_score(source, r)[0]):
        one, two = make(np.random.default_rng(5)), make(np.random.default_rng(5))
        assert [p.notes for p in one.parts] == [p.notes for p in two.parts]
    assert compose(spec(prompt="sunny folk", bars=8), 12).part("melody").notes != a.part("melody").notes


@pytest.mark.parametrize("genre", ["pop", "lofi", "funk", "hip-hop", "jazz", "folk", "classical"])
def test_the_lead_is_above_the_chords_and_on_its_own_instrument(genre):
    for seed in range(4):
        score = compose(spec(genre=genre, bars=8), seed)
        melody, chords = score.part("melody"), score.part("chords")
        assert melody.program != chords.program, (genre, seed)
        for n in melody.notes:
            under = [c.pitch for c in chords.notes if c.start <= n.start < c.end]
            assert not under or n.pitch > max(under), (genre, seed, n)


def test_register_words_move_the_lead():
    def median(prompt: str) -> float:
        return float(np.median([n.pitch for s in range(4)
                                for n in compose(spec(prompt=prompt, key="C major", instrument="piano"), s)
                                .part("melody").notes]))

    assert median("high sparkly happy") - median("low deep heavy dark") >= 12


@pytest.mark.parametrize("meter", ["2/4", "5/4", "7/8", "12/8", "6/8", "3/4"])
def test_every_meter_survives_melody_and_each_built_on_command(meter):
    score, _ = compose_sketch(spec(meter=meter, bars=8, genre="folk"), 2)
    assert score.meter == meter
    inputs = as_inputs(MelodyGenerator().generate(spec(meter=meter, bars=8, genre="folk"), [], 2))
    for generator in (VaryMusic(), ContinueMusic(), HarmonizeMusic()):
        result = generator.generate(spec(bars=4), inputs, 1)
        mid = mido.MidiFile(file=io.BytesIO(outputs(result)["mid"]))
        ts = next(m for m in mid.tracks[0] if m.type == "time_signature")
        assert f"{ts.numerator}/{ts.denominator}" == meter, (generator.name, meter)
    last = monophonic(score.part("melody").notes)[-1]
    assert last.pitch % 12 == score.key.tonic and last.start % score.bar_ticks == 0


def _upload_midi(meter: tuple[int, int], notes: list[tuple[int, int, int]], ppq: int = 480) -> bytes:
    mid = mido.MidiFile(type=0, ticks_per_beat=ppq)
    track = mido.MidiTrack()
    track.append(mido.MetaMessage("time_signature", numerator=meter[0], denominator=meter[1], time=0))
    events = []
    for start, dur, pitch in notes:
        events += [(start, 1, pitch), (start + dur, 0, pitch)]
    now = 0
    for t, on, pitch in sorted(events, key=lambda e: (e[0], e[1])):
        track.append(mido.Message("note_on" if on else "note_off", note=pitch, velocity=80 if on else 0, time=t - now))
        now = t
    mid.tracks.append(track)
    buffer = io.BytesIO()
    mid.save(file=buffer)
    return buffer.getvalue()


def test_a_5_4_upload_with_a_pickup_keeps_its_meter_bar_lines_and_last_note_when_continued():
    bar = 5 * PPQ
    pickup = [(4 * PPQ, PPQ, 62)]  # the upbeat on beat 5 of an otherwise empty first bar
    body = [(bar + i * PPQ, PPQ, p) for i, p in enumerate([64, 65, 67, 65, 64, 62, 64, 65, 67, 72])]
    score = score_from_midi(_upload_midi((5, 4), pickup + body))
    assert score.meter == "5/4" and score.bars == 3
    longer, added = develop.continue_score(score, 4, np.random.default_rng(3))
    line = monophonic(longer.part("melody").notes)
    assert longer.meter == "5/4" and added == 4 and longer.bars == 7
    assert [(n.start, n.pitch) for n in line[:11]] == [(s, p) for s, _, p in pickup + body]
    assert line[10].dur == PPQ  # the source's last note is not cut
    assert all(n.start < longer.total_ticks for n in line)


def test_continue_keeps_the_swing_it_hears():
    swung = []
    for i in range(16):  # eighths with the off-beats 40 ticks late (swing 0.5)
        start = i * PPQ // 2 + (40 if i % 2 else 0)
        swung.append(Note(start, 200, [60, 62, 64, 65, 67, 65, 64, 62][i % 8], 80))
    score = Score(Key(0, "major", "C"), 100, "4/4", 2, [Part("melody", 0, swung, 0, "piano")])
    longer, _ = develop.continue_score(score, 4, np.random.default_rng(1))
    new = [n for n in longer.part("melody").notes if n.start >= score.total_ticks]
    offbeats = [n.start % PPQ for n in new if n.start % PPQ not in (0,)]
    assert offbeats and all(o != PPQ // 2 for o in offbeats if PPQ // 2 - 10 < o < PPQ // 2 + 60)
    assert any(o == PPQ // 2 + 40 for o in offbeats)


def test_hostile_midi_is_refused_with_one_line():
    bad = InputFile("x.mid", "audio/midi", b"MThd\x00\x00\x00\x06\x00\x01\xff\xff\x01\xe0MTrk\xff\xff\xff\xff",
                    "upload", "", {}, "to")
    with pytest.raises(GeneratorError) as caught:
        ContinueMusic().generate(spec(bars=4), [bad], 1)
    assert "\n" not in str(caught.value) and len(str(caught.value)) < 200


def test_strong_variation_has_no_big_leaps_at_bar_lines_and_brings_the_motif_back():
    for seed in range(6):
        source = _round_trip(compose(spec(key="G major", bars=16, genre="folk"), seed))
        varied = develop.vary_score(source, "strong", np.random.default_rng(seed))
        line = monophonic(varied.part("melody").notes)
        bar = varied.bar_ticks
        leaps = [abs(b.pitch - a.pitch) for a, b in itertools.pairwise(line) if b.start % bar == 0]
        assert max(leaps) < 9, seed
        motif = [n.pitch for n in monophonic(source.part("melody").notes) if n.start < bar]
        again = [n.pitch for n in line if 8 * bar <= n.start < 9 * bar]
        assert np.diff(again).tolist() == np.diff(motif).tolist(), seed  # bar 9 restates bar 1's intervals
