"""Chords as the harmony model speaks them: a root relative to the tonic and a quality, named in Roman numerals.

A label is ``root * 8 + quality`` (< 128), so chord sequences count in the same PPM tables as
melodies. :func:`label_of` names the chord four chorale voices sound on a beat.
"""

from __future__ import annotations

from collections.abc import Sequence

#: Quality → intervals above the root.
QUALITIES: tuple[tuple[str, tuple[int, ...]], ...] = (
    ("maj", (0, 4, 7)), ("min", (0, 3, 7)), ("dim", (0, 3, 6)), ("dom7", (0, 4, 7, 10)),
    ("min7", (0, 3, 7, 10)), ("hdim7", (0, 3, 6, 10)), ("dim7", (0, 3, 6, 9)), ("maj7", (0, 4, 7, 11)),
)
QUALITY_NAMES = tuple(q for q, _ in QUALITIES)
_NUMERALS = ("I", "bII", "II", "bIII", "III", "IV", "#IV", "V", "bVI", "VI", "bVII", "VII")
_DIATONIC = {
    "major": {0: "maj", 2: "min", 4: "min", 5: "maj", 7: "maj", 9: "min", 11: "dim"},
    "minor": {0: "min", 2: "dim", 3: "maj", 5: "min", 7: "maj", 8: "maj", 10: "maj", 11: "dim"},
}
_MINOR_NUMERALS = {3: "III", 8: "VI", 10: "VII"}


def label(root: int, quality: str) -> int:
    return (root % 12) * 8 + QUALITY_NAMES.index(quality)


def parts(chord: int) -> tuple[int, str]:
    return chord // 8, QUALITY_NAMES[chord % 8]


def pitch_classes(chord: int, tonic: int = 0) -> list[int]:
    """The chord's pitch classes (root first) in a key with the given tonic."""
    root, quality = parts(chord)
    return [(tonic + root + i) % 12 for i in dict(QUALITIES)[quality]]


def label_of(pitches: Sequence[int], tonic: int) -> int | None:
    """The chord that best explains the sounding pitches (bass last); None for fewer than two notes."""
    sounding = [p for p in pitches if p >= 0]
    if len(set(p % 12 for p in sounding)) < 2:
        return None
    pcs = {(p - tonic) % 12 for p in sounding}
    bass = (min(sounding) - tonic) % 12
    best: tuple[float, int] | None = None
    for root in range(12):
        for qi, (_, intervals) in enumerate(QUALITIES):
            tones = {(root + i) % 12 for i in intervals}
            matched = len(pcs & tones)
            extra = len(pcs - tones)
            missing = len(tones - pcs) - (1 if (root + 7) % 12 not in pcs and (root + 7) % 12 in tones else 0)
            score = 2 * matched - 2.5 * extra - 1.5 * missing + (0.75 if bass == root else 0) - 0.1 * (len(tones) > 3)
            if best is None or score > best[0]:
                best = (score, root * 8 + qi)
    return best[1] if best else None


def roman(chord: int, mode: str) -> str:
    """A Roman numeral for the chord in a major or minor key: V7, ii, V/V, bVI, vii°7 …"""
    root, quality = parts(chord)
    diatonic = _DIATONIC.get(mode, _DIATONIC["major"])
    if quality in ("maj", "dom7") and diatonic.get(root) != "maj" and not (mode == "minor" and root == 7):
        target = (root + 5) % 12
        if target in diatonic and target != 0:
            return ("V7/" if quality == "dom7" else "V/") + _plain(target, diatonic[target], mode)
    if quality == "dom7" and root == 0:
        return "V7/IV"
    return _plain(root, quality, mode)


def _plain(root: int, quality: str, mode: str) -> str:
    numeral = _MINOR_NUMERALS.get(root, _NUMERALS[root]) if mode == "minor" else _NUMERALS[root]
    if quality in ("min", "min7", "dim", "hdim7", "dim7"):
        numeral = numeral.lower()
    suffix = {"maj": "", "min": "", "dim": "°", "dom7": "7", "min7": "7", "hdim7": "ø7", "dim7": "°7",
              "maj7": "maj7"}[quality]
    return numeral + suffix


def name(chord: int, tonic: int, spell: Sequence[str]) -> str:
    """A lead-sheet name in a key: "Dm", "G7", "F#dim"."""
    root, quality = parts(chord)
    suffix = {"maj": "", "min": "m", "dim": "dim", "dom7": "7", "min7": "m7", "hdim7": "m7b5", "dim7": "dim7",
              "maj7": "maj7"}[quality]
    return spell[(tonic + root) % 12] + suffix
