"""/interpolate: morph from one member's sketch to another's in two-bar steps.

Both melodies are read as scale degrees in the first sketch's key; each step draws its
rhythm and pitches more from b than from a, and lands on the tonic at the end.  Chords
and bass are fitted to the morphed melody; drums come in when either sketch has them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

import numpy as np

from generators.base import KIND_MUSIC, GeneratorError, InputFile, Result
from generators.music import accompany, drums
from generators.music.analysis import infer_harmony
from generators.music.build import parent_score
from generators.music.package import package
from generators.music.score import CHANNELS, Note, Part, Score, monophonic
from generators.music.theory import Key

STEP_BARS = 2


def _windows(score: Score) -> list[list[tuple[int, int, int]]]:
    """Two-bar windows of the melody as (offset, length, degree) relative to the window start."""
    melody = score.melody()
    if melody is None or not melody.notes:
        raise GeneratorError("both sketches need a melody to interpolate")
    line = monophonic(melody.notes)
    span = STEP_BARS * score.bar_ticks
    out = []
    for w in range(max(1, score.bars // STEP_BARS)):
        notes = [n for n in line if w * span <= n.start < (w + 1) * span]
        if notes:
            out.append([(n.start - w * span, n.dur, score.key.degree_of(n.pitch)) for n in notes])
    return out


def _blend(a: list[tuple[int, int, int]], b: list[tuple[int, int, int]], alpha: float, rng: np.random.Generator,
           span: int) -> list[tuple[int, int, int]]:
    """Rhythm from a or b per half-window by chance ``alpha``; pitches are the weighted mean of both lines."""
    def degree_at(line: list[tuple[int, int, int]], t: int) -> int:
        current = line[0][2]
        for o, _, d in line:
            if o > t:
                break
            current = d
        return current

    out = []
    half = span // 2
    for h in range(2):
        source = b if rng.random() < alpha else a
        for o, length, _ in source:
            if h * half <= o < (h + 1) * half:
                d = (1 - alpha) * degree_at(a, o) + alpha * degree_at(b, o)
                out.append((o, length, round(d)))
    return out or [(0, span, degree_at(a, 0))]


def morph(a: Score, b: Score, steps: int, rng: np.random.Generator) -> Score:
    """``steps`` two-bar windows from a's melody to b's (b's degrees read in a's key), re-harmonised."""
    key: Key = a.key
    wa, wb = _windows(a), _windows(b)
    span = STEP_BARS * a.bar_ticks
    bars = STEP_BARS * steps
    lead = a.melody()
    assert lead is not None  # _windows checked
    centre = round(float(np.median([n.pitch for n in lead.notes])))
    octave_c = 12 * round((centre - 4 - key.tonic) / 12)
    notes: list[Note] = []
    for s in range(steps):
        alpha = s / (steps - 1)
        for o, length, d in _blend(wa[s % len(wa)], wb[s % len(wb)], alpha, rng, span):
            pitch = key.pitch(d, octave_c)
            while pitch > centre + 14:
                pitch -= 12
            while pitch < centre - 14:
                pitch += 12
            notes.append(Note(s * span + o, max(60, min(length, span - o)), pitch, 84))
    final_bar = (bars - 1) * a.bar_ticks
    notes = [n for n in notes if n.start < final_bar] or notes[:1]
    tonic = min((key.pitch(k, octave_c) for k in (0, 7, -7)), key=lambda p: abs(p - notes[-1].pitch))
    notes.append(Note(final_bar, a.bar_ticks - 20, tonic, 84))
    melody = Part("melody", lead.program, sorted(notes), CHANNELS["melody"], lead.instrument or "melody")
    genre = a.genre or b.genre or "pop"
    score = Score(key, round((a.tempo + b.tempo) / 2), a.meter, bars, [melody], genre=genre)
    harmony = infer_harmony(score, from_melody_only=True, sevenths=genre in accompany.JAZZY)
    style = genre if genre in accompany.COMPING else "pop"
    score = score.with_part(accompany.chords_part(key, harmony, a.meter, bars, style, 0.6, rng))
    score = score.with_part(accompany.bass_part(key, harmony, a.meter, bars, style, 0.6, rng))
    if a.part("drums") or b.part("drums"):
        beat = genre if genre in drums.BEAT_GENRES else "pop"
        score = score.with_part(drums.drums_part(beat, a.meter, bars, rng))
    return score


class InterpolateMusic:
    name: ClassVar[str] = "music.interpolate"
    version: ClassVar[str] = "1"
    command: ClassVar[str] = "interpolate"
    accepts: ClassVar[frozenset[str]] = frozenset({KIND_MUSIC})

    def generate(self, spec: Mapping[str, Any], inputs: Sequence[InputFile], seed: int) -> Result:
        a, b = parent_score(inputs, "a"), parent_score(inputs, "b")
        steps = int(spec.get("steps") or 4)
        if not 2 <= steps <= 8:
            raise GeneratorError(f"steps must be 2–8, got {steps}")
        score = morph(a, b, steps, np.random.default_rng(seed))
        return package(score, spec, generator=self.name, version=self.version, seed=seed, stem="interpolation",
                       summary=f"a → b in {steps} steps", inputs=inputs)


GENERATORS = [InterpolateMusic]
