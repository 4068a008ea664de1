"""Compose a melody the way songwriters sketch one: a one-bar motif, answered, sequenced, resolved.

Phrases are four bars: motif, answer, motif moved to the new chord (same contour), and a
cadence bar.  The line moves mostly by step, lands on chord tones on strong beats, and
the final bar holds the tonic from the downbeat.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np

from generators.music.score import SIXTEENTH, STRONG_EIGHTHS, Note, bar_ticks_of
from generators.music.theory import Key

#: One-bar rhythm cells in sixteenths, from sparse to busy, per meter.
CELLS: dict[str, tuple[tuple[int, ...], ...]] = {
    "4/4": ((8, 8), (4, 4, 8), (8, 4, 4), (6, 2, 8), (4, 4, 4, 4), (6, 2, 4, 4), (4, 2, 2, 4, 4),
            (3, 3, 2, 4, 4), (2, 2, 4, 4, 4), (4, 2, 2, 2, 2, 4), (2, 2, 2, 2, 4, 4), (2, 2, 2, 2, 2, 2, 4)),
    "3/4": ((8, 4), (4, 8), (4, 4, 4), (6, 2, 4), (4, 2, 2, 4), (2, 2, 4, 4), (2, 2, 2, 2, 4)),
    "6/8": ((6, 6), (4, 2, 6), (6, 4, 2), (4, 2, 4, 2), (2, 2, 2, 6), (6, 2, 2, 2), (2, 2, 2, 4, 2)),
}
#: Cadence-bar cells: a long last note.
CADENCE: dict[str, tuple[tuple[int, ...], ...]] = {
    "4/4": ((4, 4, 8), (8, 8), (2, 2, 4, 8)),
    "3/4": ((4, 8), (8, 4), (2, 2, 8)),
    "6/8": ((4, 2, 6), (6, 6), (2, 2, 2, 6)),
}
_STEP_CHOICES = np.array([-2, -1, 0, 1, 2, -3, 3, -4, 4])
_STEP_WEIGHTS = np.array([0.08, 0.37, 0.04, 0.37, 0.08, 0.02, 0.02, 0.01, 0.01])


@dataclass(frozen=True)
class Harmony:
    """One chord per bar, as root scale degrees; ``sevenths`` marks jazzier voicings throughout,
    ``seventh_bars`` the bars where a harmonisation added the seventh to fit the melody."""

    roots: tuple[int, ...]
    sevenths: bool = False
    seventh_bars: frozenset[int] = frozenset()

    def has_seventh(self, bar: int) -> bool:
        return self.sevenths or bar in self.seventh_bars

    def tones(self, bar: int) -> set[int]:
        root = self.roots[bar % len(self.roots)]
        tones = {root % 7, (root + 2) % 7, (root + 4) % 7}
        if self.has_seventh(bar):
            tones.add((root + 6) % 7)
        return tones


def strong_offsets(meter: str) -> tuple[int, ...]:
    """Strong beats of a bar in sixteenths."""
    return tuple(2 * e for e in STRONG_EIGHTHS.get(meter, (0,)))


def bar_sixteenths(meter: str) -> int:
    return bar_ticks_of(meter) // SIXTEENTH


def _pick_cell(meter: str, density: float, rng: np.random.Generator) -> tuple[int, ...]:
    cells = CELLS[meter]
    n = len(cells)
    centre = density * (n - 1)
    weights = np.exp(-0.5 * ((np.arange(n) - centre) / max(1.0, n / 4)) ** 2)
    return cells[int(rng.choice(n, p=weights / weights.sum()))]


def _nearest_chord_tone(degree: int, tones: set[int]) -> int:
    for delta in (0, 1, -1, 2, -2, 3):
        if (degree + delta) % 7 in tones:
            return degree + delta
    return degree


def _chance(rng: np.random.Generator, p: float = 0.9) -> bool:
    return bool(rng.random() < p)


class _Walker:
    """A random walk in scale degrees that prefers steps and drifts back to its centre."""

    def __init__(self, rng: np.random.Generator, centre: int, spread: int = 5) -> None:
        self.rng = rng
        self.centre = centre
        self.spread = spread
        self.last_step = 0

    def _weights(self, degree: int) -> np.ndarray:
        pull = (degree - self.centre) / self.spread
        weights = _STEP_WEIGHTS * np.exp(-pull * _STEP_CHOICES * 0.6)
        return weights / weights.sum()

    def next(self, degree: int, tones: set[int] | None = None, passing: set[int] | None = None) -> int:
        """The next degree.

        With ``tones`` (a strong beat) it lands on a chord tone, by step when it can; with
        ``passing`` (the note before a strong beat) it steps onto a non-chord tone so the
        strong beat can be reached by step too.
        """
        if passing is not None and _chance(self.rng):
            options = [s for s in (-1, 1) if (degree + s) % 7 not in passing]
            if options:
                weights = self._weights(degree)[[int(np.flatnonzero(_STEP_CHOICES == s)[0]) for s in options]]
                step = int(self.rng.choice(options, p=weights / weights.sum()))
                self.last_step = step
                return degree + step
        if tones is not None:
            options = [s for s in (-1, 1, 0, -2, 2, -3, 3) if (degree + s) % 7 in tones]
            weights = self._weights(degree)[[int(np.flatnonzero(_STEP_CHOICES == s)[0]) for s in options]]
            step = int(self.rng.choice(options, p=weights / weights.sum()))
        elif abs(self.last_step) >= 3:  # after a leap, step back the other way
            step = -1 if self.last_step > 0 else 1
        else:
            step = int(self.rng.choice(_STEP_CHOICES, p=self._weights(degree)))
        self.last_step = step
        return degree + step


def _line(cell: tuple[int, ...], previous: int, walker: _Walker, tones: set[int],
          meter: str) -> list[tuple[int, int, int]]:
    """(offset, length, degree) for one bar: a walk from ``previous`` landing on chord tones on strong beats."""
    strong = strong_offsets(meter)
    out = []
    offset = 0
    degree = previous
    bar_len = bar_sixteenths(meter)
    for length in cell:
        before_strong = offset not in strong and (offset + length) % bar_len in strong
        # the downbeat always takes a chord tone; the mid-bar beat may pass through by step
        on_chord = offset == 0 or (offset in strong and walker.rng.random() < 0.6)
        degree = walker.next(degree, tones if on_chord else None, tones if before_strong else None)
        out.append((offset, length, degree))
        offset += length
    return out


def compose_melody(key: Key, meter: str, bars: int, harmony: Harmony, *, density: float,
                   rng: np.random.Generator, centre: int = 2, motif: list[tuple[int, int, int]] | None = None,
                   after: int | None = None) -> list[tuple[int, int, int, int]]:
    """The melody as (start sixteenth, length in sixteenths, scale degree, accent 0/1).

    With ``motif`` (a one-bar (offset, length, degree) line) and ``after`` (the degree it
    follows) it develops that motif instead of inventing one: used by /continue.
    """
    walker = _Walker(rng, centre)
    bar_len = bar_sixteenths(meter)
    developing = motif is not None
    if motif is None:
        motif_cell = _pick_cell(meter, density, rng)
        start = centre + int(rng.integers(-2, 3))
        # the motif comes back three times in eight bars: keep the most singable (stepwise) of a few tries
        tries = [_line(motif_cell, start, walker, harmony.tones(0), meter) for _ in range(4)]
        motif = max(tries, key=_stepwise)
    else:
        motif = _moved_motif(motif, harmony.tones(0), motif[0][2] if after is None else after, rng,
                             vary=False, sequence=True)
    out: list[tuple[int, int, int, int]] = []
    last = motif[-1][2]
    for bar in range(bars):
        phrase_pos = bar % 4
        tones = harmony.tones(bar)
        # answering phrases sit higher, as a song's second line climbs
        walker.centre = centre + (3 if (bar // 4) % 2 == 1 else 0)
        final = bar == bars - 1
        if final and bars > 1:
            notes = _final_bar(meter, last, rng)
        elif bars == 1:
            notes = _single_bar(meter, motif[0][2], walker, tones)
        elif bar == 0:
            notes = list(motif)
        elif developing and phrase_pos == 2:
            notes = _moved_motif(_inverted(motif), tones, last, rng, vary=True)
        elif phrase_pos in (0, 2):
            notes = _moved_motif(motif, tones, last, rng, vary=phrase_pos == 2 and bar >= 8,
                                 sequence=phrase_pos == 2)
        elif phrase_pos == 3:
            cell = CADENCE[meter][int(rng.integers(len(CADENCE[meter])))]
            notes = _line(cell, last, walker, tones, meter)
            o, length, d = notes[-1]
            notes[-1] = (o, length, _nearest_chord_tone(d, tones))
        else:
            cell = _pick_cell(meter, density, rng)
            notes = _line(cell, last, walker, tones, meter)
        if bar == bars - 2 and bars > 1:
            # lead into the final tonic by step: supertonic or leading note
            o, length, d = notes[-1]
            target = min((1, -1, 8, 6), key=lambda t: abs(t - d))
            notes[-1] = (o, length, target)
        for offset, length, degree in notes:
            accent = 1 if offset in strong_offsets(meter) else 0
            out.append((bar * bar_len + offset, length, degree, accent))
        last = notes[-1][2]
    return out


def _inverted(motif: list[tuple[int, int, int]]) -> list[tuple[int, int, int]]:
    """Mirror the motif's intervals around its first note (a classic development)."""
    first = motif[0][2]
    return [(o, length, 2 * first - d) for o, length, d in motif]


