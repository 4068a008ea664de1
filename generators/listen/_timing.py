"""From heard notes (seconds) to a :class:`Score` (ticks): tempo, beat phase, meter, key, quantizing.

* **Tempo**: autocorrelation of an onset pulse train (each onset weighted by its note's length, so
  long notes on beats count more), with a broad preference around 100 bpm so eighth-note runs do
  not read as double time.
* **Bar lines**: for 4 and 3 beats a bar and each phase, how much longer the notes starting on the
  candidate downbeats are than the others; the strongest pair (meter, phase) wins, ties go to 4/4.
  A member's ``meter:`` or ``tempo:`` replaces the guess.
* **Trimming**: time starts at the first note, so silence and an unpitched count-in before it are
  dropped; a pickup before the first downbeat stays a pickup.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from generators.listen._notes import Heard
from generators.music.score import METERS, PPQ, Note, Part, Score
from generators.music.source import MAX_BARS, estimate_key

QUANTIZE_GRIDS: dict[str, int] = {"off": 1, "1/8": PPQ // 2, "1/16": PPQ // 4, "triplets": PPQ // 3}
_PULSE_RATE = 100  # pulse-train samples per second


@dataclass(frozen=True)
class Timing:
    tempo: float
    meter: str
    #: Seconds of the first downbeat relative to the first note (<= 0: a pickup of that length).
    downbeat: float
    tempo_guessed: bool
    meter_guessed: bool


def estimate_tempo(notes: Sequence[Heard]) -> float:
    """Beats per minute from onset periodicity; 100 when there are too few notes to tell."""
    if len(notes) < 4:
        return 100.0
    t0 = notes[0].start
    length = int((notes[-1].start - t0) * _PULSE_RATE) + 2 * _PULSE_RATE
    pulse = np.zeros(length)
    for n in notes:
        pulse[round((n.start - t0) * _PULSE_RATE)] += 1.0 + min(n.end - n.start, 1.0)
    kernel = np.exp(-0.5 * (np.arange(-6, 7) / 2.0) ** 2)
    pulse = np.convolve(pulse, kernel, mode="same")
    ac = np.correlate(pulse, pulse, mode="full")[length - 1:]
    best, best_score = 100.0, -1.0
    for bpm in np.arange(50.0, 200.5, 0.5):
        lag = 60.0 / bpm * _PULSE_RATE
        i = int(lag)
        if i + 1 >= len(ac):
            continue
        value = ac[i] + (ac[i + 1] - ac[i]) * (lag - i)
        # also reward the bar-level multiples a real beat has
        for mult in (2, 3, 4):
            j = lag * mult
            k = int(j)
            if k + 1 < len(ac):
                value += 0.25 * (ac[k] + (ac[k + 1] - ac[k]) * (j - k))
        prior = np.exp(-0.5 * (np.log2(bpm / 100.0) / 0.6) ** 2)
        score = value * prior
        if score > best_score + 1e-9:
            best, best_score = float(bpm), score
    return best


def _downbeat_contrast(notes: Sequence[Heard], beat: float, beats_per_bar: int) -> tuple[float, int]:
    """(how much more weight starts on downbeats than elsewhere, best phase in beats)."""
    t0 = notes[0].start
    weights = np.zeros(beats_per_bar)
    counts = np.zeros(beats_per_bar)
    for n in notes:
        pos = (n.start - t0) / beat
        nearest = round(pos)
        if abs(pos - nearest) > 0.2:
            continue
        weights[nearest % beats_per_bar] += min(n.end - n.start, 2.0 * beat)
        counts[nearest % beats_per_bar] += 1
    if counts.sum() == 0:
        return 0.0, 0
    mean = weights / np.maximum(counts, 1)
    phase = int(np.argmax(mean))
    others = np.delete(mean, phase)
    return float(mean[phase] - others.mean()) / (beat + 1e-9), phase


#: Compound meters: their counted beat is a dotted quarter.
COMPOUND = ("6/8", "12/8")


def estimate_timing(notes: Sequence[Heard], tempo: float | None, meter: str | None) -> Timing:
    """Tempo, meter and the first downbeat for ``notes`` (sorted by start)."""
    bpm = float(tempo) if tempo else estimate_tempo(notes)
    beat = 60.0 / bpm
    if meter:
        num = METERS.get(meter, (4, 4))[0]
        count = num // 3 if meter in COMPOUND else num  # 6/8: two dotted-quarter beats, 12/8: four
        unit = beat * (1.5 if meter in COMPOUND else 1.0)
        _, phase = _downbeat_contrast(notes, unit, count) if notes else (0, 0)
        chosen = meter
    else:
        four, phase4 = _downbeat_contrast(notes, beat, 4) if notes else (0.0, 0)
        three, phase3 = _downbeat_contrast(notes, beat, 3) if notes else (0.0, 0)
        chosen, phase, count = ("3/4", phase3, 3) if three > four * 1.15 else ("4/4", phase4, 4)
        unit = beat
    # the first downbeat is ``phase`` beats after the first note; a pickup is what comes before it
    downbeat = phase * unit
    if phase:
        downbeat -= count * unit
    return Timing(bpm, chosen, downbeat, tempo is None, meter is None)


def to_score(notes: Sequence[Heard], timing: Timing, quantize: str, program: int, instrument: str,
             single_line: bool) -> tuple[Score, bool]:
    """The notes on a tick grid as a Score (melody, plus chords when several notes sound at once).

    Returns the score and whether it had to be cut to 32 bars.
    """
    grid = QUANTIZE_GRIDS.get(quantize, QUANTIZE_GRIDS["1/16"])
    beat_s = 60.0 / timing.tempo
    meter = timing.meter
    quarter_s = beat_s * (2.0 / 3.0 if meter in COMPOUND else 1.0)  # 6/8, 12/8: the counted beat is a dotted quarter
    t0 = notes[0].start if notes else 0.0
    offset = -timing.downbeat  # seconds from the start of bar 0 to the first note (a pickup)

    def tick(seconds: float) -> int:
        raw = (seconds - t0 + offset) / quarter_s * PPQ
        return round(raw / grid) * grid

    placed: list[Note] = []
    for n in notes:
        start = tick(n.start)
        end = max(tick(n.end), start + grid if grid > 1 else start + PPQ // 8)
        placed.append(Note(max(start, 0), end - max(start, 0), n.pitch, n.velocity))
    num, den = METERS[meter]
    bar_ticks = num * PPQ * 4 // den
    total = max((n.end for n in placed), default=bar_ticks)
    bars = max(1, -(-total // bar_ticks))
    cropped = bars > MAX_BARS
    if cropped:
        bars = MAX_BARS
        limit = bars * bar_ticks
        placed = [Note(n.start, min(n.dur, limit - n.start), n.pitch, n.vel) for n in placed if n.start < limit]
    melody, chords = _split(placed, single_line)
    key = estimate_key(placed)
    parts = [Part("melody", program, melody, 0, instrument)]
    if chords:
        parts.append(Part("chords", program, chords, 1, instrument))
    score = Score(key=key, tempo=round(timing.tempo), meter=meter, bars=bars, parts=parts, genre="")
    return score, cropped


def _split(notes: list[Note], single_line: bool) -> tuple[list[Note], list[Note]]:
    """Melody = the highest note at each onset (QUALITY.md's lead line), one at a time; the rest are chords."""
    ordered = sorted(notes, key=lambda n: (n.start, -n.pitch))
    melody: list[Note] = []
    rest: list[Note] = []
    for n in ordered:
        if melody and melody[-1].start == n.start:
            rest.append(n)
            continue
        if melody and melody[-1].end > n.start:
            # the highest new note takes over the line, unless it is far below a melody note still sounding
            # (then it is accompaniment struck under a held melody note)
            if single_line or n.pitch > melody[-1].pitch - 12:
                prev = melody[-1]
                melody[-1] = Note(prev.start, max(n.start - prev.start, 1), prev.pitch, prev.vel)
            else:
                rest.append(n)
                continue
        melody.append(n)
    if single_line:
        rest = []
    return melody, rest
