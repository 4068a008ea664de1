"""Harmony and the supporting parts: chords, bass, arpeggio, pad and counter-melody.

Each genre gets its own comping rhythm and bass figure; chord voicings move to the
nearest inversion so the inner voices glide instead of jumping.
"""

from __future__ import annotations

import numpy as np

from generators.music.melody_line import Harmony, bar_sixteenths, strong_offsets
from generators.music.score import SIXTEENTH, Note, Part
from generators.music.theory import BASS, PROGRESSIONS, Key, chord_pitches

JAZZY = frozenset({"jazz", "lofi", "bossa-nova"})

#: Comping onsets (sixteenth, length) per genre for 4/4; other meters use the fallback.
COMPING: dict[str, tuple[tuple[int, int], ...]] = {
    "pop": ((0, 4), (4, 4), (8, 4), (12, 4)),
    "rock": ((0, 2), (2, 2), (4, 2), (6, 2), (8, 2), (10, 2), (12, 2), (14, 2)),
    "hip-hop": ((0, 6), (6, 10)),
    "house": ((2, 1), (6, 1), (10, 1), (14, 1)),
    "lofi": ((0, 7), (7, 9)),
    "jazz": ((0, 3), (6, 4)),
    "bossa-nova": ((0, 3), (3, 3), (6, 4), (10, 3), (13, 3)),
    "breakbeat": ((0, 3), (3, 5), (10, 6)),
    "reggaeton": ((0, 3), (3, 3), (6, 2), (8, 3), (11, 3), (14, 2)),
    "funk": ((0, 1), (3, 1), (6, 1), (10, 1), (12, 1), (14, 1)),
    "folk": ((0, 4), (4, 4), (8, 4), (12, 4)),
    "ambient": ((0, 16),),
    "classical": ((0, 8), (8, 8)),
}
#: Bass figures: (sixteenth, length, chord degree index: 0 root, 1 third, 2 fifth, 3 octave).
BASS_FIGURES: dict[str, tuple[tuple[int, int, int], ...]] = {
    "pop": ((0, 6, 0), (6, 2, 0), (8, 6, 2), (14, 2, 0)),
    "rock": tuple((i * 2, 2, 0) for i in range(8)),
    "hip-hop": ((0, 6, 0), (10, 2, 0), (12, 4, 2)),
    "house": ((2, 2, 0), (6, 2, 0), (10, 2, 3), (14, 2, 0)),
    "lofi": ((0, 8, 0), (10, 6, 2)),
    "bossa-nova": ((0, 6, 0), (6, 2, 2), (8, 6, 2), (14, 2, 0)),
    "breakbeat": ((0, 3, 0), (3, 3, 0), (10, 4, 2), (14, 2, 3)),
    "reggaeton": ((0, 3, 0), (3, 3, 0), (8, 3, 2), (11, 3, 2)),
    "funk": ((0, 2, 0), (3, 1, 3), (6, 2, 0), (10, 1, 2), (12, 2, 0), (14, 1, 3)),
    "folk": ((0, 8, 0), (8, 8, 2)),
    "ambient": ((0, 16, 0),),
    "classical": ((0, 8, 0), (8, 8, 2)),
}
CHORD_PROGRAM = {"pop": 0, "rock": 29, "hip-hop": 4, "house": 81, "lofi": 4, "jazz": 0, "bossa-nova": 24,
                 "breakbeat": 4, "reggaeton": 81, "funk": 4, "folk": 25, "ambient": 89, "classical": 48}
BASS_KIND = {"jazz": "acoustic", "bossa-nova": "acoustic", "folk": "acoustic", "classical": "acoustic",
             "house": "synth", "reggaeton": "synth", "ambient": "synth"}


