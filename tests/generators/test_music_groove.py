"""/groove: per-instrument timing and loudness by feel, swing by tempo, ghost notes, every meter, by seed."""

from __future__ import annotations

import numpy as np
import pytest
from test_music_support import as_inputs, outputs, spec

from bot.catalog.parse import parse
from generators.base import GeneratorError
from generators.music import drums, groove
from generators.music.beat import BeatGenerator
from generators.music.groove import GrooveMusic, family, perform, quantise, swing_ratio
from generators.music.melody import MelodyGenerator
from generators.music.score import PPQ, Part, Score
from generators.music.sketch import compose
from generators.music.source import score_from_midi
from generators.music.theory import DRUM_CHANNEL, Key


def _grid(genre: str = "rock", tempo: int = 100, meter: str = "4/4", bars: int = 8) -> Score:
    """The genre's best-known grid (eighth-note hats for rock), unhumanised, in any meter the drums play."""
    notes = drums.pattern(genre, meter, bars)
    return Score(Key(0, "major"), tempo, meter, bars, [Part("drums", 0, notes, DRUM_CHANNEL, "drums")], genre=genre)


def _offsets_ms(before: Score, after: Score, seed_tempo: int) -> dict[str, float]:
    """Mean shift per instrument of the strokes that were in the grid (ghosts excluded)."""
    grid = {(n.start, n.pitch) for n in quantise(before.parts[0].notes)}
    ticks_per_ms = seed_tempo * PPQ / 60_000
    shifts: dict[str, list[float]] = {}
    for n in after.part("drums").notes:
        match = min(grid, key=lambda g: (g[1] != n.pitch, abs(g[0] - n.start)))
        if match[1] == n.pitch and abs(match[0] - n.start) < 40:
            shifts.setdefault(family(n.pitch), []).append((n.start - match[0]) / ticks_per_ms)
    return {k: float(np.mean(v)) for k, v in shifts.items()}


def test_laid_back_puts_the_snare_behind_and_pushed_puts_the_hats_ahead():
    grid = _grid(tempo=96)
    laid, _ = perform(grid, "laid-back", 100, np.random.default_rng(1))
    pushed, _ = perform(grid, "pushed", 100, np.random.default_rng(1))
    late, early = _offsets_ms(grid, laid, 96), _offsets_ms(grid, pushed, 96)
    assert late["snare"] > 15 and late["snare"] > late["kick"] + 10
    assert early["hat"] < -8 and early["snare"] < 0
    snare_vel = lambda s: np.mean([n.vel for n in s.part("drums").notes if n.pitch == drums.SNARE and n.vel > 60])  # noqa: E731
    straight, _ = perform(grid, "straight", 100, np.random.default_rng(1))
    assert snare_vel(laid) > snare_vel(straight)  # laid-back strokes are louder (Danielsen et al. 2015)


def test_straight_feel_follows_fujii_offsets_by_tempo():
    slow = _grid(tempo=100)
    fast = _grid(tempo=200)
    at_100 = _offsets_ms(slow, perform(slow, "straight", 100, np.random.default_rng(3))[0], 100)
    at_200 = _offsets_ms(fast, perform(fast, "straight", 100, np.random.default_rng(3))[0], 200)
    assert at_100["snare"] < at_100["hat"] - 4  # snare ahead of the hat at moderate tempo
    assert at_200["hat"] > at_100["hat"] + 4  # the hat trails when fast


def test_same_seed_same_performance_other_seed_differs():
    grid = _grid()
    one, _ = perform(grid, "laid-back", 70, np.random.default_rng(5))
    again, _ = perform(grid, "laid-back", 70, np.random.default_rng(5))
    other, _ = perform(grid, "laid-back", 70, np.random.default_rng(6))
    assert one.part("drums").notes == again.part("drums").notes
    assert one.part("drums").notes != other.part("drums").notes


def test_amount_zero_plays_the_quantised_grid():
    grid = _grid()
    flat, facts = perform(grid, "swing", 0, np.random.default_rng(2))
    assert [(n.start, n.pitch) for n in flat.part("drums").notes] == \
        [(n.start, n.pitch) for n in quantise(grid.parts[0].notes)]
    assert facts["ghosts"] == 0


