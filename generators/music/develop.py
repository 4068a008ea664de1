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
from generators.music import accompany, chorale, comping, drums, learned, phrases, style
from generators.music.analysis import infer_harmony
from generators.music.melody_line import Harmony
from generators.music.score import CHANNELS, SIXTEENTH, Note, Part, Score, monophonic
from generators.music.sketch import apply_swing
from generators.music.theory import Key, instrument_for_program

MAX_BARS = 64
LAYER_PROGRAMS = {"counter-melody": 71, "arpeggio": 46, "pad": 89}


def _genre(score: Score) -> str:
    return score.genre if score.genre in accompany.COMPING else "pop"


def _alter(key: Key, pitch: int, new_degree: int) -> int:
    """Move ``pitch`` to another scale degree, keeping any chromatic alteration it had."""
    old = key.degree_of(pitch)
    return key.pitch(new_degree) + (pitch - key.pitch(old))


# --- vary --------------------------------------------------------------------


def vary_score(score: Score, amount: str, rng: np.random.Generator) -> Score:
    """A variation. ``subtle``: same rhythm and contour, some notes changed to ones the model likes there.
    ``strong``: the motif in bar 1 kept, the other phrases re-drawn from the model in the member's style
    (no big leaps at bar lines), with new comping over the same chords."""
    melody = score.melody()
    if melody is None or not melody.notes:
        raise GeneratorError("that sketch has no melody to vary; for a new groove run /beat again with another seed")
    strong = amount == "strong"
    model = learned.load()
    line = monophonic(melody.notes)
    out = style.vary_strong(model, score, line, rng) if strong else style.vary_subtle(model, score, line, rng)
    if strong:
        swing = score.swing if score.swing > 0 else style.measured_swing(line)
        out = apply_swing(out, swing)
    inst = instrument_for_program(melody.program)
    out = [replace(n, pitch=max(inst.low, min(inst.high, n.pitch))) for n in out]
    new = score.copy()
    index = score.parts.index(melody)
    new.parts[index] = replace(new.parts[index], notes=sorted(out))
    if strong:
        new = _restyle_accompaniment(new, rng)
    return _credited(new, model)


def _credited(score: Score, model: learned.Model) -> Score:
    credit = dict(model.credit)
    if any(m.get("name") == credit["name"] for m in score.models):
        return score
    return replace(score, models=(*score.models, credit))


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
    """The sketch followed by ``bars`` new bars in its own style (the model's short-term memory of its melody),
    keeping key, meter, swing and register, closing on the tonic.

    Returns the new score and how many bars were added. A sketch would grow past 64 bars only by
    dropping its opening: the continuation then follows its last bars.
    """
    if bars < 1:
        raise GeneratorError("bars must be at least 1")
    add = min(bars, MAX_BARS)
    key, meter = score.key, score.meter
    genre = _genre(score)
    melody = score.melody()
    model = learned.load()
    if score.bars + add > MAX_BARS:
        score = _last_bars(score, MAX_BARS - add)
    offset = score.total_ticks
    new = score.copy()
    new.bars = score.bars + add
    if melody is not None and melody.notes:
        melody = score.melody()
        notes, slots, swing = style.continuation(model, score, add, rng)
        notes = apply_swing(notes, swing)
        inst = instrument_for_program(melody.program)
        notes = [replace(n, start=n.start + offset, pitch=max(inst.low, min(inst.high, n.pitch))) for n in notes]
        _extend(new, melody.role, notes)
    else:
        slots = phrases.plan_chords(model, key, add, score.bar_ticks, "full", rng)
        swing = score.swing
    harmony = _harmony_of(slots, key, add, score.bar_ticks)
    for part in score.parts:
        if part.role == "melody" or part is melody:
            continue
        if part.role in ("chords", "bass") and not part.is_drum:
            maker = comping.chords_part if part.role == "chords" else comping.bass_part
            fresh = maker(slots, key, meter, add, genre, 0.6, rng)
            extra = apply_swing(fresh.notes, swing)
            if part.role == "chords" and melody is not None:
                extra = comping.keep_under(replace(fresh, notes=extra), [n for n in new.parts[0].notes]).notes
        else:
            extra = _regenerate(part, key, harmony, meter, add, genre, rng)
        _extend(new, part.role, [replace(n, start=n.start + offset) for n in extra])
    return _credited(new, model), add