def plan_harmony(key: Key, bars: int, genre: str, rng: np.random.Generator) -> Harmony:
    """A chord per bar from the mode's progressions, with a cadence into the tonic at the end."""
    options = PROGRESSIONS[key.mode]
    first = options[int(rng.integers(len(options)))]
    second = options[int(rng.integers(len(options)))]
    roots: list[int] = []
    while len(roots) < bars:
        roots.extend(first if (len(roots) // 4) % 2 == 0 else second)
    roots = roots[:bars]
    if bars >= 2:
        roots[-1] = 0
        roots[-2] = 4 if key.mode not in ("mixolydian", "phrygian", "lydian") else roots[-2]
        if bars >= 3 and roots[-3] == 4:
            roots[-3] = 3
    if bars >= 8 and bars % 8 == 0:
        for half in range(3, bars - 1, 8):  # half cadence mid-way: V at the end of the first phrase
            roots[half] = 4
    return Harmony(tuple(roots), sevenths=genre in JAZZY)


def _voicing(pitches: list[int], previous: list[int] | None, low: int = 48, high: int = 67) -> list[int]:
    """The inversion of ``pitches`` closest to the previous chord (smooth voice leading)."""
    pcs = sorted({p % 12 for p in pitches})
    candidates = []
    for base in range(low, high - 6):
        voiced = sorted(base + ((pc - base) % 12) for pc in pcs)
        if voiced[-1] <= high:
            candidates.append(voiced)
    if not candidates:
        return sorted(pitches)
    if previous is None:
        centre = (low + high) / 2
        return min(candidates, key=lambda v: abs(sum(v) / len(v) - centre))
    return min(candidates, key=lambda v: (_distance(v, previous), v))


def _distance(a: list[int], b: list[int]) -> int:
    return sum(min(abs(x - y) for y in b) for x in a) + sum(min(abs(x - y) for x in a) for y in b)


def _chord_tones(key: Key, harmony: Harmony, bar: int, bars: int, octave_c: int = 48) -> list[int]:
    root = harmony.roots[bar % len(harmony.roots)]
    cadential = bar == bars - 2 and root % 7 == 4
    return chord_pitches(key, root, seventh=harmony.has_seventh(bar), leading=cadential or root % 7 == 4,
                         octave_c=octave_c)


def voicings(key: Key, harmony: Harmony, bars: int) -> list[list[int]]:
    out: list[list[int]] = []
    previous = None
    for bar in range(bars):
        v = _voicing(_chord_tones(key, harmony, bar, bars), previous)
        out.append(v)
        previous = v
    return out


def _scaled(pattern: tuple, meter: str) -> tuple:
    """Fit a 4/4 pattern (in sixteenths) into a shorter bar by keeping what starts inside it."""
    length = bar_sixteenths(meter)
    if length == 16:
        return pattern
    if meter in ("6/8", "12/8"):
        return tuple((start, 6, *pattern[0][2:]) for start in range(0, length, 6))
    if length > 16:  # 5/4: the 4/4 figure, then its opening again in the extra beat
        extra = tuple((16 + p[0], min(p[1], length - 16 - p[0]), *p[2:]) for p in pattern if p[0] < length - 16)
        return pattern + extra
    kept = tuple((*p[:1], min(p[1], length - p[0]), *p[2:]) for p in pattern if p[0] < length)
    return kept or ((0, length, *pattern[0][2:]),)


def chords_part(key: Key, harmony: Harmony, meter: str, bars: int, genre: str, energy: float,
                rng: np.random.Generator) -> Part:
    bar_len = bar_sixteenths(meter)
    pattern = _scaled(COMPING.get(genre, COMPING["pop"]), meter)
    vel = int(48 + energy * 30)
    notes = []
    for bar, voiced in enumerate(voicings(key, harmony, bars)):
        if bar == bars - 1 and bars > 1:
            hits = ((0, bar_len),)
        else:
            hits = pattern
        for start, length in hits:
            for p in voiced:
                v = int(np.clip(vel + rng.integers(-4, 5) + (6 if start == 0 else 0), 25, 115))
                notes.append(Note((bar * bar_len + start) * SIXTEENTH, max(1, length * SIXTEENTH - 10), p, v))
    return Part("chords", CHORD_PROGRAM.get(genre, 0), notes, 1, "chords")


def bass_part(key: Key, harmony: Harmony, meter: str, bars: int, genre: str, energy: float,
              rng: np.random.Generator) -> Part:
    inst = BASS[BASS_KIND.get(genre, "electric")]
    bar_len = bar_sixteenths(meter)
    vel = int(70 + energy * 30)
    notes = []
    for bar in range(bars):
        tones = _chord_tones(key, harmony, bar, bars, octave_c=36)
        root = tones[0]
        while root > 47:
            root -= 12
        while root < 28:
            root += 12
        degrees = [root, root + (tones[1] - tones[0]), root + (tones[2] - tones[0]), root + 12]
        if genre == "jazz" and meter != "6/8":
            figure = _walking(degrees, key, harmony, bar, bars, meter)
        elif bar == bars - 1 and bars > 1:
            figure = ((0, bar_len, degrees[0]),)
        else:
            shape = _scaled(BASS_FIGURES.get(genre, BASS_FIGURES["pop"]), meter)
            figure = tuple((a, b, degrees[i]) for a, b, i in shape)
        for start, length, pitch in figure:
            pitch = max(inst.low, min(inst.high, pitch))
            v = int(np.clip(vel + rng.integers(-5, 6) + (8 if start == 0 else 0), 30, 120))
            notes.append(Note((bar * bar_len + start) * SIXTEENTH, max(1, length * SIXTEENTH - 20), pitch, v))
    return Part("bass", inst.program, notes, 2, inst.name)


def _walking(degrees: list[int], key: Key, harmony: Harmony, bar: int, bars: int, meter: str) -> tuple:
    """Walking bass: root, chord tones, then a chromatic approach to the next bar's root."""
    beats = bar_sixteenths(meter) // 4
    nxt = _chord_tones(key, harmony, min(bar + 1, bars - 1), bars, octave_c=36)[0]
    while nxt > 47:
        nxt -= 12
    while nxt < 28:
        nxt += 12
    line = [degrees[0], degrees[1], degrees[2], nxt + (1 if nxt < degrees[2] else -1)][:beats]
    if beats == 3:
        line = [degrees[0], degrees[2], nxt + (1 if nxt < degrees[2] else -1)]
    if bar == bars - 1:
        line = [degrees[0]] * beats
    return tuple((i * 4, 4, p) for i, p in enumerate(line))


def arpeggio_part(key: Key, harmony: Harmony, meter: str, bars: int, energy: float,
                  rng: np.random.Generator, program: int = 46) -> Part:
    """Broken chords in sixteenths (eighths in slow triple meters), rising then falling."""
    bar_len = bar_sixteenths(meter)
    step = 2
    vel = int(50 + energy * 30)
    notes = []
    for bar, voiced in enumerate(voicings(key, harmony, bars)):
        tones = [p + 12 for p in voiced] + [voiced[0] + 24]
        shape = tones + tones[-2:0:-1]
        for i, start in enumerate(range(0, bar_len, step)):
            p = shape[i % len(shape)]
            v = int(np.clip(vel + (8 if start % 4 == 0 else 0) + rng.integers(-4, 5), 25, 115))
            notes.append(Note((bar * bar_len + start) * SIXTEENTH, step * SIXTEENTH - 12, p, v))
    return Part("arpeggio", program, notes, 4, "arpeggio")


def pad_part(key: Key, harmony: Harmony, meter: str, bars: int, energy: float, program: int = 89) -> Part:
    """Sustained chords, one per bar, held across the bar line for a soft bed."""
    bar_len = bar_sixteenths(meter) * SIXTEENTH
    notes = []
    for bar, voiced in enumerate(voicings(key, harmony, bars)):
        for p in voiced:
            notes.append(Note(bar * bar_len, bar_len - 5, p, int(40 + energy * 25)))
    return Part("pad", program, notes, 5, "pad")


def counter_melody(melody: list[Note], key: Key, harmony: Harmony, meter: str, bars: int,
                   rng: np.random.Generator, program: int = 71) -> Part:
    """A slower second voice: chord tones a third to a sixth under the melody on strong beats, moving smoothly."""
    bar_len = bar_sixteenths(meter) * SIXTEENTH
    strong = [o * SIXTEENTH for o in strong_offsets(meter)]
    notes = []
    previous = None
    for bar in range(bars):
        for i, offset in enumerate(strong):
            t = bar * bar_len + offset
            end = bar * bar_len + (strong[i + 1] if i + 1 < len(strong) else bar_len)
            sounding = [n for n in melody if n.start <= t < n.end] or [n for n in melody if t <= n.start < end]
            tones = harmony.tones(bar)
            if sounding:
                top = sounding[0].pitch
                deg = key.degree_of(top) - 2
                options = [d for d in range(deg - 5, deg + 1) if d % 7 in tones]
            else:
                options = [d for d in range(-5, 3) if d % 7 in tones]
            if not options:
                continue
            if previous is None:
                deg = options[-1]
            else:
                deg = min(options, key=lambda d: (abs(key.pitch(d) - previous), d))
            pitch = key.pitch(deg)
            if sounding and pitch >= sounding[0].pitch:
                pitch -= 12
            pitch = max(48, min(79, pitch))
            previous = pitch
            notes.append(Note(t, end - t - 20, pitch, int(58 + rng.integers(-4, 5))))
    return Part("counter-melody", program, notes, 3, "counter-melody")
