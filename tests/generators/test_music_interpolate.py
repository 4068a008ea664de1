"""/interpolate: starts in a's register, glides to b's, no octave jumps or folds at the joins, velocities move."""

from __future__ import annotations

import itertools

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from test_music_support import as_inputs, outputs, spec

from generators.music.interpolate import MAX_LEAP, STEP_BARS, InterpolateMusic, morph
from generators.music.melody import MelodyGenerator
from generators.music.score import Score, monophonic
from generators.music.sketch import compose
from generators.music.source import score_from_midi

KEYS = ("D minor", "F major", "C major", "E dorian", "Bb major", "A minor")


def _issue_pair() -> tuple[Score, Score]:
    """The sketches from the issue's report: a lofi D-minor tune and a fast jazz one in F."""
    a = compose(spec(prompt="wistful rainy lofi", key="D minor", tempo=84, bars=8), 3)
    b = compose(spec(prompt="smoky", key="F major", genre="jazz", tempo=140, bars=8), 11)
    return a, b


def _line(score: Score):
    melody = score.melody()
    assert melody is not None
    return monophonic(melody.notes)


def _window_median(score: Score, w: int) -> float:
    span = STEP_BARS * score.bar_ticks
    return float(np.median([n.pitch for n in _line(score) if w * span <= n.start < (w + 1) * span]))


def test_issue_repro_starts_in_as_register_and_never_jumps_an_octave():
    a, b = _issue_pair()
    a_centre = float(np.median([n.pitch for n in _line(a)]))
    b_centre = float(np.median([n.pitch for n in _line(b)]))
    for seed in range(5):
        score = morph(a, b, 4, np.random.default_rng(seed))
        line = _line(score)
        assert abs(_window_median(score, 0) - a_centre) <= 3, seed
        assert abs(_window_median(score, 3) - b_centre) < abs(_window_median(score, 0) - b_centre), seed
        leaps = [abs(y.pitch - x.pitch) for x, y in itertools.pairwise(line)]
        assert max(leaps) <= MAX_LEAP, (seed, max(leaps))


def test_velocities_move_with_the_metre_and_the_line():
    a, b = _issue_pair()
    score = morph(a, b, 4, np.random.default_rng(4))
    line = _line(score)
    assert len({n.vel for n in line}) >= 6
    downbeats = [n.vel for n in line if n.start % score.bar_ticks == 0]
    offbeats = [n.vel for n in line if n.start % score.beat_ticks != 0]
    assert np.mean(downbeats) > np.mean(offbeats) + 4


@settings(max_examples=12, deadline=None)
@given(st.integers(0, 50), st.integers(0, 50), st.sampled_from(KEYS), st.sampled_from(KEYS), st.integers(2, 6))
def test_joins_between_steps_stay_within_a_sixth(seed_a, seed_b, key_a, key_b, steps):
    a = compose(spec(key=key_a, bars=8), seed_a)
    b = compose(spec(key=key_b, bars=8, genre="jazz"), seed_b)
    score = morph(a, b, steps, np.random.default_rng(seed_a + seed_b))
    span = STEP_BARS * score.bar_ticks
    line = _line(score)
    joins = [abs(y.pitch - x.pitch) for x, y in itertools.pairwise(line) if x.start // span != y.start // span]
    assert all(j <= MAX_LEAP for j in joins), joins
    assert score.bars == STEP_BARS * steps


def test_same_seed_same_morph_and_alt_text_in_facts():
    a = MelodyGenerator().generate(spec(key="D minor", bars=4, prompt="wistful"), [], 1)
    b = MelodyGenerator().generate(spec(key="F major", bars=4, genre="jazz"), [], 2)
    inputs = as_inputs(a, "a") + as_inputs(b, "b", seed=2)
    first = InterpolateMusic().generate(spec(steps=3), inputs, 9)
    again = InterpolateMusic().generate(spec(steps=3), inputs, 9)
    assert outputs(first)["mid"] == outputs(again)["mid"]
    assert "D minor" in first.facts["alt"] and "tonic" in first.facts["alt"]
    score = score_from_midi(outputs(first)["mid"], trusted=True)
    assert score.bars == 6


def test_swung_drums_in_a_parent_stay_swung_in_the_morph():
    from generators.music import groove

    a = compose(spec(key="C major", genre="rock", bars=8, tempo=100), 5)
    b = compose(spec(key="A minor", genre="rock", bars=8, tempo=100), 6)
    swung, _ = groove.perform(a, "shuffle", 100, np.random.default_rng(1))
    assert groove.estimate_swing(swung.part("drums").notes, "4/4") > 0.6
    score = morph(swung, b, 3, np.random.default_rng(2))
    assert groove.estimate_swing(score.part("drums").notes, "4/4") > 0.6
    straight = morph(a, b, 3, np.random.default_rng(2))
    assert groove.estimate_swing(straight.part("drums").notes, "4/4") < 0.56
