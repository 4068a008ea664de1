"""Chords and bass played from a learned chord plan, in each genre's own rhythm, voicing and extensions.

The plan says *which* chords (one or two a bar); the genre says *how*: comping rhythm and
bass figure (from :mod:`generators.music.accompany`), 7ths for lofi/jazz/bossa, added 9ths
for jazz and lofi. Voicings move to the nearest inversion and stay under the lead.
"""

from __future__ import annotations

import numpy as np

from generators.music import chord_vocab as cv
from generators.music.accompany import BASS, BASS_FIGURES, BASS_KIND, CHORD_PROGRAM, COMPING, _scaled, _voicing
from generators.music.melody_line import bar_sixteenths
from generators.music.phrases import ChordSlot, chord_at
from generators.music.score import SIXTEENTH, Note, Part
from generators.music.theory import Key

SEVENTHS = frozenset({"jazz", "lofi", "bossa-nova"})
NINTHS = frozenset({"jazz", "lofi"})


def extended_pcs(slot: ChordSlot, key: Key, genre: str) -> list[int]:
    """The chord's pitch classes with the genre's extensions: a diatonic 7th, a 9th for jazz and lofi."""
    pcs = slot.pcs(key)
    root, quality = cv.parts(slot.chord)
    if genre in SEVENTHS and len(pcs) == 3:
        root_pc = pcs[0]
        seventh = (root_pc + (10 if quality in ("min", "dim") or root == 7 else 11)) % 12
        if quality == "maj" and (seventh - key.tonic) % 12 not in key.scale:
            seventh = (root_pc + 10) % 12
        pcs = [*pcs, seventh]
    if genre in NINTHS and quality != "dim":
        pcs = [*pcs, (pcs[0] + 2) % 12]
    return pcs


def chord_name(slot: ChordSlot, key: Key) -> str:
    spell = ("C", "Db", "D", "Eb", "E", "F", "F#", "G", "Ab", "A", "Bb", "B")
    return cv.name(slot.chord, key.tonic, spell)


def chords_part(slots: list[ChordSlot], key: Key, meter: str, bars: int, genre: str, energy: float,
                rng: np.random.Generator, program: int | None = None) -> Part:
    bar_len = bar_sixteenths(meter)
    pattern = _scaled(COMPING.get(genre, COMPING["pop"]), meter)
    vel = int(48 + energy * 30)
    notes = []
    previous: list[int] | None = None
    previous_slot: ChordSlot | None = None
    voiced: list[int] = []
    for bar in range(bars):
        hits = ((0, bar_len),) if bar == bars - 1 and bars > 1 else pattern
        # a chord change mid-bar gets its own hit if the pattern has none there
        starts = {h[0] for h in hits}
        for s in slots:
            offset = s.start // SIXTEENTH - bar * bar_len
            if 0 < offset < bar_len and offset not in starts and bar != bars - 1:
                hits = tuple(sorted((*hits, (offset, min(4, bar_len - offset)))))
        for start, length in hits:
            tick = (bar * bar_len + start) * SIXTEENTH
            slot = chord_at(slots, tick)
            end_tick = min(tick + length * SIXTEENTH, slot.end if slot.end > tick else tick + length * SIXTEENTH)
            if slot is not previous_slot or previous is None:  # voice each chord once, at its first hit
                voiced = _voicing([48 + pc for pc in extended_pcs(slot, key, genre)], previous, 48, 70)
            previous, previous_slot = voiced, slot
            for p in voiced:
                v = int(np.clip(vel + rng.integers(-4, 5) + (6 if start == 0 else 0), 25, 115))
                notes.append(Note(tick, max(1, end_tick - tick - 10), p, v))
    return Part("chords", CHORD_PROGRAM.get(genre, 0) if program is None else program, notes, 1, "chords")


def bass_part(slots: list[ChordSlot], key: Key, meter: str, bars: int, genre: str, energy: float,
              rng: np.random.Generator) -> Part:
    inst = BASS[BASS_KIND.get(genre, "electric")]
    bar_len = bar_sixteenths(meter)
    vel = int(70 + energy * 30)
    shape = _scaled(BASS_FIGURES.get(genre, BASS_FIGURES["pop"]), meter)
    notes = []
    for bar in range(bars):
        figure = ((0, bar_len, 0),) if bar == bars - 1 and bars > 1 else shape
        for start, length, degree in figure:
            tick = (bar * bar_len + start) * SIXTEENTH
            slot = chord_at(slots, tick)
            pcs = slot.pcs(key)
            root = 28 + (pcs[0] - 28) % 12
            tones = [root, root + (pcs[1] - pcs[0]) % 12, root + (pcs[2] - pcs[0]) % 12, root + 12]
            pitch = max(inst.low, min(inst.high, tones[degree]))
            v = int(np.clip(vel + rng.integers(-5, 6) + (8 if start == 0 else 0), 30, 120))
            end = min(tick + length * SIXTEENTH, slot.end) if slot.end > tick else tick + length * SIXTEENTH
            notes.append(Note(tick, max(1, end - tick - 20), pitch, v))
    return Part("bass", inst.program, notes, 2, inst.name)


def keep_under(part: Part, lead: list[Note]) -> Part:
    """Drop accompaniment notes an octave until each sits below the lowest lead note sounding with it."""
    out = []
    for n in part.notes:
        over = [m.pitch for m in lead if m.start < n.end and m.end > n.start]
        pitch = n.pitch
        if over:
            while pitch >= min(over) and pitch - 12 >= 28:
                pitch -= 12
        out.append(Note(n.start, n.dur, pitch, n.vel))
    part.notes = out
    return part