def _stepwise(notes: list[tuple[int, int, int]]) -> float:
    moves = [abs(b[2] - a[2]) for a, b in itertools.pairwise(notes)]
    return sum(m == 1 for m in moves) / max(1, len(moves))


def _moved_motif(motif: list[tuple[int, int, int]], tones: set[int], last: int, rng: np.random.Generator,
                 *, vary: bool, sequence: bool = False) -> list[tuple[int, int, int]]:
    """The motif transposed (whole line, so the contour is kept) so its first note fits the chord.

    A ``sequence`` moves it at least a third from where it first sat, for variety.
    """
    first = motif[0][2]
    candidates = [d for d in range(last - 2, last + 3) if d % 7 in tones and d != last] or [last]
    if sequence:
        moved = [d for d in range(last - 3, last + 4) if d % 7 in tones and abs(d - first) >= 2]
        candidates = moved or candidates
    target = min(candidates, key=lambda d: (abs(d - last), abs(d - first)))
    shift = target - first
    notes = [(o, length, d + shift) for o, length, d in motif]
    if vary and len(notes) >= 2 and rng.random() < 0.5:
        # rhythmic variation: split the longest note into two of the same pitch
        i = max(range(len(notes)), key=lambda k: notes[k][1])
        o, length, d = notes[i]
        if length >= 4 and length % 2 == 0:
            notes[i : i + 1] = [(o, length // 2, d), (o + length // 2, length // 2, d)]
    return notes


def _single_bar(meter: str, start: int, walker: _Walker, tones: set[int]) -> list[tuple[int, int, int]]:
    """A one-bar sketch: a short cell that still ends on the tonic on a strong beat."""
    cell = {"4/4": (4, 4, 8), "6/8": (4, 2, 6), "3/4": (12,)}[meter]
    notes = _line(cell, start, walker, tones, meter)
    o, length, d = notes[-1]
    notes[-1] = (o, length, min((0, 7, -7), key=lambda t: abs(t - d)))
    return notes


def _final_bar(meter: str, last: int, rng: np.random.Generator) -> list[tuple[int, int, int]]:
    """The tonic from the downbeat to the end of the bar, in the octave nearest the previous note."""
    tonic = min((0, 7, -7, 14), key=lambda t: abs(t - last))
    return [(0, bar_sixteenths(meter), tonic)]


def to_notes(line: list[tuple[int, int, int, int]], key: Key, *, octave_c: int, legato: float, energy: float,
             rng: np.random.Generator) -> list[Note]:
    """Scale degrees to MIDI notes with articulation and accent-shaped velocities."""
    notes = []
    base = 56 + int(energy * 40)
    for start, length, degree, accent in line:
        ticks = length * SIXTEENTH
        dur = max(SIXTEENTH // 2, int(ticks * legato))
        vel = int(np.clip(base + 10 * accent + rng.integers(-6, 7), 30, 120))
        notes.append(Note(start * SIXTEENTH, dur, key.pitch(degree, octave_c), vel))
    return notes