def _last_bars(score: Score, keep: int) -> Score:
    """Only the last ``keep`` bars of a sketch, moved to start at bar 1."""
    cut = (score.bars - keep) * score.bar_ticks
    new = score.copy()
    new.bars = keep
    for p in new.parts:
        p.notes = [replace(n, start=n.start - cut) for n in p.notes if n.start >= cut]
    return new


def _harmony_of(slots: list, key: Key, bars: int, bar_ticks: int) -> Harmony:
    """The old one-chord-a-bar view of a chord plan, for the parts still drawn that way (pad, arpeggio)."""
    roots = []
    for b in range(bars):
        slot = phrases.chord_at(slots, b * bar_ticks)
        root_pc = (key.tonic + slot.chord // 8) % 12
        roots.append(key.degree_of(60 + (root_pc - 60 % 12) % 12) % 7)
    return Harmony(tuple(roots))


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


def harmonize_score(score: Score, rng: np.random.Generator) -> tuple[Score, chorale.Harmonization]:
    """Four parts the way the chorales do it: new alto and tenor (the chords part) and a new bass under the
    melody, chords chosen by the learned progression model with cadences at phrase ends."""
    melody = score.melody()
    if melody is None or not melody.notes:
        raise GeneratorError("there is no melody to harmonize in that sketch")
    model = learned.load()
    h = chorale.harmonize(model, score)
    upper: list[Note] = []
    lower: list[Note] = []
    for k, (a, b) in enumerate(zip(h.times, h.ends, strict=True)):
        alto, tenor, bass = (int(x) for x in h.voices[k, 1:])
        upper += [Note(a, b - a - 10, alto, 64), Note(a, b - a - 10, tenor, 60)]
        lower.append(Note(a, b - a - 10, bass, 80))
    program = 52 if melody.program not in (52, 53) else 48
    old_bass = score.part("bass")
    bass_program = old_bass.program if old_bass is not None else 32
    new = score.copy()
    new.parts = [p for p in new.parts if p.role not in ("chords", "bass", "pad", "arpeggio", "counter-melody")]
    new = new.with_part(Part("chords", program, _tied(upper), CHANNELS["chords"], "alto and tenor"))
    new = new.with_part(Part("bass", bass_program, _tied(lower), CHANNELS["bass"], "bass voice"))
    return _credited(new, model), h


def _tied(notes: list[Note]) -> list[Note]:
    """Repeated pitches in consecutive slots held as one note, as a singer would."""
    out: list[Note] = []
    for n in sorted(notes, key=lambda x: (x.pitch, x.start)):
        if out and out[-1].pitch == n.pitch and out[-1].start + out[-1].dur + 10 >= n.start:
            last = out[-1]
            out[-1] = replace(last, dur=n.start + n.dur - last.start)
        else:
            out.append(n)
    return sorted(out)


def drumify_score(score: Score, rng: np.random.Generator) -> Score:
    """Drums that follow where the sketch's notes fall: kicks on its busiest onsets, a backbeat, hats."""
    onsets = [n.start for p in score.parts if not p.is_drum for n in p.notes]
    if not onsets:
        raise GeneratorError("that sketch has no pitched notes to take a rhythm from")
    notes = drums.groove_from(onsets, score.bar_ticks, score.bars, score.meter, rng)
    part = Part("drums", 0, drums.humanise(notes, rng, amount=0.7), CHANNELS["drums"], "drums")
    return score.with_part(part)
