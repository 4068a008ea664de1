"""Keys, modes, scales, chords and General MIDI instruments: the vocabulary every music generator shares.

Melodies are written in scale degrees (0 = tonic, 7 = the tonic an octave up, -1 = the
leading note below) so one line of code moves a motif within the key; :class:`Key`
turns degrees into MIDI pitches.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from generators.base import GeneratorError

MODES: dict[str, tuple[int, ...]] = {
    "major": (0, 2, 4, 5, 7, 9, 11),
    "minor": (0, 2, 3, 5, 7, 8, 10),
    "dorian": (0, 2, 3, 5, 7, 9, 10),
    "phrygian": (0, 1, 3, 5, 7, 8, 10),
    "lydian": (0, 2, 4, 6, 7, 9, 11),
    "mixolydian": (0, 2, 4, 5, 7, 9, 10),
    "locrian": (0, 1, 3, 5, 6, 8, 10),
}
MODE_ALIASES = {
    "maj": "major", "ionian": "major", "m": "minor", "min": "minor", "aeolian": "minor",
    "dor": "dorian", "phryg": "phrygian", "lyd": "lydian", "mixo": "mixolydian", "mix": "mixolydian",
}
#: Modes whose third is minor; they borrow the minor-key cadence (raised leading note in V).
MINORISH = frozenset({"minor", "dorian", "phrygian", "locrian"})

_LETTERS = {"C": 0, "D": 2, "E": 4, "F": 5, "G": 7, "A": 9, "B": 11}
_SHARP_NAMES = ("C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B")
_FLAT_NAMES = ("C", "Db", "D", "Eb", "E", "F", "Gb", "G", "Ab", "A", "Bb", "B")
#: Tonics (by pitch class) that are usually spelled with flats in major keys.
_FLAT_MAJOR = {1, 3, 5, 8, 10}  # Db, Eb, F, Ab, Bb
_KEY_RE = re.compile(r"^\s*([A-Ga-g])\s*([#♯b♭]?)\s*-?\s*([A-Za-z]*)\s*$")
#: Pitch-class offset from a mode's tonic to its relative major tonic.
_TO_MAJOR = {"major": 0, "minor": 3, "dorian": 10, "phrygian": 8, "lydian": 7, "mixolydian": 5, "locrian": 1}


@dataclass(frozen=True)
class Key:
    """A tonic and a mode, e.g. ``Key(2, "minor", "D")`` for D minor."""

    tonic: int
    mode: str
    spelling: str = ""

    @property
    def name(self) -> str:
        return f"{self.spelling or note_name(self.tonic, self.mode)} {self.mode}"

    @property
    def scale(self) -> tuple[int, ...]:
        return MODES[self.mode]

    @property
    def minorish(self) -> bool:
        return self.mode in MINORISH

    def pitch(self, degree: int, octave_c: int = 60) -> int:
        """MIDI pitch of a scale degree; degree 0 is the tonic in the octave starting at ``octave_c``."""
        octave, step = divmod(degree, 7)
        return octave_c + self.tonic + 12 * octave + self.scale[step]

    def degree_of(self, pitch: int, octave_c: int = 60) -> int:
        """Nearest scale degree of a pitch (chromatic notes snap down)."""
        rel = pitch - octave_c - self.tonic
        octave, pc = divmod(rel, 12)
        step = max(i for i, s in enumerate(self.scale) if s <= pc)
        return octave * 7 + step

    def contains(self, pitch: int) -> bool:
        return (pitch - self.tonic) % 12 in self.scale

    def relative_major_tonic(self) -> int:
        return (self.tonic + _TO_MAJOR[self.mode]) % 12

    def midi_signature(self) -> str:
        """The closest MIDI key signature (mido spelling): modes use their relative major's accidentals."""
        if self.mode == "major":
            return note_name(self.tonic, "major")
        if self.mode == "minor":
            return note_name(self.tonic, "minor") + "m"
        return note_name(self.relative_major_tonic(), "major")


def note_name(pc: int, mode: str = "major") -> str:
    """Conventional spelling of a tonic: flats for F/Bb/Eb major and their relatives."""
    pc %= 12
    major_pc = (pc + _TO_MAJOR.get(mode, 0)) % 12
    if major_pc in _FLAT_MAJOR:
        return _FLAT_NAMES[pc]
    return _SHARP_NAMES[pc]


def parse_key(text: str) -> Key:
    """Parse "D minor", "F# major", "E dorian", "Bb mixolydian", "Am" into a :class:`Key`."""
    raw = str(text or "")
    match = _KEY_RE.match(raw)
    mode = ""
    if match:
        mode_word = match.group(3).lower()
        if match.group(3) == "m":
            mode_word = "minor"
        mode = MODE_ALIASES.get(mode_word, mode_word) if mode_word else "major"
    if not match or mode not in MODES:
        shown = raw.strip()[:30]
        raise GeneratorError(f"key must be a tonic and a mode, e.g. 'D minor', got '{shown}'")
    letter = match.group(1).upper()
    accidental = {"♯": "#", "♭": "b"}.get(match.group(2), match.group(2))
    pc = (_LETTERS[letter] + {"#": 1, "b": -1}.get(accidental, 0)) % 12
    return Key(pc, mode, letter + accidental)


