"""What a renderer plays: tracks of timed notes with a General MIDI program, in seconds.

Kept free of any music-theory types so audio backends depend on nothing but this.
"""

from __future__ import annotations

from dataclasses import dataclass, field

SAMPLE_RATE = 44_100


@dataclass(frozen=True)
class NoteEvent:
    start: float  # seconds
    duration: float  # seconds
    pitch: int  # MIDI note number
    velocity: int  # 1..127


@dataclass(frozen=True)
class Track:
    program: int  # General MIDI program 0..127 (ignored for drums)
    notes: tuple[NoteEvent, ...] = field(default_factory=tuple)
    is_drum: bool = False
    channel: int = 0
    pan: float = 0.0  # -1 left .. +1 right
    gain: float = 1.0
    name: str = ""


@dataclass(frozen=True)
class Sequence:
    tracks: tuple[Track, ...]
    duration: float  # seconds of music; renderers add a short tail for releases

    @property
    def note_count(self) -> int:
        return sum(len(t.notes) for t in self.tracks)
