"""Work on an existing sketch: vary it, add a part, continue it, harmonise it, drum to it.

These are pure functions from a :class:`Score` (and a random generator) to a new Score;
the generator classes in :mod:`generators.music.build` and :mod:`generators.music.riff`
wrap them.
"""

from __future__ import annotations

import itertools
from dataclasses import replace

import numpy as np

from generators.base import GeneratorError
from generators.music import accompany, drums
from generators.music.analysis import infer_harmony
from generators.music.melody_line import Harmony, compose_melody, to_notes
from generators.music.score import CHANNELS, SIXTEENTH, Note, Part, Score, monophonic
from generators.music.theory import Key, instrument_for_program

MAX_BARS = 32
LAYER_PROGRAMS = {"counter-melody": 71, "arpeggio": 46, "pad": 89}


def _genre(score: Score) -> str:
    return score.genre if score.genre in accompany.COMPING else "pop"


def _alter(key: Key, pitch: int, new_degree: int) -> int:
    """Move ``pitch`` to another scale degree, keeping any chromatic alteration it had."""
    old = key.degree_of(pitch)
    return key.pitch(new_degree) + (pitch - key.pitch(old))


# --- vary --------------------------------------------------------------------


def vary_score(score: Score, amount: str, rng: np.random.Generator) -> Score:
    """A variation: bar 1's motif keeps its contour (moved within the key when ``strong``); the rest is ornamented,
    re-rhythmed or inverted; the final note stays put."""
    melody = score.melody()
    if melody is None or not melody.notes:
        raise GeneratorError("that sketch has no melody to vary; for a new groove run /beat again with another seed")
    strong = amount == "strong"
    key, bar_ticks = score.key, score.bar_ticks
    line = monophonic(melody.notes)
    last_bar = (line[-1].start // bar_ticks) if line else 0
    out: list[Note] = []
    shift = int(rng.choice([-2, 2])) if strong else 0
    for bar in range(score.bars):
        notes = [n for n in line if n.start // bar_ticks == bar]
        if not notes:
            continue
        if bar == last_bar and score.bars > 1:
            out.extend(notes)  # keep the ending: the tonic on a strong beat
        elif bar == 0:
            out.extend(replace(n, pitch=_alter(key, n.pitch, key.degree_of(n.pitch) + shift)) for n in notes)
        else:
            choice = rng.random()
            if strong and choice < 0.35:
                out.extend(_invert(notes, key))
            elif choice < (0.55 if strong else 0.5):
                out.extend(_ornament(notes, key, rng))
            elif choice < (0.8 if strong else 0.75):
                out.extend(_rhythm(notes))
            else:
                out.extend(_neighbours(notes, key, rng, 0.5 if strong else 0.3))
    if [n.pitch for n in out] == [n.pitch for n in line] and [n.start for n in out] == [n.start for n in line]:
        out = _ornament(out, key, rng, force=True)
    inst = instrument_for_program(melody.program)
    out = [replace(n, pitch=max(inst.low, min(inst.high, n.pitch))) for n in out]
    new = score.copy()
    index = score.parts.index(melody)
    new.parts[index] = replace(new.parts[index], notes=sorted(out))
    if strong:
        new = _restyle_accompaniment(new, rng)
    return new


def _invert(notes: list[Note], key: Key) -> list[Note]:
    axis = key.degree_of(notes[0].pitch)
    return [replace(n, pitch=_alter(key, n.pitch, 2 * axis - key.degree_of(n.pitch))) for n in notes]


def _ornament(notes: list[Note], key: Key, rng: np.random.Generator, force: bool = False) -> list[Note]:
    """Split long notes into the note and an upper or lower neighbour (a turn-like ornament)."""
    out: list[Note] = []
    done = False
    for n in notes:
        if n.dur >= 2 * SIXTEENTH * 2 and (rng.random() < 0.6 or (force and not done)):
            half = (n.dur // 2) // SIXTEENTH * SIXTEENTH or SIXTEENTH
            step = 1 if rng.random() < 0.5 else -1
            neighbour = _alter(key, n.pitch, key.degree_of(n.pitch) + step)
            out.append(replace(n, dur=half))
            out.append(replace(n, start=n.start + half, dur=n.dur - half, pitch=neighbour))
            done = True
        else:
            out.append(n)
    if force and not done and out:
        n = out[-1]
        out[-1] = replace(n, pitch=_alter(key, n.pitch, key.degree_of(n.pitch) + 1))
    return out


def _rhythm(notes: list[Note]) -> list[Note]:
    """Swap the lengths of neighbouring notes (long-short becomes short-long); pitches keep their order."""
    if len(notes) < 2:
        return notes
    starts = [n.start for n in notes]
    spans = [b - a for a, b in itertools.pairwise(starts)] + [notes[-1].dur]
    for i in range(0, len(spans) - 1, 2):
        spans[i], spans[i + 1] = spans[i + 1], spans[i]
    out, t = [], starts[0]
    for n, span in zip(notes, spans, strict=True):
        out.append(replace(n, start=t, dur=max(SIXTEENTH // 2, min(n.dur, span))))
        t += span
    return out


def _neighbours(notes: list[Note], key: Key, rng: np.random.Generator, p: float) -> list[Note]:
    out = []
    for i, n in enumerate(notes):
        if i > 0 and rng.random() < p:
            n = replace(n, pitch=_alter(key, n.pitch, key.degree_of(n.pitch) + int(rng.choice([-1, 1]))))
        out.append(n)
    return out


def _restyle_accompaniment(score: Score, rng: np.random.Generator) -> Score:
    """For a strong variation: new comping and bass figures over the same chords."""
    harmony = infer_harmony(score)
    genre = _genre(score)
    others = [g for g in accompany.COMPING if g not in (genre, "ambient")]
    style = others[int(rng.integers(len(others)))]
    for role in ("chords", "bass"):
        old = score.part(role)
        if old is None:
            continue
        maker = accompany.chords_part if role == "chords" else accompany.bass_part
        fresh = maker(score.key, harmony, score.meter, score.bars, style, 0.6, rng)
        score = score.with_part(replace(fresh, program=old.program, instrument=old.instrument, channel=old.channel))
    return score


# --- layer -------------------------------------------------------------------


def layer_score(score: Score, part: str, rng: np.random.Generator) -> Score:
    """Add (or replace) one part, fitted to the chords already under the sketch."""
    genre = _genre(score)
    if part == "drums":
        dgenre = genre if genre in drums.BEAT_GENRES else "pop"
        return score.with_part(drums.drums_part(dgenre, score.meter, score.bars, rng))
    harmony = infer_harmony(score, sevenths=genre in accompany.JAZZY)
    key, meter, bars = score.key, score.meter, score.bars
    if part == "chords":
        new = accompany.chords_part(key, harmony, meter, bars, genre, 0.6, rng)
    elif part == "bass":
        new = accompany.bass_part(key, harmony, meter, bars, genre, 0.6, rng)
    elif part == "arpeggio":
        new = accompany.arpeggio_part(key, harmony, meter, bars, 0.6, rng, LAYER_PROGRAMS["arpeggio"])
    elif part == "pad":
        new = accompany.pad_part(key, harmony, meter, bars, 0.6, LAYER_PROGRAMS["pad"])
    elif part == "counter-melody":
        melody = score.melody()
        if melody is None:
            raise GeneratorError("a counter-melody needs a melody to answer; try part:chords or part:bass")
        new = accompany.counter_melody(monophonic(melody.notes), key, harmony, meter, bars, rng,
                                       LAYER_PROGRAMS["counter-melody"])
    else:
        raise GeneratorError(f"part must be one of chords, bass, drums, counter-melody, arpeggio, pad; got '{part}'")
    new.channel = CHANNELS[new.role]
    return score.with_part(new)


# --- continue ----------------------------------------------------------------


def continue_score(score: Score, bars: int, rng: np.random.Generator) -> tuple[Score, int]:
    """The sketch followed by ``bars`` new bars that develop its opening motif and end on the tonic.

    Returns the new score and how many bars were actually added (the total stays within 32).
    """
    add = min(bars, MAX_BARS - score.bars)
    if add <= 0:
        raise GeneratorError(f"that sketch is already {score.bars} bars, the longest a sketch can be")
    key, meter = score.key, score.meter
    genre = _genre(score)
    harmony = accompany.plan_harmony(key, add, genre, rng)
    melody = score.melody()
    offset = score.total_ticks
    new = score.copy()
    new.bars = score.bars + add
    if melody is not None and melody.notes:
        line = monophonic(melody.notes)
        centre = 12 * round((np.median([n.pitch for n in line]) - 4 - key.tonic) / 12)
        first_bar = [n for n in line if n.start < score.bar_ticks] or line[:4]
        motif = [((n.start % score.bar_ticks) // SIXTEENTH, max(1, n.dur // SIXTEENTH), key.degree_of(n.pitch, centre))
                 for n in first_bar]
        after = key.degree_of(line[-1].pitch, centre)
        degrees = compose_melody(key, meter, add, harmony, density=0.5, rng=rng, motif=motif, after=after)
        notes = to_notes(degrees, key, octave_c=centre, legato=0.9, energy=0.6, rng=rng)
        inst = instrument_for_program(melody.program)
        notes = [replace(n, start=n.start + offset, pitch=max(inst.low, min(inst.high, n.pitch))) for n in notes]
        _extend(new, melody.role, notes)
    for part in score.parts:
        if part.role == "melody" or part is melody:
            continue
        extra = _regenerate(part, key, harmony, meter, add, genre, rng)
        _extend(new, part.role, [replace(n, start=n.start + offset) for n in extra])
    return new, add


def _extend(score: Score, role: str, notes: list[Note]) -> None:
    for p in score.parts:
        if p.role == role:
            p.notes = sorted(p.notes + notes)
            return


def _regenerate(part: Part, key: Key, harmony: Harmony, meter: str, bars: int, genre: str,
                rng: np.random.Generator) -> list[Note]:
    if part.is_drum:
        dgenre = genre if genre in drums.BEAT_GENRES else "pop"
        return drums.drums_part(dgenre, meter, bars, rng).notes
    if part.role == "bass":
        return accompany.bass_part(key, harmony, meter, bars, genre, 0.6, rng).notes
    if part.role == "arpeggio":
        return accompany.arpeggio_part(key, harmony, meter, bars, 0.6, rng).notes
    if part.role == "pad":
        return accompany.pad_part(key, harmony, meter, bars, 0.6).notes
    if part.role == "counter-melody":
        return []
    return accompany.chords_part(key, harmony, meter, bars, genre, 0.6, rng).notes


# --- harmonize and drumify ------------------------------------------------------


def harmonize_score(score: Score, rng: np.random.Generator) -> tuple[Score, Harmony]:
    """Chords chosen bar by bar to fit the melody (replacing any chords part), with smooth voice leading."""
    melody = score.melody()
    if melody is None or not melody.notes:
        raise GeneratorError("there is no melody to harmonize in that sketch")
    genre = _genre(score)
    harmony = infer_harmony(score, from_melody_only=True, sevenths=genre in accompany.JAZZY)
    chords = accompany.chords_part(score.key, harmony, score.meter, score.bars, genre, 0.6, rng)
    chords.channel = CHANNELS["chords"]
    new = score.with_part(chords)
    if new.part("bass") is None:
        new = new.with_part(accompany.bass_part(score.key, harmony, score.meter, score.bars, genre, 0.6, rng))
    return new, harmony


def drumify_score(score: Score, rng: np.random.Generator) -> Score:
    """Drums that follow where the sketch's notes fall: kicks on its busiest onsets, a backbeat, hats."""
    onsets = [n.start for p in score.parts if not p.is_drum for n in p.notes]
    if not onsets:
        raise GeneratorError("that sketch has no pitched notes to take a rhythm from")
    notes = drums.groove_from(onsets, score.bar_ticks, score.bars, score.meter, rng)
    part = Part("drums", 0, drums.humanise(notes, rng, amount=0.7), CHANNELS["drums"], "drums")
    return score.with_part(part)
