"""/interpolate: morph from one member's sketch to another's in two-bar steps.

Both melodies are read as scale degrees in the first sketch's key, each relative to its own
centre; each step draws its rhythm, pitches and loudness more from b than from a while the
register glides from a's to b's, and the line lands on the tonic at the end.  Octave folds
only ever shorten a leap (at most a major sixth at any join).  Chords
and bass are fitted to the morphed melody; drums come in when either sketch has them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

import numpy as np

from generators.base import KIND_MUSIC, GeneratorError, InputFile, Result
from generators.music import accompany, drums, groove
from generators.music.analysis import infer_harmony
from generators.music.build import parent_score
from generators.music.package import package
from generators.music.score import CHANNELS, Note, Part, Score, monophonic
from generators.music.theory import Key

STEP_BARS = 2


Event = tuple[int, int, float, int]  # (offset in the window, length, degree relative to the line's centre, velocity)
#: The widest leap the morph keeps at a join or inside a step; wider ones fold by an octave toward the line.
MAX_LEAP = 9


def _centre_degree(line: list[Note], key: Key) -> float:
    return float(np.median([key.degree_of(n.pitch) for n in line]))


def _windows(score: Score, key: Key) -> tuple[list[list[Event]], float]:
    """Two-bar windows of the melody (degrees read in ``key``, relative to the line's own centre) and that centre."""
    melody = score.melody()
    if melody is None or not melody.notes:
        raise GeneratorError("both sketches need a melody to interpolate")
    line = monophonic(melody.notes)
    centre = _centre_degree(line, key)
    span = STEP_BARS * score.bar_ticks
    out = []
    for w in range(max(1, score.bars // STEP_BARS)):
        notes = [n for n in line if w * span <= n.start < (w + 1) * span]
        if notes:
            out.append([(n.start - w * span, n.dur, key.degree_of(n.pitch) - centre, n.vel) for n in notes])
    return out, centre


def _at(line: list[Event], t: int) -> Event:
    """The event sounding (or last begun) at offset ``t``."""
    current = line[0]
    for event in line:
        if event[0] > t:
            break
        current = event
    return current


def _blend(a: list[Event], b: list[Event], alpha: float, rng: np.random.Generator, span: int) -> list[Event]:
    """Rhythm from a or b per half-window by chance ``alpha``; degrees and velocities are weighted means of both."""
    out = []
    half = span // 2
    for h in range(2):
        source = b if rng.random() < alpha else a
        for o, length, _, _ in source:
            if h * half <= o < (h + 1) * half:
                ea, eb = _at(a, o), _at(b, o)
                degree = (1 - alpha) * ea[2] + alpha * eb[2]
                vel = round((1 - alpha) * ea[3] + alpha * eb[3])
                out.append((o, length, degree, vel))
    return out or [(0, span, _at(a, 0)[2], _at(a, 0)[3])]


def _voice(pitch: int, previous: int | None, centre: float) -> int:
    """Fold a pitch by octaves so it neither leaps more than a major sixth nor strays an octave from the centre."""
    candidates = [pitch + 12 * k for k in (-2, -1, 0, 1, 2)]
    in_range = [p for p in candidates if abs(p - centre) <= 12] or candidates
    if previous is None:
        return min(in_range, key=lambda p: abs(p - centre))
    near = [p for p in in_range if abs(p - previous) <= MAX_LEAP]
    if pitch in near:
        return pitch
    pool = near or in_range
    return min(pool, key=lambda p: (abs(p - previous), abs(p - centre)))


def _velocity(base: int, start: int, pitch: int, centre: float, score: Score, rng: np.random.Generator) -> int:
    """The sources' loudness, shaped by the metre (downbeats lean), the line (higher is brighter) and a breath."""
    bar = score.bar_ticks
    pos = start % bar
    if pos == 0:
        accent = 10
    elif pos % score.beat_ticks == 0:
        accent = 4
    else:
        accent = -5
    arc = 6 * np.sin(np.pi * (start % (STEP_BARS * bar)) / (STEP_BARS * bar))
    lift = 0.8 * (pitch - centre)
    return int(np.clip(round(base + accent + arc + lift + rng.normal(0, 3)), 36, 120))


def morph(a: Score, b: Score, steps: int, rng: np.random.Generator) -> Score:
    """``steps`` two-bar windows from a's melody to b's (b's degrees read in a's key), re-harmonised.

    Each line is read relative to its own centre, and the register moves from a's centre to b's
    step by step, so the morph starts where a sits and never folds by octaves at a join.
    """
    key: Key = a.key
    (wa, ca), (wb, cb) = _windows(a, key), _windows(b, key)
    span = STEP_BARS * a.bar_ticks
    bars = STEP_BARS * steps
    lead = a.melody()
    assert lead is not None  # _windows checked
    notes: list[Note] = []
    previous: int | None = None
    for s in range(steps):
        alpha = s / (steps - 1)
        centre_degree = (1 - alpha) * ca + alpha * cb
        centre_pitch = key.pitch(round(centre_degree))
        for o, length, d, vel in _blend(wa[s % len(wa)], wb[s % len(wb)], alpha, rng, span):
            pitch = _voice(key.pitch(round(centre_degree + d)), previous, centre_pitch)
            start = s * span + o
            notes.append(Note(start, max(60, min(length, span - o)), pitch,
                              _velocity(vel, start, pitch, centre_pitch, a, rng)))
            previous = pitch
    final_bar = (bars - 1) * a.bar_ticks
    notes = [n for n in notes if n.start < final_bar] or notes[:1]
    last = notes[-1].pitch
    tonics = [key.pitch(k) for k in range(-21, 22, 7)]
    tonic = min(tonics, key=lambda p: (abs(p - last) > MAX_LEAP, abs(p - key.pitch(round(cb))), abs(p - last)))
    notes.append(Note(final_bar, a.bar_ticks - 20, tonic, int(np.clip(notes[-1].vel - 6, 40, 110))))
    melody = Part("melody", lead.program, sorted(notes), CHANNELS["melody"], lead.instrument or "melody")
    genre = a.genre or b.genre or "pop"
    score = Score(key, round((a.tempo + b.tempo) / 2), a.meter, bars, [melody], genre=genre)
    harmony = infer_harmony(score, from_melody_only=True, sevenths=genre in accompany.JAZZY)
    style = genre if genre in accompany.COMPING else "pop"
    score = score.with_part(accompany.chords_part(key, harmony, a.meter, bars, style, 0.6, rng))
    score = score.with_part(accompany.bass_part(key, harmony, a.meter, bars, style, 0.6, rng))
    if (a.part("drums") or b.part("drums")) and a.meter in drums.DRUM_METERS:
        beat = genre if genre in drums.BEAT_GENRES else "pop"
        part = drums.drums_part(beat, a.meter, bars, rng, humanised=False)
        played = [p for s in (a, b) for p in s.parts if p.is_drum and p.notes]
        swing = groove.estimate_swing(played[0].notes, a.meter) if played else 0.5
        part.notes = drums.humanise(groove.swing_to(part.notes, a.meter, swing), rng)  # keep the parents' swing
        score = score.with_part(part)
    return score


def describe(score: Score, steps: int) -> str:
    """Alt text: key, tempo, meter, parts and the melody's path."""
    line = monophonic(score.melody().notes) if score.melody() else []
    parts = ", ".join(p.role for p in score.parts)
    shape = ""
    if line:
        half = len(line) // 2
        first = float(np.mean([n.pitch for n in line[:half] or line]))
        second = float(np.mean([n.pitch for n in line[half:]]))
        shape = "; the melody drifts " + ("up" if second > first + 1 else "down" if second < first - 1 else "level")
    return (f"a {steps}-step morph between two sketches in {score.key.name} at {score.tempo} bpm in {score.meter}, "
            f"{score.bars} bars of {parts}{shape} and lands on the tonic")


class InterpolateMusic:
    name: ClassVar[str] = "music.interpolate"
    version: ClassVar[str] = "2"
    command: ClassVar[str] = "interpolate"
    accepts: ClassVar[frozenset[str]] = frozenset({KIND_MUSIC})

    def generate(self, spec: Mapping[str, Any], inputs: Sequence[InputFile], seed: int) -> Result:
        a, b = parent_score(inputs, "a"), parent_score(inputs, "b")
        steps = int(spec.get("steps") or 4)
        if not 2 <= steps <= 8:
            raise GeneratorError(f"steps must be 2–8, got {steps}")
        score = morph(a, b, steps, np.random.default_rng(seed))
        result = package(score, spec, generator=self.name, version=self.version, seed=seed, stem="interpolation",
                         summary=f"a → b in {steps} steps", inputs=inputs)
        facts = dict(result.facts)
        facts["alt"] = describe(score, steps)
        return Result(result.kind, result.outputs, facts, result.summary)


GENERATORS = [InterpolateMusic]
