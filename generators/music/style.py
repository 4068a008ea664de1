"""A member's own material as the model's short-term memory: /continue and /vary in their style.

The Continuator idea with IDyOM's two models: the long-term model knows the corpus, the short-term
model is trained on the member's line just before we write, so the continuation keeps their
intervals and rhythm; swing is measured from their off-beat eighths and put back on; key, meter
and register come from the source.
"""

from __future__ import annotations

import numpy as np

from generators.music import chord_vocab as cv
from generators.music import phrases
from generators.music import viewpoints as vp
from generators.music.learned import Model, PitchPredictor, RhythmPredictor
from generators.music.phrases import TICKS_PER_UNIT, ChordSlot, LineSettings
from generators.music.score import PPQ, Note, Score, monophonic

STM_WEIGHT = 0.45


def measured_swing(line: list[Note]) -> float:
    """Swing amount (0 straight … 1 triplet) from where the off-beat eighths actually fall."""
    shifts = [n.start % PPQ - PPQ // 2 for n in line if PPQ // 2 - 10 <= n.start % PPQ <= PPQ // 2 + PPQ // 5]
    if len(shifts) < 2:
        return 0.0
    shift = float(np.median(shifts))
    return round(max(0.0, min(1.0, shift / (PPQ / 6))), 2) if shift > 8 else 0.0


def unswing(line: list[Note], swing: float) -> list[Note]:
    """The line with its off-beat eighths put back on the straight grid (for counting its rhythm)."""
    if swing <= 0:
        return line
    shift = round(swing * PPQ / 6)
    return [Note(n.start - shift, n.dur, n.pitch, n.vel) if n.start % PPQ == PPQ // 2 + shift else n for n in line]


def primed(model: Model, score: Score, line: list[Note]) -> tuple[PitchPredictor, dict[str, RhythmPredictor]]:
    """Predictors whose short-term models have learned the member's line."""
    mode = "minor" if score.key.minorish else "major"
    pitch = PitchPredictor(model, score.key.tonic, mode, short_term=True, stm_weight=STM_WEIGHT)
    bar = score.bar_ticks
    for n in line:
        pitch.observe(n.pitch, phrases.strength_at(score.meter, (n.start % bar) // TICKS_PER_UNIT))
    rhythm: dict[str, RhythmPredictor] = {}
    segs = phrases.segments(model, score.meter)
    for a, b in zip(line, [*line[1:], None], strict=True):
        ioi = ((b.start if b is not None else a.end) - a.start) // TICKS_PER_UNIT
        pos = (a.start % bar) // TICKS_PER_UNIT
        for m, length in segs:
            if pos < length:
                predictor = rhythm.setdefault(m, RhythmPredictor(model, vp.METER_IDS[m], short_term=True))
                predictor.observe(vp.ioi_symbol(max(1, ioi)), pos)
                break
            pos -= length
    return pitch, rhythm


def chords_under(score: Score) -> list[ChordSlot]:
    """The chords a sketch already has, read every half bar from its chords and bass (tonic where silent)."""
    tonic_chord = cv.label(0, "min" if score.key.minorish else "maj")
    backing = [n for p in score.parts if p.role in ("chords", "bass", "pad", "arpeggio") for n in p.notes]
    step = score.bar_ticks // 2 if score.bar_ticks % 2 == 0 else score.bar_ticks
    slots = []
    previous = tonic_chord
    for t in range(0, score.total_ticks, step):
        pitches = sorted({n.pitch for n in backing if n.start < t + step and n.end > t}, reverse=True)
        chord = cv.label_of(pitches, score.key.tonic) if len(pitches) >= 2 else None
        previous = chord if chord is not None else previous
        slots.append(ChordSlot(t, t + step, previous))
    return slots


def settings_from(line: list[Note], energy: float = 0.6) -> LineSettings:
    pitches = [n.pitch for n in line]
    low, high = min(pitches), max(pitches)
    centre = float(np.median(pitches))
    velocity = float(np.mean([n.vel for n in line]))
    legato = float(np.clip(np.median([n.dur for n in line[:-1]] or [PPQ]) /
                           max(1.0, float(np.median(np.diff([n.start for n in line]) if len(line) > 1 else [PPQ]))),
                           0.5, 1.0))
    weights = np.bincount(np.array(pitches) % 12, weights=[n.dur for n in line], minlength=12) + 0.02 * sum(
        n.dur for n in line) / 12
    return LineSettings(max(24, low - 3), min(108, high + 3), centre, density=0.5, legato=legato,
                        energy=float(np.clip((velocity - 56) / 40, 0.1, 1.0)), pc_profile=weights / weights.sum())


def continuation(model: Model, score: Score, bars: int, rng: np.random.Generator) -> tuple[list[Note],
                                                                                         list[ChordSlot], float]:
    """New melody bars after the source (times from 0 = the end of the source), their chords, and the swing."""
    melody = score.melody()
    assert melody is not None
    source = monophonic(melody.notes)
    swing = score.swing if score.swing > 0 else measured_swing(source)
    straight = unswing(source, swing)
    pitch, rhythm = primed(model, score, straight)
    settings = settings_from(straight)
    start_chord = None
    made = phrases.compose(model, score.key, score.meter, bars, settings, rng, predictor=pitch, rhythm=rhythm,
                           start_chord=start_chord)
    return made.notes, made.slots, swing


def vary_subtle(model: Model, score: Score, line: list[Note], rng: np.random.Generator,
                share: float = 0.3) -> list[Note]:
    """Same rhythm and contour; about ``share`` of the inner notes get another pitch the model likes there."""
    mode = "minor" if score.key.minorish else "major"
    predictor = PitchPredictor(model, score.key.tonic, mode, short_term=True, stm_weight=STM_WEIGHT)
    slots = chords_under(score)
    out = list(line)
    bar = score.bar_ticks
    changed = 0
    for i, n in enumerate(line):
        strong = phrases.strength_at(score.meter, (n.start % bar) // TICKS_PER_UNIT)
        inner = 0 < i < len(line) - 1
        if inner and rng.random() < share:
            prev_p, next_p = out[i - 1].pitch, line[i + 1].pitch
            cands = np.arange(n.pitch - 5, n.pitch + 6)
            keep_shape = (np.sign(cands - prev_p) == np.sign(n.pitch - prev_p)) & \
                         (np.sign(next_p - cands) == np.sign(next_p - n.pitch)) & (cands != n.pitch)
            in_key = np.isin((cands - score.key.tonic) % 12, list(score.key.scale))
            slot = phrases.chord_at(slots, n.start)
            fits = np.isin(cands % 12, slot.pcs(score.key)) | (strong == 0)
            ok = keep_shape & in_key & fits & (np.abs(cands - prev_p) <= 9)
            if ok.any():
                p = predictor.distribution(cands, strong) * ok
                if p.sum() > 0:
                    pick = int(cands[int(rng.choice(len(cands), p=p / p.sum()))])
                    out[i] = Note(n.start, n.dur, pick, n.vel)
                    changed += 1
        predictor.observe(out[i].pitch, strong)
    if changed == 0 and len(line) > 2:  # always a real variation: move one inner note by step
        i = 1 + int(rng.integers(len(line) - 2))
        step = 1 if line[i + 1].pitch >= line[i].pitch else -1
        size = 2 if score.key.contains(line[i].pitch + 2 * step) else 1
        out[i] = Note(line[i].start, line[i].dur, line[i].pitch + step * size, line[i].vel)
    return out


def vary_strong(model: Model, score: Score, line: list[Note], rng: np.random.Generator) -> list[Note]:
    """The member's motif (bar 1) kept and answered; the other phrases re-drawn from the model around it."""
    bar = score.bar_ticks
    unit = phrases.unit_length(score.bars)
    motif = [n for n in line if n.start < bar]
    pitch, rhythm = primed(model, score, line)
    fresh = PitchPredictor(model, score.key.tonic, "minor" if score.key.minorish else "major", short_term=True,
                           stm_weight=STM_WEIGHT)
    for n in motif:
        fresh.observe(n.pitch, phrases.strength_at(score.meter, (n.start % bar) // TICKS_PER_UNIT))
    fresh.stm = pitch.stm  # the whole line's habits, the motif as the recent history
    slots = chords_under(score)
    settings = settings_from(line)
    out = list(motif)
    units = -(-score.bars // unit)
    for u in range(units):
        start_bar = u * unit
        length = min(unit, score.bars - start_bar)
        first = 1 if u == 0 else 0
        if u > 0 and u % 2 == 0 and length > 1 and motif:
            # the motif comes back to open every other phrase, moved to fit the chord there
            restated = _motif_at(motif, start_bar * bar, out[-1].pitch if out else motif[0].pitch, slots, score)
            for n in restated:
                fresh.observe(n.pitch, phrases.strength_at(score.meter, (n.start % bar) // TICKS_PER_UNIT))
            out.extend(restated)
            first = 1
        if length - first <= 0:
            continue
        begin = (start_bar + first) * bar
        local = [ChordSlot(s.start - begin, s.end - begin, s.chord) for s in slots
                 if begin <= s.start < (start_bar + length) * bar]
        if not local:
            local = [ChordSlot(0, length * bar, cv.label(0, "min" if score.key.minorish else "maj"))]
        final = u == units - 1
        out.extend(phrases.phrase_line(model, score.key, score.meter, begin, length - first, local, fresh, rhythm,
                                       settings, rng, ending="full" if final or u % 2 else "half", final=final))
    return out


def _motif_at(motif: list[Note], start: int, previous: int, slots: list[ChordSlot], score: Score) -> list[Note]:
    """The motif moved to ``start``, transposed so its first note is a chord tone within a fifth of ``previous``."""
    slot = phrases.chord_at(slots, start)
    pcs = slot.pcs(score.key)
    first = motif[0].pitch
    options = [s for s in range(-24, 25) if (first + s) % 12 in pcs and abs(first + s - previous) <= 7]
    shift = min(options, key=lambda s: (abs(s), s)) if options else 0
    offset = start - (motif[0].start // score.bar_ticks) * score.bar_ticks
    return [Note(n.start + offset, n.dur, n.pitch + shift, n.vel) for n in motif]
