"""The in-memory sketch: parts of notes on a tick grid, with key, tempo and meter.

Everything is integer ticks (480 per quarter note) so generation is exact and the
MIDI file is a faithful copy of what was composed.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field, replace

from generators.music.theory import DRUM_CHANNEL, Key

PPQ = 480
SIXTEENTH = PPQ // 4
METERS: dict[str, tuple[int, int]] = {"4/4": (4, 4), "3/4": (3, 4), "6/8": (6, 8), "2/4": (2, 4), "5/4": (5, 4),
                                      "7/8": (7, 8), "12/8": (12, 8)}
#: Where the strong beats of each meter fall, in eighths from the bar line (7/8 counts 2+2+3, 5/4 3+2).
STRONG_EIGHTHS: dict[str, tuple[int, ...]] = {"4/4": (0, 4), "3/4": (0,), "6/8": (0, 3), "2/4": (0,),
                                              "5/4": (0, 6), "7/8": (0, 2, 4), "12/8": (0, 6)}
#: Part roles in the order they are listed and coloured.
ROLES = ("melody", "counter-melody", "chords", "arpeggio", "pad", "bass", "drums")
CHANNELS = {"melody": 0, "chords": 1, "bass": 2, "counter-melody": 3, "arpeggio": 4, "pad": 5, "drums": DRUM_CHANNEL}


@dataclass(frozen=True, order=True)
class Note:
    start: int
    dur: int
    pitch: int
    vel: int = 90

    @property
    def end(self) -> int:
        return self.start + self.dur


@dataclass
class Part:
    role: str
    program: int
    notes: list[Note] = field(default_factory=list)
    channel: int = 0
    instrument: str = ""

    @property
    def is_drum(self) -> bool:
        return self.channel == DRUM_CHANNEL

    def sorted_notes(self) -> list[Note]:
        return sorted(self.notes)


@dataclass
class Score:
    key: Key
    tempo: int
    meter: str
    bars: int
    parts: list[Part] = field(default_factory=list)
    genre: str = ""
    swing: float = 0.0
    #: Learned models that wrote any of it (``ModelCredit`` dicts), so the files can credit them.
    models: tuple[dict, ...] = ()

    @property
    def beats_per_bar(self) -> tuple[int, int]:
        return METERS.get(self.meter, (4, 4))

    @property
    def bar_ticks(self) -> int:
        num, den = self.beats_per_bar
        return num * PPQ * 4 // den

    @property
    def beat_ticks(self) -> int:
        """Length of a counted beat: a quarter, a dotted quarter in 6/8 and 12/8, an eighth in 7/8."""
        return beat_ticks(self.meter)

    @property
    def strong_beats(self) -> tuple[int, ...]:
        """Tick offsets within a bar that count as strong beats."""
        return tuple(e * PPQ // 2 for e in STRONG_EIGHTHS.get(self.meter, (0,)))

    @property
    def total_ticks(self) -> int:
        return self.bars * self.bar_ticks

    @property
    def seconds_per_tick(self) -> float:
        return 60.0 / (self.tempo * PPQ)

    @property
    def duration_s(self) -> float:
        return self.total_ticks * self.seconds_per_tick

    def part(self, role: str) -> Part | None:
        for p in self.parts:
            if p.role == role:
                return p
        return None

    def melody(self) -> Part | None:
        """The lead line: the melody part, or the first pitched part."""
        found = self.part("melody")
        if found is not None:
            return found
        pitched = [p for p in self.parts if not p.is_drum and p.notes]
        return pitched[0] if pitched else None

    def roles(self) -> list[str]:
        return [p.role for p in self.parts]

    def with_part(self, part: Part) -> Score:
        """A copy with ``part`` replacing any part of the same role."""
        parts = [p for p in self.parts if p.role != part.role] + [part]
        parts.sort(key=lambda p: ROLES.index(p.role) if p.role in ROLES else len(ROLES))
        return replace(self, parts=parts)

    def copy(self) -> Score:
        parts = [Part(p.role, p.program, list(p.notes), p.channel, p.instrument) for p in self.parts]
        return replace(self, parts=parts)


def beat_ticks(meter: str) -> int:
    if meter in ("6/8", "12/8"):
        return PPQ * 3 // 2
    return PPQ // 2 if meter == "7/8" else PPQ


def bar_ticks_of(meter: str) -> int:
    num, den = METERS.get(meter, (4, 4))
    return num * PPQ * 4 // den


def monophonic(notes: list[Note]) -> list[Note]:
    """The top line of a part: at each onset the highest note, cut where the next begins."""
    by_start: dict[int, Note] = {}
    for n in notes:
        if n.start not in by_start or n.pitch > by_start[n.start].pitch:
            by_start[n.start] = n
    line = [by_start[s] for s in sorted(by_start)]
    out = []
    for i, n in enumerate(line):
        if i + 1 < len(line) and n.end > line[i + 1].start:
            n = replace(n, dur=max(1, line[i + 1].start - n.start))
        out.append(n)
    return out


def contour(notes: list[Note]) -> tuple[int, ...]:
    """Signs of successive intervals (+1 up, -1 down, 0 repeat): what makes a motif recognisable."""
    return tuple((b.pitch > a.pitch) - (b.pitch < a.pitch) for a, b in itertools.pairwise(notes))


def bar_notes(notes: list[Note], bar: int, bar_ticks: int) -> list[Note]:
    lo, hi = bar * bar_ticks, (bar + 1) * bar_ticks
    return [n for n in notes if lo <= n.start < hi]
