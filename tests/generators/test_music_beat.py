"""/beat: each genre's signature grid, groove consistency, fills, humanising, and the file's tempo and meter."""

from __future__ import annotations

import io

import mido
import muspy
import pytest
from test_music_support import muspy_music, outputs, spec

from generators.base import GeneratorError
from generators.music import drums
from generators.music.beat import BeatGenerator, beat_score
from generators.music.midi_write import write_midi
from generators.music.score import PPQ

D = drums


def _onsets(genre: str, drum: int, bars: int = 4, meter: str = "4/4") -> set[int]:
    """Onsets of one drum in bar 2 (no fill, no crash), as ticks from the bar's start."""
    score = beat_score(spec(genre=genre, bars=bars, meter=meter), 1, humanised=False)
    bar = score.bar_ticks
    return {n.start - bar for n in score.parts[0].notes if n.pitch == drum and bar <= n.start < 2 * bar}


S = PPQ // 4  # a sixteenth
T = PPQ // 3  # a triplet eighth


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
        assert {PPQ, 3 * PPQ} <= _onsets(genre, D.SNARE), genre
        assert 0 in _onsets(genre, D.KICK), genre
    assert _onsets("lofi", D.SNARE) == {PPQ, 3 * PPQ}
    assert {2 * T, PPQ + 2 * T} <= _onsets("lofi", D.CLOSED_HAT)  # swung hats
    assert {2 * S, 10 * S, 11 * S} <= _onsets("breakbeat", D.KICK)


@pytest.mark.parametrize("meter", ["3/4", "6/8"])
def test_triple_meters_have_grids_too(meter):
    for genre in drums.BEAT_GENRES:
        assert 0 in _onsets(genre, D.KICK, meter=meter), genre


def test_fill_closes_each_phrase_and_crash_opens_the_next():
    score = beat_score(spec(genre="rock", bars=8), 3, humanised=False)
    notes = score.parts[0].notes
    bar = score.bar_ticks
    toms = {D.HIGH_TOM, D.MID_TOM, D.LOW_TOM}
    assert any(n.pitch in toms and 3 * bar <= n.start < 4 * bar for n in notes)
    assert not any(n.pitch in toms and n.start < 3 * bar for n in notes)
    assert any(n.pitch == D.CRASH and n.start == 4 * bar for n in notes)


def test_groove_consistency_at_resolution_12_before_humanising():
    for genre in drums.BEAT_GENRES:
        for meter in ("4/4", "3/4", "6/8"):
            score = beat_score(spec(genre=genre, bars=8, meter=meter), 5, humanised=False)
            music = muspy_music(write_midi(score, title="t", provenance=["x"]))
            music.adjust_resolution(12)
            assert muspy.groove_consistency(music, 12 * 4 * (3 if meter != "4/4" else 4) // 4) >= 0.9, (genre, meter)


def test_humanised_timing_and_velocity_move_a_little():
    grid = beat_score(spec(genre="rock", bars=4), 2, humanised=False).parts[0].notes
    human = beat_score(spec(genre="rock", bars=4), 2).parts[0].notes
    assert len(grid) == len(human)
    shifts = [abs(a.start - b.start) for a, b in zip(sorted(grid, key=lambda n: (n.start, n.pitch)),
                                                      sorted(human, key=lambda n: (n.start, n.pitch)), strict=True)]
    assert max(shifts) <= 40 and sum(shifts) > 0
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


def test_unknown_genre_is_refused():
    with pytest.raises(GeneratorError, match="genre must be one of"):
        beat_score(spec(genre="polka"), 1)
