"""From a /melody spec to a multi-part :class:`Score`: melody, chords, bass, and drums when the genre wants them.

Options win; mood words in the prompt fill what the options leave open; the seed
decides the rest.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from generators.base import GeneratorError
from generators.music import accompany, chord_vocab, comping, drums, learned, phrases
from generators.music.mood import GENRE_TRAITS, Mood, canonical_genre, read_mood
from generators.music.phrases import LineSettings
from generators.music.score import METERS, PPQ, Note, Part, Score
from generators.music.theory import INSTRUMENT_ALIASES, INSTRUMENTS, Instrument, Key, fit_range, note_name, parse_key

GENRE_INSTRUMENT = {"lofi": "electric-piano", "jazz": "saxophone", "bossa-nova": "flute", "house": "synth-lead",
                    "classical": "violin", "ambient": "vibraphone", "folk": "nylon-guitar", "funk": "electric-piano",
                    "hip-hop": "electric-piano", "reggaeton": "synth-lead", "breakbeat": "synth-lead",
                    "rock": "electric-guitar"}
_DEFAULT_MODES = ("major", "minor", "major", "minor", "dorian", "mixolydian")


@dataclass(frozen=True)
class Plan:
    key: Key
    tempo: int
    meter: str
    bars: int
    genre: str
    instrument: Instrument
    mood: Mood
    swing: float
    drums: bool


def instrument_named(name: str | None) -> Instrument | None:
    if not name:
        return None
    word = str(name).strip().lower().replace(" ", "-").replace("_", "-")
    word = INSTRUMENT_ALIASES.get(word, word)
    if word not in INSTRUMENTS:
        raise GeneratorError(f"instrument must be one of {', '.join(INSTRUMENTS)}; got '{str(name)[:30]}'")
    return INSTRUMENTS[word]


def plan(spec: Mapping[str, Any], rng: np.random.Generator) -> Plan:
    """Settle key, tempo, meter, bars, genre and instrument."""
    mood = read_mood(spec.get("prompt"))
    genre = canonical_genre(spec.get("genre")) or mood.genre or "pop"
    traits = GENRE_TRAITS[genre]
    if spec.get("key"):
        key = parse_key(str(spec["key"]))
    else:
        modes = mood.modes or _DEFAULT_MODES
        mode = modes[int(rng.integers(len(modes)))]
        tonic = int(rng.integers(12))
        key = Key(tonic, mode, note_name(tonic, mode))
    if spec.get("tempo"):
        tempo = int(spec["tempo"])
    else:
        base = float(traits["tempo"])  # type: ignore[arg-type]
        if mood.tempo is not None:
            base = (base + mood.tempo) / 2 if (spec.get("genre") or mood.genre) else mood.tempo
        tempo = int(np.clip(round(base + rng.integers(-4, 5)), 40, 240))
    meter = str(spec.get("meter") or "4/4")
    if meter not in METERS:
        raise GeneratorError(f"meter must be one of {', '.join(METERS)}; got '{meter[:10]}'")
    bars = int(spec.get("bars") or 8)
    if not 1 <= bars <= 32:
        raise GeneratorError(f"bars must be 1–32, got {bars}")
    instrument = (instrument_named(spec.get("instrument")) or instrument_named(mood.instrument)
                  or INSTRUMENTS[GENRE_INSTRUMENT.get(genre, "piano")])
    swing = mood.swing if mood.swing is not None else float(traits["swing"])  # type: ignore[arg-type]
    return Plan(key, tempo, meter, bars, genre, instrument, mood, swing, bool(traits["drums"]))


def melody_octave(p: Plan) -> int:
    """``octave_c`` for :meth:`Key.pitch` so the melody centres near C5 (above the chords), inside the range."""
    target = 72 + 12 * p.mood.register
    target = max(p.instrument.low + 9, min(p.instrument.high - 9, target))
    return 12 * round((target - 4 - p.key.tonic) / 12)


def apply_swing(notes: list[Note], amount: float) -> list[Note]:
    """Delay off-beat eighths towards the triplet position (``amount`` 1.0 = full triplet swing)."""
    if amount <= 0:
        return notes
    shift = round(amount * PPQ / 6)
    out = []
    for n in notes:
        if n.start % PPQ == PPQ // 2:
            out.append(replace(n, start=n.start + shift, dur=max(1, n.dur - shift)))
        elif (n.start + n.dur) % PPQ == PPQ // 2 and n.dur > shift:
            out.append(replace(n, dur=n.dur + shift))
        else:
            out.append(n)
    return out


def keep_in_range(notes: list[Note], inst: Instrument) -> list[Note]:
    shift = fit_range([n.pitch for n in notes], inst.low, inst.high)
    out = []
    for n in notes:
        p = n.pitch + shift
        while p > inst.high:
            p -= 12
        while p < inst.low:
            p += 12
        out.append(replace(n, pitch=p))
    return out


@dataclass(frozen=True)
class SketchInfo:
    """What the learned model decided, for the result text and the description."""

    form: tuple[str, ...]
    chords: tuple[str, ...]  # one name per chord change, e.g. "Dm", "A7"
    romans: tuple[str, ...]


#: Chord instruments to switch to when the lead would otherwise share its program with the chords.
_OTHER_CHORD_PROGRAMS = (0, 4, 24, 48, 89)


def melody_settings(p: Plan) -> LineSettings:
    """The lead's range: centred an octave above middle C, moved by register words, inside the instrument."""
    inst = p.instrument
    centre = 72 + 12 * p.mood.register
    centre = max(inst.low + 7, min(inst.high - 7, centre))
    low, high = max(inst.low, centre - 12), min(inst.high, centre + 12)
    return LineSettings(low, high, float(centre), density=p.mood.density, legato=p.mood.legato, energy=p.mood.energy)