def all_key_names() -> list[str]:
    """Every tonic × mode spelling we accept canonically (for help and autocomplete)."""
    tonics = ("C", "C#", "Db", "D", "Eb", "E", "F", "F#", "Gb", "G", "Ab", "A", "Bb", "B")
    return [f"{t} {m}" for m in MODES for t in tonics]


# --- chords -----------------------------------------------------------------


def triad(key: Key, root_degree: int, *, seventh: bool = False) -> list[int]:
    """Scale degrees of the diatonic triad (or seventh chord) on ``root_degree``."""
    degrees = [root_degree, root_degree + 2, root_degree + 4]
    if seventh:
        degrees.append(root_degree + 6)
    return degrees


def chord_pitches(key: Key, root_degree: int, *, seventh: bool = False, leading: bool = False,
                  octave_c: int = 48) -> list[int]:
    """MIDI pitches of a diatonic chord; ``leading`` raises the third of V in minor-ish modes."""
    pitches = [key.pitch(d, octave_c) for d in triad(key, root_degree, seventh=seventh)]
    if leading and key.minorish and root_degree % 7 == 4:
        pitches[1] += 1  # the raised seventh degree (harmonic minor)
    return pitches


#: Progressions as root degrees (0 = I), one chord per bar; each ends before the cadence.
PROGRESSIONS: dict[str, tuple[tuple[int, ...], ...]] = {
    "major": ((0, 4, 5, 3), (0, 5, 3, 4), (0, 3, 4, 0), (0, 3, 0, 4), (0, 5, 1, 4), (0, 2, 3, 4)),
    "minor": ((0, 5, 2, 6), (0, 3, 4, 0), (0, 6, 5, 4), (0, 3, 6, 2), (0, 5, 3, 4)),
    "dorian": ((0, 3, 0, 3), (0, 3, 6, 0), (0, 1, 3, 0)),
    "phrygian": ((0, 1, 0, 6), (0, 1, 2, 1)),
    "lydian": ((0, 1, 0, 1), (0, 1, 4, 0)),
    "mixolydian": ((0, 6, 3, 0), (0, 3, 6, 0), (0, 6, 0, 3)),
    "locrian": ((0, 1, 5, 1),),
}


# --- General MIDI instruments ------------------------------------------------


@dataclass(frozen=True)
class Instrument:
    name: str
    program: int
    low: int
    high: int


#: Melody instruments members can pick, with ranges we keep every part inside.
INSTRUMENTS: dict[str, Instrument] = {
    i.name: i
    for i in (
        Instrument("piano", 0, 21, 108),
        Instrument("electric-piano", 4, 28, 103),
        Instrument("harpsichord", 6, 29, 89),
        Instrument("vibraphone", 11, 53, 89),
        Instrument("marimba", 12, 45, 96),
        Instrument("organ", 16, 36, 96),
        Instrument("nylon-guitar", 24, 40, 83),
        Instrument("guitar", 25, 40, 88),
        Instrument("electric-guitar", 27, 40, 88),
        Instrument("violin", 40, 55, 100),
        Instrument("cello", 42, 36, 76),
        Instrument("strings", 48, 28, 96),
        Instrument("choir", 52, 48, 81),
        Instrument("trumpet", 56, 55, 82),
        Instrument("saxophone", 65, 49, 81),
        Instrument("clarinet", 71, 50, 91),
        Instrument("flute", 73, 60, 96),
        Instrument("synth-lead", 80, 36, 96),
        Instrument("synth-pad", 89, 36, 96),
    )
}
INSTRUMENT_ALIASES = {
    "acoustic-grand-piano": "piano", "grand-piano": "piano", "keys": "electric-piano", "rhodes": "electric-piano",
    "epiano": "electric-piano", "vibes": "vibraphone", "sax": "saxophone", "alto-sax": "saxophone",
    "acoustic-guitar": "guitar", "lead": "synth-lead", "pad": "synth-pad", "string-ensemble": "strings",
}
#: Accompaniment instruments (program, low, high) by part role.
BASS = {"electric": Instrument("electric-bass", 33, 28, 60), "acoustic": Instrument("acoustic-bass", 32, 28, 60),
        "synth": Instrument("synth-bass", 38, 24, 60)}
DRUM_CHANNEL = 9


def instrument_for_program(program: int) -> Instrument:
    """A range for any GM program (uploads may use programs we don't list)."""
    for inst in INSTRUMENTS.values():
        if inst.program == program:
            return inst
    for inst in BASS.values():
        if inst.program == program:
            return inst
    if 32 <= program <= 39:
        return Instrument("bass", program, 24, 64)
    return Instrument(f"program-{program}", program, 21, 108)


def fit_range(pitches: list[int], low: int, high: int) -> int:
    """Octave shift (in semitones) that puts the most of ``pitches`` inside [low, high]."""
    if not pitches:
        return 0
    best, best_score = 0, -1.0
    for shift in range(-48, 49, 12):
        inside = sum(low <= p + shift <= high for p in pitches)
        centre = abs((min(pitches) + max(pitches)) / 2 + shift - (low + high) / 2)
        score = inside * 1000 - centre
        if score > best_score:
            best, best_score = shift, score
    return best


def clamp_pitch(pitch: int, low: int, high: int) -> int:
    """Fold a pitch into [low, high] by octaves."""
    while pitch < low:
        pitch += 12
    while pitch > high:
        pitch -= 12
    return max(low, pitch)
