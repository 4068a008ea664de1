"""Mood words steer the sketch wherever the options are silent.

"wistful rainy lofi" reads as: minor or dorian, about 75 bpm, swung, soft, a little
sparse.  Each word nudges a few dials; the options a member set always win.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

GENRES = ("pop", "rock", "hip-hop", "house", "lofi", "jazz", "bossa-nova", "breakbeat", "reggaeton",
          "funk", "folk", "ambient", "classical")
GENRE_ALIASES = {"hiphop": "hip-hop", "hip hop": "hip-hop", "rap": "hip-hop", "lo-fi": "lofi", "swing": "jazz",
                 "bossa": "bossa-nova", "bossanova": "bossa-nova", "breaks": "breakbeat", "dnb": "breakbeat",
                 "techno": "house", "edm": "house", "disco": "house", "orchestral": "classical", "chill": "lofi"}
#: Typical tempo, meter and swing per genre; whether it wants drums.
GENRE_TRAITS: dict[str, dict[str, object]] = {
    "pop": {"tempo": 108, "drums": True, "swing": 0.0},
    "rock": {"tempo": 120, "drums": True, "swing": 0.0},
    "hip-hop": {"tempo": 90, "drums": True, "swing": 0.15},
    "house": {"tempo": 124, "drums": True, "swing": 0.0},
    "lofi": {"tempo": 76, "drums": True, "swing": 0.5},
    "jazz": {"tempo": 132, "drums": True, "swing": 0.66},
    "bossa-nova": {"tempo": 128, "drums": True, "swing": 0.0},
    "breakbeat": {"tempo": 136, "drums": True, "swing": 0.0},
    "reggaeton": {"tempo": 96, "drums": True, "swing": 0.0},
    "funk": {"tempo": 104, "drums": True, "swing": 0.1},
    "folk": {"tempo": 96, "drums": False, "swing": 0.0},
    "ambient": {"tempo": 70, "drums": False, "swing": 0.0},
    "classical": {"tempo": 100, "drums": False, "swing": 0.0},
}


@dataclass(frozen=True)
class Mood:
    modes: tuple[str, ...] = ()
    tempo: float | None = None
    register: int = 0  # octaves up (+) or down (-)
    density: float = 0.5  # 0 sparse .. 1 busy
    legato: float = 0.85  # fraction of the written length actually sounded
    energy: float = 0.6  # velocity scale 0..1
    swing: float | None = None
    genre: str | None = None
    instrument: str | None = None
    words: tuple[str, ...] = ()


# word -> (modes, tempo, register, density, legato, energy, swing)
_WORDS: dict[str, dict[str, object]] = {}


def _add(words: str, **effect: object) -> None:
    for w in words.split():
        _WORDS[w] = effect


_add("sad wistful melancholy melancholic lonely blue gloomy somber sombre mournful nostalgic longing",
     modes=("minor", "dorian"), tempo=78, density=0.4, energy=0.45, legato=0.95)
_add("rainy rain misty foggy grey gray autumn night midnight moody",
     modes=("minor", "dorian"), tempo=80, density=0.4, energy=0.45)
_add("dark ominous spooky haunted sinister eerie tense mysterious",
     modes=("phrygian", "minor"), tempo=88, register=-1, density=0.45, energy=0.55)
_add("happy joyful bright sunny cheerful playful sunshine summer upbeat",
     modes=("major", "lydian", "mixolydian"), tempo=118, register=1, density=0.6, energy=0.7)
_add("dreamy floaty ethereal magical wonder starry space spacey",
     modes=("lydian", "major"), tempo=84, register=1, density=0.35, legato=1.0, energy=0.45)
_add("calm peaceful gentle soft tender quiet serene lullaby sleepy",
     tempo=72, density=0.35, legato=1.0, energy=0.4)
_add("energetic fast driving intense angry aggressive wild hype party",
     tempo=140, density=0.75, legato=0.7, energy=0.9)
_add("epic heroic triumphant grand anthem", modes=("major", "minor"), tempo=112, density=0.55, energy=0.85)
_add("groovy funky bluesy gritty swagger", modes=("mixolydian", "dorian"), tempo=100, density=0.65, energy=0.7)
_add("bouncy staccato choppy quirky", density=0.65, legato=0.55)
_add("slow lazy", tempo=70, density=0.35)
_add("low deep heavy", register=-1)
_add("high sparkly twinkly tiny", register=1)
_add("busy", density=0.8)
_add("sparse minimal simple", density=0.3)
_add("swung swing shuffle", swing=0.6)
_add("straight", swing=0.0)

_INSTRUMENT_WORDS = {"piano": "piano", "rhodes": "electric-piano", "keys": "electric-piano", "flute": "flute",
                     "violin": "violin", "cello": "cello", "strings": "strings", "trumpet": "trumpet",
                     "sax": "saxophone", "saxophone": "saxophone", "guitar": "guitar", "vibes": "vibraphone",
                     "vibraphone": "vibraphone", "marimba": "marimba", "organ": "organ", "clarinet": "clarinet",
                     "synth": "synth-lead", "choir": "choir", "harpsichord": "harpsichord"}


def canonical_genre(word: str | None) -> str | None:
    if not word:
        return None
    w = word.strip().lower()
    w = GENRE_ALIASES.get(w, w)
    return w if w in GENRE_TRAITS else None


def read_mood(prompt: str | None) -> Mood:
    """Average the effects of the mood words in ``prompt`` (unknown words are ignored)."""
    words = tuple(re.findall(r"[a-z][a-z-]*", (prompt or "").lower()))
    modes: list[str] = []
    tempos: list[float] = []
    dials = {"register": [], "density": [], "legato": [], "energy": []}
    swing: float | None = None
    genre = None
    instrument = None
    for i, w in enumerate(words):
        pair = f"{w} {words[i + 1]}" if i + 1 < len(words) else ""
        g = canonical_genre(pair) or canonical_genre(w)
        if g and genre is None:
            genre = g
        if w in _INSTRUMENT_WORDS and instrument is None:
            instrument = _INSTRUMENT_WORDS[w]
        effect = _WORDS.get(w) or _WORDS.get(w.rstrip("s")) or _WORDS.get(w.removesuffix("ly"))
        if not effect:
            continue
        for m in effect.get("modes", ()):  # type: ignore[union-attr]
            if m not in modes:
                modes.append(m)
        if "tempo" in effect:
            tempos.append(float(effect["tempo"]))  # type: ignore[arg-type]
        if "swing" in effect:
            swing = float(effect["swing"])  # type: ignore[arg-type]
        for dial, values in dials.items():
            if dial in effect:
                values.append(float(effect[dial]))  # type: ignore[arg-type]

    def avg(name: str, default: float) -> float:
        values = dials[name]
        return sum(values) / len(values) if values else default

    if genre == "lofi" and swing is None:
        swing = 0.5
    register = avg("register", 0.0)
    return Mood(
        modes=tuple(modes),
        tempo=sum(tempos) / len(tempos) if tempos else None,
        register=round(register),
        density=avg("density", 0.5),
        legato=avg("legato", 0.85),
        energy=avg("energy", 0.6),
        swing=swing,
        genre=genre,
        instrument=instrument,
        words=words,
    )