def compose_sketch(spec: Mapping[str, Any], seed: int) -> tuple[Score, SketchInfo]:
    rng = np.random.default_rng(seed)
    p = plan(spec, rng)
    model = learned.load()
    two = 0.15 if p.genre in ("ambient", "house", "hip-hop") else 0.35
    made = phrases.compose(model, p.key, p.meter, p.bars, melody_settings(p), rng, two_per_bar=two)
    melody = apply_swing(made.notes, p.swing)
    parts = [Part("melody", p.instrument.program, melody, 0, p.instrument.name)]
    chord_program = accompany.CHORD_PROGRAM.get(p.genre, 0)
    if chord_program == p.instrument.program:
        chord_program = next(c for c in _OTHER_CHORD_PROGRAMS if c != p.instrument.program)
    chords = comping.chords_part(made.slots, p.key, p.meter, p.bars, p.genre, p.mood.energy, rng, chord_program)
    chords.notes = apply_swing(chords.notes, p.swing)
    parts.append(comping.keep_under(chords, melody))
    bass = comping.bass_part(made.slots, p.key, p.meter, p.bars, p.genre, p.mood.energy, rng)
    bass.notes = apply_swing(bass.notes, p.swing)
    parts.append(bass)
    if p.drums:
        parts.append(drums.drums_part(p.genre, p.meter, p.bars, rng, energy=p.mood.energy))
    changes = [s for i, s in enumerate(made.slots) if i == 0 or s.chord != made.slots[i - 1].chord]
    mode = "minor" if p.key.minorish else "major"
    info = SketchInfo(tuple(made.form), tuple(comping.chord_name(s, p.key) for s in changes),
                      tuple(chord_vocab.roman(s.chord, mode) for s in changes))
    score = Score(p.key, p.tempo, p.meter, p.bars, parts, genre=p.genre, swing=p.swing, models=(dict(model.credit),))
    return score, info


def compose(spec: Mapping[str, Any], seed: int) -> Score:
    return compose_sketch(spec, seed)[0]
