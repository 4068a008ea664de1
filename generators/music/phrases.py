"""Melodies and chord plans drawn from the learned model, in phrases that repeat, vary and answer.

A sketch is cut into phrase units (4 bars from 8 bars up, else 2) laid out in a form
(AABA, ABAC, ABAB′ …). Each new unit gets chords from the chorale progression model (one or two a
bar, ending in a half or full cadence) and a line from the melody model: rhythm first (the
inter-onset model, bar by bar), then pitches (long-term × short-term model), steered towards
chord tones on strong beats and towards the register the mood asked for. Repeated units are
copied, so the tune has figures a listener recognises; the last unit always closes on the tonic.
"""

from __future__ import annotations

import functools
import itertools
from dataclasses import dataclass

import numpy as np

from generators.music import chord_vocab as cv
from generators.music import viewpoints as vp
from generators.music.learned import Model, PitchPredictor, RhythmPredictor
from generators.music.ppm import blend, context_code
from generators.music.score import METERS, PPQ, STRONG_EIGHTHS, Note
from generators.music.theory import Key

TICKS_PER_UNIT = PPQ // vp.UNIT  # 40
#: How a meter's bar is built from meters the corpus has rhythm statistics for (units).
SEGMENTS: dict[str, tuple[tuple[str, int], ...]] = {
    "4/4": (("4/4", 48),), "3/4": (("3/4", 36),), "2/4": (("2/4", 24),), "6/8": (("6/8", 36),),
    "12/8": (("12/8", 72),), "5/4": (("3/4", 36), ("2/4", 24)), "7/8": (("2/4", 24), ("6/8", 18)),
}
FORMS: dict[int, tuple[str, ...]] = {
    1: ("A",), 2: ("AA'",), 3: ("AAB", "ABA'"), 4: ("AABA", "ABAC", "ABAB'", "AABC"),
}


@dataclass(frozen=True)
class ChordSlot:
    start: int  # ticks
    end: int
    chord: int  # chord_vocab label, relative to the key's tonic

    def pcs(self, key: Key) -> list[int]:
        return cv.pitch_classes(self.chord, key.tonic)


def bar_units(meter: str) -> int:
    num, den = METERS[meter]
    return num * 4 * vp.UNIT // den


def unit_length(bars: int) -> int:
    """Four-bar phrases from 8 bars up; two-bar phrases in shorter sketches."""
    if bars >= 8:
        return 4
    return 2 if bars >= 4 else bars


