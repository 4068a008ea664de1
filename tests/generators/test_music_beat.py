"""/beat: signature grids, seed-chosen variations, every meter, fills, groove consistency, named piano-roll lanes."""

from __future__ import annotations

import io

import mido
import muspy
import numpy as np
import pytest
from test_music_support import muspy_music, outputs, spec

from generators.base import GeneratorError
from generators.music import drums, pianoroll
from generators.music.beat import BeatGenerator, beat_score
from generators.music.midi_write import write_midi
from generators.music.score import METERS, PPQ

D = drums
S = PPQ // 4  # a sixteenth
T = PPQ // 3  # a triplet eighth
SCORE_METERS = [m for m in METERS if m in drums.DRUM_METERS]


def _bar_onsets(notes, drum: int, bar_ticks: int, bar: int = 1) -> set[int]:
    lo, hi = bar * bar_ticks, (bar + 1) * bar_ticks
    return {n.start - lo for n in notes if n.pitch == drum and lo <= n.start < hi}


def _onsets(genre: str, drum: int, meter: str = "4/4") -> set[int]:
    """Onsets of one drum in bar 2 of the genre's best-known form (no fill, no crash)."""
    notes = drums.pattern(genre, meter, 4)
    return _bar_onsets(notes, drum, drums.meter_ticks(meter))


def _grid(genre: str, seed: int, meter: str = "4/4", bars: int = 4) -> tuple[tuple[int, int], ...]:
    score = beat_score(spec(genre=genre, bars=bars, meter=meter), seed, humanised=False)
    return tuple(sorted((n.start, n.pitch) for n in score.parts[0].notes))


def test_house_is_four_on_the_floor_with_offbeat_open_hats():
    assert _onsets("house", D.KICK) == {0, PPQ, 2 * PPQ, 3 * PPQ}
    assert _onsets("house", D.OPEN_HAT) == {2 * S, 6 * S, 10 * S, 14 * S}
    assert _onsets("house", D.CLAP) == {PPQ, 3 * PPQ}


def test_reggaeton_dembow():
    assert _onsets("reggaeton", D.KICK) == {0, PPQ, 2 * PPQ, 3 * PPQ}
    assert _onsets("reggaeton", D.SNARE) == {3 * S, 6 * S, 11 * S, 14 * S}


def test_bossa_nova_clave():
    assert _onsets("bossa-nova", D.SIDE_STICK) == {0, 3 * S, 6 * S, 10 * S, 13 * S}


def test_swing_ride_with_swung_eighths_and_hat_on_two_and_four():
    ride = _onsets("jazz", D.RIDE)
    assert {0, PPQ, 2 * PPQ, 3 * PPQ} <= ride
    assert {PPQ + 2 * T, 3 * PPQ + 2 * T} <= ride  # the "a" of "ding ding-a": the last triplet
    assert _onsets("jazz", D.PEDAL_HAT) == {PPQ, 3 * PPQ}


def test_rock_hiphop_lofi_breakbeat_backbeats():
    for genre in ("rock", "hip-hop", "breakbeat", "funk", "pop"):
        assert {PPQ, 3 * PPQ} <= _onsets(genre, D.SNARE) | _onsets(genre, D.CLAP), genre
        assert 0 in _onsets(genre, D.KICK), genre
    assert _onsets("lofi", D.SNARE) == {PPQ, 3 * PPQ}
    assert {2 * T, PPQ + 2 * T} <= _onsets("lofi", D.CLOSED_HAT)  # swung hats
    assert {2 * S, 10 * S, 11 * S} <= _onsets("breakbeat", D.KICK)


def test_the_seed_picks_among_variations():
    assert _grid("house", 1) != _grid("house", 2)
    for genre in drums.BEAT_GENRES:
        assert len({_grid(genre, seed) for seed in range(8)}) >= 3, genre


def test_every_variation_keeps_the_genre_signature():
    for seed in range(10):
        notes = beat_score(spec(genre="house", bars=4), seed, humanised=False).parts[0].notes
        assert _bar_onsets(notes, D.KICK, 4 * PPQ) == {0, PPQ, 2 * PPQ, 3 * PPQ}
        notes = beat_score(spec(genre="reggaeton", bars=4), seed, humanised=False).parts[0].notes
        assert {3 * S, 6 * S, 11 * S, 14 * S} <= _bar_onsets(notes, D.SNARE, 4 * PPQ)


