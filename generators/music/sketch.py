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
from generators.music import accompany, drums
from generators.music.melody_line import compose_melody, to_notes
from generators.music.mood import GENRE_TRAITS, Mood, canonical_genre, read_mood
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


def compose(spec: Mapping[str, Any], seed: int) -> Score:
    rng = np.random.default_rng(seed)
    p = plan(spec, rng)
    harmony = accompany.plan_harmony(p.key, p.bars, p.genre, rng)
    line = compose_melody(p.key, p.meter, p.bars, harmony, density=p.mood.density, rng=rng)
    melody = to_notes(line, p.key, octave_c=melody_octave(p), legato=p.mood.legato, energy=p.mood.energy, rng=rng)
    melody = keep_in_range(apply_swing(melody, p.swing), p.instrument)
    parts = [Part("melody", p.instrument.program, melody, 0, p.instrument.name)]
    chords = accompany.chords_part(p.key, harmony, p.meter, p.bars, p.genre, p.mood.energy, rng)
    chords.notes = apply_swing(chords.notes, p.swing)
    parts.append(chords)
    bass = accompany.bass_part(p.key, harmony, p.meter, p.bars, p.genre, p.mood.energy, rng)
    bass.notes = apply_swing(bass.notes, p.swing)
    parts.append(bass)
    if p.drums:
        parts.append(drums.drums_part(p.genre, p.meter, p.bars, rng, energy=p.mood.energy))
    return Score(p.key, p.tempo, p.meter, p.bars, parts, genre=p.genre, swing=p.swing)