def test_swing_ratio_falls_with_tempo_and_shuffle_is_triplet():
    assert swing_ratio("swing", 120) == pytest.approx(3.5)
    assert swing_ratio("swing", 200) == pytest.approx(2.0)
    assert swing_ratio("swing", 300) == pytest.approx(1.0)
    assert swing_ratio("shuffle", 90) == 2.0 and swing_ratio("laid-back", 90) == 1.0
    grid = _grid(tempo=90)
    shuffled, facts = perform(grid, "shuffle", 100, np.random.default_rng(4))
    hats = [n.start % PPQ for n in shuffled.part("drums").notes if n.pitch == drums.CLOSED_HAT and n.start % PPQ > 100]
    assert abs(np.median(hats) - 2 * PPQ // 3) <= 20  # the off-beat eighth sits on the last triplet
    assert facts["swing_ratio"] == pytest.approx(2.0, abs=0.05)


def test_ghost_notes_are_quiet_snare_strokes_before_backbeats():
    grid = _grid(genre="rock", tempo=92)
    played, facts = perform(grid, "laid-back", 100, np.random.default_rng(8))
    before = {(n.start, n.pitch) for n in grid.parts[0].notes}
    ghosts = [n for n in played.part("drums").notes if n.pitch in groove.SNARES and n.vel < 45
              and not any(abs(n.start - s) < 40 and p == n.pitch for s, p in before)]
    assert facts["ghosts"] > 0 and len(ghosts) >= facts["ghosts"] // 2


def test_swing_moves_the_band_with_the_drums_and_laid_back_leaves_it():
    sketch = compose(spec(key="C major", genre="rock", bars=4, tempo=110), 3)
    assert sketch.part("drums") is not None
    swung, _ = perform(sketch, "swing", 100, np.random.default_rng(1))
    laid, _ = perform(sketch, "laid-back", 100, np.random.default_rng(1))
    offbeat = lambda s: sorted(n.start for p in s.parts if not p.is_drum for n in p.notes if n.start % PPQ == PPQ // 2)  # noqa: E731
    assert offbeat(sketch) and not offbeat(swung)
    assert offbeat(laid) == offbeat(sketch)


@pytest.mark.parametrize("meter", sorted(drums.DRUM_METERS))
def test_every_meter_keeps_its_bars(meter):
    grid = _grid("funk", meter=meter, bars=4)
    played, _ = perform(grid, "shuffle", 100, np.random.default_rng(3))
    bar = drums.meter_ticks(meter)
    assert all(0 <= n.start < 4 * bar for n in played.part("drums").notes)


def test_a_sketch_without_drums_gets_its_genres_drums_then_the_groove():
    melody = MelodyGenerator().generate(spec(key="C major", genre="folk", bars=2), [], 1)
    assert score_from_midi(outputs(melody)["mid"], trusted=True).part("drums") is None
    result = GrooveMusic().generate(spec(feel="swing"), as_inputs(melody), 1)
    assert "drums added: pop" in result.summary
    assert score_from_midi(outputs(result)["mid"], trusted=True).part("drums") is not None
    bare = Score(Key(0, "major"), 100, "4/4", 2, [])
    with pytest.raises(GeneratorError, match="no drum part to groove"):
        perform(bare, "swing", 50, np.random.default_rng(1))


def test_bad_feel_and_amount_are_refused_in_one_line():
    with pytest.raises(GeneratorError, match="feel must be one of"):
        groove.canonical_feel("wobbly")
    with pytest.raises(GeneratorError, match="amount must be 0–100"):
        groove.parse_amount(150)


def test_groove_end_to_end_from_a_beat_keeps_meter_and_swing_in_the_file():
    beat = BeatGenerator().generate(spec(genre="hip-hop", tempo=90, meter="4/4", bars=4), [], 2)
    result = GrooveMusic().generate(spec(feel="swing", amount=100), as_inputs(beat, generator="music.beat"), 4)
    assert result.facts["feel"] == "swing" and "swing" in result.facts["alt"]
    assert result.facts["swing_ratio"] > 2.5
    back = score_from_midi(outputs(result)["mid"], trusted=True)
    assert back.meter == "4/4" and back.bars == 4
    hats = [n.start % PPQ for n in back.part("drums").notes if n.pitch == drums.CLOSED_HAT and n.start % PPQ > 100]
    assert np.median(hats) > 0.65 * PPQ  # swung off-beats survive the MIDI round trip
    assert groove.estimate_swing(back.part("drums").notes, "4/4") > 0.65
    assert groove.estimate_swing(drums.pattern("rock", "4/4", 4), "4/4") == 0.5
    assert groove.estimate_swing(drums.pattern("funk", "4/4", 4), "4/4") == 0.5  # sixteenths are not swing
    shuffled, _ = perform(_grid("funk", tempo=100, bars=4), "shuffle", 100, np.random.default_rng(2))
    assert 0.6 < groove.estimate_swing(shuffled.part("drums").notes, "4/4") < 0.72


def test_catalog_declares_groove_with_feel_aliases():
    parsed = parse("/groove feel:laidback amount:80")
    assert parsed.command.name == "groove" and parsed.values["feel"] == "laid-back" and parsed.values["amount"] == 80