@pytest.mark.parametrize("meter", sorted(drums.DRUM_METERS))
def test_every_meter_has_a_grid_of_the_right_bar_length(meter):
    num, den = drums.DRUM_METERS[meter]
    bar = drums.meter_ticks(meter)
    assert bar == num * PPQ * 4 // den
    for genre in drums.BEAT_GENRES:
        for seed in range(3):
            notes = drums.pattern(genre, meter, 8, rng=np.random.default_rng(seed))
            assert max(n.start for n in notes) < 8 * bar, (genre, seed)
            downbeats = {n.start // bar for n in notes if n.start % bar == 0}
            assert downbeats == set(range(8)), (genre, meter, seed)  # something lands on every bar's "one"
            # bars 1 and 2 (no fill, no crash, no pickup) repeat the kick when its lane is one bar long
            assert _bar_onsets(notes, D.KICK, bar, 0) == _bar_onsets(notes, D.KICK, bar, 1) or genre == "jazz"


def test_in_three_four_rock_funk_and_hiphop_differ():
    for seed in range(6):
        grids = {genre: frozenset((t % (3 * PPQ), p) for t, p in _grid(genre, seed, "3/4", bars=2) if t < 3 * PPQ)
                 for genre in ("rock", "funk", "hip-hop")}
        assert len(set(grids.values())) == 3, seed


def test_six_eight_reggaeton_has_hats():
    for seed in range(6):
        notes = drums.pattern("reggaeton", "6/8", 4, rng=np.random.default_rng(seed))
        assert any(n.pitch == D.CLOSED_HAT for n in notes), seed


def test_odd_meters_are_counted_in_groups():
    five = drums.pattern("rock", "5/4", 4)
    assert {0, 3 * PPQ} <= _bar_onsets(five, D.KICK, 5 * PPQ)  # 3 + 2
    seven = drums.pattern("rock", "7/8", 4)
    assert 0 in _bar_onsets(seven, D.KICK, drums.meter_ticks("7/8"))
    assert {PPQ} <= _bar_onsets(seven, D.SNARE, drums.meter_ticks("7/8"))  # 2 + 2 (+ 3)


def test_fill_closes_each_phrase_and_crash_opens_the_next():
    for seed in range(5):
        score = beat_score(spec(genre="rock", bars=8), seed, humanised=False)
        notes = score.parts[0].notes
        bar = score.bar_ticks
        fill_drums = {D.HIGH_TOM, D.MID_TOM, D.LOW_TOM, D.SNARE}
        last_beat = [n for n in notes if n.pitch in fill_drums and 4 * bar - PPQ <= n.start < 4 * bar]
        assert len(last_beat) >= 2, seed
        toms = {D.HIGH_TOM, D.MID_TOM, D.LOW_TOM}
        assert not any(n.pitch in toms and n.start < 3 * bar for n in notes)
        assert any(n.pitch == D.CRASH and n.start == 4 * bar for n in notes)


@pytest.mark.parametrize("meter", SCORE_METERS)
def test_groove_consistency_at_resolution_12_before_humanising(meter):
    for genre in drums.BEAT_GENRES:
        score = beat_score(spec(genre=genre, bars=8, meter=meter), 5, humanised=False)
        music = muspy_music(write_midi(score, title="t", provenance=["x"]))
        music.adjust_resolution(12)
        assert muspy.groove_consistency(music, score.bar_ticks * 12 // PPQ) >= 0.85, (genre, meter)


def test_humanised_timing_and_velocity_move_a_little_and_repeat_by_seed():
    grid = beat_score(spec(genre="rock", bars=4), 2, humanised=False).parts[0].notes
    human = beat_score(spec(genre="rock", bars=4), 2).parts[0].notes
    again = beat_score(spec(genre="rock", bars=4), 2).parts[0].notes
    assert human == again
    assert len(human) >= len(grid)  # a few ghost strokes may join
    moved = [min(abs(h.start - g.start) for g in grid if g.pitch == h.pitch) for h in human]
    near = [m for m in moved if m <= 40]
    assert len(near) >= 0.9 * len(grid) and sum(near) > 0  # strokes move by milliseconds, not steps
    assert {n.vel for n in human} != {n.vel for n in grid}


def test_beat_file_has_requested_tempo_meter_and_drums_on_channel_10():
    result = BeatGenerator().generate(spec(genre="reggaeton", tempo=97, meter="3/4", bars=2), [], 11)
    mid = mido.MidiFile(file=io.BytesIO(outputs(result)["mid"]))
    meta = {m.type: m for m in mid.tracks[0] if m.is_meta}
    assert round(mido.tempo2bpm(meta["set_tempo"].tempo)) == 97
    assert (meta["time_signature"].numerator, meta["time_signature"].denominator) == (3, 4)
    channels = {m.channel for t in mid.tracks for m in t if m.type == "note_on"}
    assert channels == {9}
    assert result.facts["tempo"] == 97 and "reggaeton" in result.summary
    assert "reggaeton" in result.facts["alt"] and "97 bpm" in result.facts["alt"]


def test_beat_piano_roll_names_its_drum_lanes_and_has_no_key():
    score = beat_score(spec(genre="rock", bars=4), 3)
    lanes = pianoroll.drum_lanes(score)
    assert {"kick", "snare"} <= set(lanes) and lanes.index("kick") == len(lanes) - 1
    assert "C major" not in pianoroll.title(score) and "rock beat" in pianoroll.title(score)
    assert pianoroll.draw(score).size == (pianoroll.WIDTH, pianoroll.HEIGHT)


def test_unknown_genre_and_meter_are_refused():
    with pytest.raises(GeneratorError, match="genre must be one of"):
        beat_score(spec(genre="polka"), 1)
    with pytest.raises(GeneratorError, match="meter must be one of"):
        beat_score(spec(meter="9/7"), 1)


@pytest.mark.parametrize("meter", sorted(drums.DRUM_METERS))
def test_drumify_grooves_follow_every_meter(meter):
    bar = drums.meter_ticks(meter)
    onsets = [i * PPQ // 2 for i in range(4 * bar // (PPQ // 2))]
    notes = drums.groove_from(onsets, bar, 4, meter, np.random.default_rng(1))
    assert all(0 <= n.start < 4 * bar for n in notes)
    assert {n.start // bar for n in notes if n.pitch == D.KICK and n.start % bar == 0} == {0, 1, 2, 3}
    assert any(n.pitch == D.SNARE for n in notes if n.start < bar)