def form_for(bars: int, rng: np.random.Generator) -> list[str]:
    """Letters per phrase unit; a primed letter (A′) repeats A with a new ending."""
    units = -(-bars // unit_length(bars))
    base = FORMS[min(units, 4)]
    pattern = base[int(rng.integers(len(base)))]
    letters = []
    i = 0
    while i < len(pattern):
        letter = pattern[i]
        if i + 1 < len(pattern) and pattern[i + 1] == "'":
            letter += "'"
            i += 1
        letters.append(letter)
        i += 1
    while len(letters) < units:  # longer sketches: the form again, its last phrase varied
        letters.extend(letters[: units - len(letters)])
    return letters[:units]


# --- chords ---------------------------------------------------------------------------------


def _mode_tag(key: Key) -> int:
    return 1 if key.minorish else 0


@functools.lru_cache(maxsize=64)
def _mode_weights(key: Key) -> np.ndarray:
    weights = np.array([_chord_fits_mode(c, key) for c in range(128)])
    weights.setflags(write=False)
    return weights


def _chord_fits_mode(chord: int, key: Key) -> float:
    """Weight for a chord in this key: diatonic chords 1, dominants with a raised leading note in minor 1,
    other chromatic chords (secondary dominants, borrowed chords) 0.35."""
    pcs = {(p - key.tonic) % 12 for p in cv.pitch_classes(chord, key.tonic)}
    scale = set(key.scale)
    if pcs <= scale:
        return 1.0
    root, quality = cv.parts(chord)
    if key.minorish and root == 7 and quality in ("maj", "dom7"):
        return 1.0
    return 0.35


def plan_chords(model: Model, key: Key, bars: int, bar_ticks: int, ending: str, rng: np.random.Generator,
                two_per_bar: float = 0.3, start_chord: int | None = None) -> list[ChordSlot]:
    """Chords for ``bars`` bars: the progression model's order-2 chain, ending on I (``"full"``) or V (``"half"``)."""
    table = model.tables["chord"]
    tag = _mode_tag(key)
    tonic_chord = cv.label(0, "min" if key.minorish else "maj")
    dominant = cv.label(7, "maj")
    slots_per_bar = [1] * bars
    for b in range(bars - 1):
        if rng.random() < two_per_bar or (b == bars - 2 and rng.random() < 0.5):
            slots_per_bar[b] = 2
    count = sum(slots_per_bar)
    target = tonic_chord if ending == "full" else dominant
    history = [start_chord if start_chord is not None else tonic_chord]
    labels = [history[0]]
    weights_mode = _mode_weights(key)
    for i in range(1, count):
        p = blend(table, history[-2:], tag) * weights_mode
        p[labels[-1]] = 0.0
        if i == count - 1:
            labels.append(target if target != labels[-1] else tonic_chord)
            break
        if i == count - 2:  # the chord before the cadence: what leads into the target in the chorales
            cadence = model.tables["cadence"]
            into = np.array([blend(cadence, [c], tag)[target] for c in range(128)])
            p = p * into
            p[target] = 0.0
        p = p / p.sum()
        labels.append(int(rng.choice(128, p=p)))
        history.append(labels[-1])
    slots = []
    t = 0
    i = 0
    for b, n in enumerate(slots_per_bar):
        cuts = [b * bar_ticks, b * bar_ticks + bar_ticks // 2] if n == 2 else [b * bar_ticks]
        cuts.append((b + 1) * bar_ticks)
        for a, z in itertools.pairwise(cuts):
            slots.append(ChordSlot(a, z, labels[min(i, len(labels) - 1)]))
            i += 1
        t = (b + 1) * bar_ticks
    del t
    return slots


def chord_at(slots: list[ChordSlot], tick: int) -> ChordSlot:
    for s in slots:
        if s.start <= tick < s.end:
            return s
    return slots[-1]


# --- rhythm ---------------------------------------------------------------------------------


def _has_rhythm(model: Model, meter: str) -> bool:
    tag = vp.rhythm_tag(vp.METER_IDS[meter], 0)
    return model.tables["ioi"].lookup(0, context_code([], tag)) is not None


def segments(model: Model, meter: str) -> tuple[tuple[str, int], ...]:
    segs = SEGMENTS.get(meter, (("4/4", 48),))
    out = []
    for m, length in segs:
        if _has_rhythm(model, m):
            out.append((m, length))
        else:  # 12/8 without its own data: two bars of 6/8
            out.extend([("6/8", 36)] * (length // 36) if length % 36 == 0 else [("4/4", length)])
    return tuple(out)


def bar_rhythm(model: Model, meter: str, rhythm: dict[str, RhythmPredictor], density: float,
               rng: np.random.Generator, *, cadence: str = "") -> list[tuple[int, int]]:
    """(offset, inter-onset length) in units for one bar. A cadence bar holds its downbeat long."""
    out: list[tuple[int, int]] = []
    offset = 0
    segs = segments(model, meter)
    total = sum(length for _, length in segs)
    if cadence == "final":
        return [(0, total)]
    for m, length in segs:
        pos = 0
        predictor = rhythm.setdefault(m, RhythmPredictor(model, vp.METER_IDS[m]))
        while pos < length:
            remaining = length - pos
            p = predictor.distribution(pos).copy()
            iois = np.array(vp.IOIS)
            ok = (iois == remaining) | ((iois < remaining) & (remaining - iois >= 3))
            if cadence and offset == 0 and pos == 0:  # a phrase ending: the downbeat note lasts
                ok &= iois >= min(remaining, total // 2)
            elif offset == 0 and pos == 0 and len(segs) == 1:  # other bars move: at least two notes
                ok &= iois < remaining
            p = np.where(ok, p, 0.0)
            p = p * np.exp(-(density - 0.5) * 2.0 * np.log2(iois / vp.UNIT))
            if p.sum() <= 0:
                sym = vp.ioi_symbol(remaining)
            else:
                sym = int(rng.choice(len(p), p=p / p.sum()))
            ioi = min(vp.IOIS[sym], remaining)
            out.append((offset + pos, ioi))
            predictor.observe(sym, pos)
            pos += ioi
        offset += length
    return out


# --- pitches --------------------------------------------------------------------------------


def strength_at(meter: str, offset_units: int) -> int:
    if offset_units == 0:
        return 2
    eighth = vp.UNIT // 2
    if offset_units % eighth == 0 and offset_units // eighth in STRONG_EIGHTHS.get(meter, (0,)):
        return 1
    beat = vp.UNIT * 3 // 2 if meter in ("6/8", "12/8") else (eighth if meter == "7/8" else vp.UNIT)
    return 1 if offset_units % beat == 0 else 0


@dataclass
class LineSettings:
    low: int
    high: int
    centre: float
    density: float = 0.5
    legato: float = 0.9
    energy: float = 0.6
    temperature: float = 0.9
    #: The source's own pitch-class shares (12, summing to 1) when continuing a member's line.
    pc_profile: np.ndarray | None = None


def pick_pitch(predictor: PitchPredictor, key: Key, slot: ChordSlot, strong: int, settings: LineSettings,
               rng: np.random.Generator, *, at_barline: bool, force_pcs: list[int] | None = None,
               lead_in: int | None = None) -> int:
    """One pitch: the model's distribution, shaped by chord, key, register and the cadence at hand."""
    cands = np.arange(settings.low, settings.high + 1)
    p = predictor.distribution(cands, strong)
    pcs = cands % 12
    chord = set(slot.pcs(key))
    in_chord = np.isin(pcs, list(chord))
    in_key = np.isin((pcs - key.tonic) % 12, list(key.scale))
    p = p * np.where(in_key | in_chord, 1.0, 0.15)
    if strong:
        p = p * np.where(in_chord, 2.5 if strong == 2 else 1.8, 0.5)
    p = p * np.exp(-0.5 * ((cands - settings.centre) / 6.0) ** 2)
    if settings.pc_profile is not None:  # the member's own pitch-class habits (their mode, blue notes)
        p = p * (12 * settings.pc_profile[pcs]) ** 0.8
    if predictor.pitches:
        leap = np.abs(cands - predictor.pitches[-1])
        p = p * np.where(leap > 12, 0.02, 1.0)
        if at_barline:  # no big leaps across bar lines (a sixth at most, and that rarely)
            p = p * np.where(leap > 9, 0.0, np.where(leap >= 8, 0.05, 1.0))
    if predictor.pitches:  # folk tunes repeat a note one time in five (more than chord-tone steering leaves);
        # more than twice in a row is rare
        last = predictor.pitches[-1]
        again = 0.4 if len(predictor.pitches) >= 2 and predictor.pitches[-2] == last else 1.6
        p = p * np.where(cands == last, again, 1.0)
    if force_pcs is not None and np.isin(pcs, force_pcs).any():
        p = p * np.isin(pcs, force_pcs)
    if lead_in is not None:  # step into the cadence note
        near = np.min(np.abs(cands[:, None] - (lead_in + np.array([-24, -12, 0, 12, 24]))[None, :]), axis=1)
        p = p * np.where((near >= 1) & (near <= 2), 3.0, np.where(near == 0, 0.7, 0.6))
    p = np.maximum(p, 0) ** (1.0 / settings.temperature)
    if not p.sum() > 0:  # every candidate ruled out (an odd range): the nearest chord tone, then anything
        near = -np.abs(cands - (predictor.pitches[-1] if predictor.pitches else settings.centre))
        p = np.exp(near / 3.0) * np.where(in_chord, 1.0, 0.1)
    p = p / p.sum()
    return int(cands[int(rng.choice(len(cands), p=p))])


def phrase_line(model: Model, key: Key, meter: str, start_tick: int, bars: int, slots: list[ChordSlot],
                predictor: PitchPredictor, rhythm: dict[str, RhythmPredictor], settings: LineSettings,
                rng: np.random.Generator, *, ending: str, final: bool) -> list[Note]:
    """One phrase unit: rhythm bar by bar, then a pitch for each onset; the last bar is the cadence."""
    bar_u = bar_units(meter)
    notes: list[Note] = []
    tonic_pc = key.tonic
    dominant_pcs = [(key.tonic + 7) % 12, (key.tonic + 11) % 12, (key.tonic + 2) % 12]
    for b in range(bars):
        last_bar = b == bars - 1
        cadence = ("final" if final else "phrase") if last_bar else ""
        cells = bar_rhythm(model, meter, rhythm, settings.density, rng, cadence=cadence)
        for i, (offset, ioi) in enumerate(cells):
            tick = start_tick + (b * bar_u + offset) * TICKS_PER_UNIT
            strong = strength_at(meter, offset)
            slot = chord_at(slots, tick - start_tick)
            force = None
            if last_bar and i == 0:
                force = [tonic_pc] if ending == "full" else dominant_pcs
            lead_in = None
            if b == bars - 2 and i == len(cells) - 1 and ending == "full":
                lead_in = tonic_pc + 60
            pitch = pick_pitch(predictor, key, slot, strong, settings, rng, at_barline=offset == 0, force_pcs=force,
                               lead_in=lead_in)
            predictor.observe(pitch, strong)
            length = ioi * TICKS_PER_UNIT
            sounding = length if (last_bar and i == 0 and final) else max(TICKS_PER_UNIT * 2,
                                                                          int(length * settings.legato))
            accent = 10 if strong == 2 else (5 if strong == 1 else 0)
            vel = int(np.clip(56 + settings.energy * 40 + accent + rng.integers(-6, 7), 30, 120))
            notes.append(Note(tick, sounding, pitch, vel))
    return notes


def transpose_notes(notes: list[Note], shift_ticks: int) -> list[Note]:
    return [Note(n.start + shift_ticks, n.dur, n.pitch, n.vel) for n in notes]


@dataclass
class Composition:
    notes: list[Note]
    slots: list[ChordSlot]
    form: list[str]


def compose(model: Model, key: Key, meter: str, bars: int, settings: LineSettings, rng: np.random.Generator,
            *, two_per_bar: float = 0.3, predictor: PitchPredictor | None = None,
            rhythm: dict[str, RhythmPredictor] | None = None, form: list[str] | None = None,
            start_chord: int | None = None) -> Composition:
    """A melody of ``bars`` bars with its chords, in a form of phrase units."""
    bar_ticks = bar_units(meter) * TICKS_PER_UNIT
    unit = unit_length(bars)
    letters = form or form_for(bars, rng)
    predictor = predictor or PitchPredictor(model, key.tonic, "minor" if key.minorish else "major", short_term=False)
    rhythm = rhythm if rhythm is not None else {}
    made: dict[str, tuple[list[Note], list[ChordSlot], int]] = {}
    notes: list[Note] = []
    slots: list[ChordSlot] = []
    previous_chord = start_chord
    for u, letter in enumerate(letters):
        start_bar = u * unit
        length = min(unit, bars - start_bar)
        final = u == len(letters) - 1
        ending = "full" if final or u % 2 == 1 else "half"
        base = letter.rstrip("'")
        start = start_bar * bar_ticks
        reuse = made.get(base)
        if reuse is not None and reuse[2] == length and not letter.endswith("'") and not final:
            old_notes, old_slots, _ = reuse
            shift = start - old_slots[0].start
            copied = transpose_notes(old_notes, shift)
            for n in copied:
                predictor.observe(n.pitch, strength_at(meter, ((n.start % bar_ticks) // TICKS_PER_UNIT)))
            notes.extend(copied)
            slots.extend(ChordSlot(s.start + shift, s.end + shift, s.chord) for s in old_slots)
            previous_chord = old_slots[-1].chord
            continue
        if reuse is not None and reuse[2] == length:
            # A′: the opening of A again, then a new continuation and ending
            old_notes, old_slots, _ = reuse
            shift = start - old_slots[0].start
            # the opening bar or two return (antecedent / consequent), then a new continuation
            keep_bars = max(1, length // 4) if rng.random() < 0.5 else max(1, length // 2)
            cut = old_slots[0].start + keep_bars * bar_ticks
            kept = transpose_notes([n for n in old_notes if n.start < cut], shift)
            for n in kept:
                predictor.observe(n.pitch, strength_at(meter, ((n.start % bar_ticks) // TICKS_PER_UNIT)))
            kept_slots = [ChordSlot(s.start + shift, s.end + shift, s.chord) for s in old_slots if s.start < cut]
            rest = plan_chords(model, key, length - keep_bars, bar_ticks, ending, rng, two_per_bar,
                               start_chord=kept_slots[-1].chord)
            rest = [ChordSlot(s.start + cut + shift, s.end + cut + shift, s.chord) for s in rest]
            local = [ChordSlot(s.start - start, s.end - start, s.chord) for s in kept_slots + rest]
            new = phrase_line(model, key, meter, start + keep_bars * bar_ticks, length - keep_bars,
                              [ChordSlot(s.start - keep_bars * bar_ticks, s.end - keep_bars * bar_ticks, s.chord)
                               for s in local], predictor, rhythm, settings, rng, ending=ending, final=final)
            notes.extend(kept + new)
            slots.extend(kept_slots + rest)
            previous_chord = slots[-1].chord
            continue
        local_slots = plan_chords(model, key, length, bar_ticks, ending, rng, two_per_bar,
                                  start_chord=None if u == 0 else _opening_after(previous_chord, key))
        line = phrase_line(model, key, meter, start, length, local_slots, predictor, rhythm, settings, rng,
                           ending=ending, final=final)
        placed = [ChordSlot(s.start + start, s.end + start, s.chord) for s in local_slots]
        made[base] = (line, placed, length)
        notes.extend(line)
        slots.extend(placed)
        previous_chord = placed[-1].chord
    return Composition(notes, slots, letters)


def _opening_after(previous: int | None, key: Key) -> int:
    """A new phrase opens on the tonic chord (after a half cadence too)."""
    return cv.label(0, "min" if key.minorish else "maj")
