"""Turn a parent artifact's or a member's MIDI file back into a :class:`Score`.

Our own files name their parts ("bass: electric-bass") and say their key in words;
members' files get roles guessed (channel 10 is drums, the highest busy line is the
melody, the lowest is the bass) and a key estimated from their pitch content.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np

from generators.base import GeneratorError, InputFile
from generators.music.midi_read import RawMidi, RawNote, read_midi
from generators.music.score import CHANNELS, METERS, PPQ, ROLES, Note, Part, Score
from generators.music.theory import DRUM_CHANNEL, Key, note_name, parse_key

MAX_BARS = 64
MIDI_MIMES = ("audio/midi", "audio/x-midi", "audio/mid", "application/x-midi")
# Krumhansl-Kessler key profiles
_MAJOR = np.array([6.35, 2.23, 3.48, 2.33, 4.38, 4.09, 2.52, 5.19, 2.39, 3.66, 2.29, 2.88])
_MINOR = np.array([6.33, 2.68, 3.52, 5.38, 2.60, 3.53, 2.54, 4.75, 3.98, 2.69, 3.34, 3.17])


def midi_input(inputs: Sequence[InputFile], slot: str | None = None) -> InputFile:
    """The MIDI file among ``inputs`` (in ``slot`` when given)."""
    for f in inputs:
        if slot is not None and f.slot != slot:
            continue
        if f.mime in MIDI_MIMES or f.name.lower().endswith((".mid", ".midi")):
            return f
    where = f" in {slot}" if slot else ""
    raise GeneratorError(f"no MIDI file{where}: give a music sketch or a .mid file")


def estimate_key(notes: Sequence[Note]) -> Key:
    """Krumhansl-Schmuckler: correlate the duration-weighted pitch-class histogram with each key profile."""
    hist = np.zeros(12)
    for n in notes:
        hist[n.pitch % 12] += n.dur
    if not hist.any():
        return Key(0, "major", "C")
    best = (-2.0, 0, "major")
    for tonic in range(12):
        for mode, profile in (("major", _MAJOR), ("minor", _MINOR)):
            r = float(np.corrcoef(hist, np.roll(profile, tonic))[0, 1])
            if r > best[0] + 1e-12:
                best = (r, tonic, mode)
    _, tonic, mode = best
    return Key(tonic, mode, note_name(tonic, mode))


def _text_value(texts: Sequence[str], name: str) -> str | None:
    for t in texts:
        m = re.match(rf"^{name}:\s*(.+)$", t.strip())
        if m:
            return m.group(1).strip()
    return None


def _meter(raw: RawMidi) -> str:
    if raw.time_signatures:
        _, num, den = raw.time_signatures[0]
        text = f"{num}/{den}"
        if text in METERS:
            return text
        if text in ("2/4", "2/2", "4/2", "8/8"):
            return "4/4"
        if text in ("3/8", "6/4", "9/8", "12/8"):
            return "6/8" if num % 3 == 0 and den == 8 else "3/4"
    return "4/4"


def score_from_midi(data: bytes, *, trusted: bool = False, tail: bool = False) -> Score:
    """Read MIDI bytes into a Score (cropped to 64 bars), raising GeneratorError on bad files.

    ``tail`` keeps a longer file's *last* 64 bars instead of its first (what /continue follows on from).
    """
    raw = read_midi(data)
    scale = PPQ / raw.ppq
    tempo_us = raw.tempos[0][1] if raw.tempos else 500_000
    tempo = round(min(240, max(40, 60_000_000 / tempo_us)))
    meter = _meter(raw)
    probe = Score(Key(0, "major"), tempo, meter, 1)
    last_onset = max(int(n.start * scale) for t in raw.tracks for n in t.notes)
    bars = last_onset // probe.bar_ticks + 1
    stated = _text_value(raw.texts, "bars") if trusted else None
    if stated and stated.isdigit():
        bars = max(bars, int(stated))
    first_bar = max(0, bars - MAX_BARS) if tail else 0
    bars = max(1, min(MAX_BARS, bars))
    limit = bars * probe.bar_ticks
    skip = first_bar * probe.bar_ticks
    groups: dict[str, list[RawNote]] = {}
    programs: dict[str, int] = {}
    instruments: dict[str, str] = {}
    for i, track in enumerate(raw.tracks):
        by_channel: dict[int, list[RawNote]] = {}
        for n in track.notes:
            by_channel.setdefault(n.channel, []).append(n)
        for channel, notes in sorted(by_channel.items()):
            label = _role_from_name(track.name) if trusted else ""
            if channel == DRUM_CHANNEL:
                label = "drums"
            label = label or f"track{i}-{channel}"
            groups.setdefault(label, []).extend(notes)
            programs.setdefault(label, notes[0].program)
            if trusted and ": " in track.name:
                instruments.setdefault(label, track.name.split(": ", 1)[1].strip()[:40])
    parts = []
    for label, raw_notes in groups.items():
        notes = [Note(int(n.start * scale), max(1, int((n.end - n.start) * scale)), n.pitch, n.velocity)
                 for n in raw_notes if skip <= n.start * scale < skip + limit]
        notes = [Note(n.start - skip, n.dur, n.pitch, n.vel) for n in notes]
        notes = [Note(n.start, min(n.dur, limit - n.start), n.pitch, n.vel) for n in notes]
        if notes:
            parts.append(Part(label, programs[label], sorted(notes), 0, instruments.get(label, "")))
    if not parts:
        raise GeneratorError(f"the MIDI file has no notes in its {'last' if tail else 'first'} {MAX_BARS} bars")
    _assign_roles(parts)
    pitched = [n for p in parts if p.role != "drums" for n in p.notes]
    key_text = _text_value(raw.texts, "key") if trusted else None
    try:
        key = parse_key(key_text) if key_text else estimate_key(pitched)
    except GeneratorError:
        key = estimate_key(pitched)
    genre = (_text_value(raw.texts, "genre") or "") if trusted else ""
    score = Score(key, tempo, meter, bars, parts, genre=genre)
    if trusted:
        exact = _text_value(raw.texts, "tempo")
        if exact and exact.split()[0].isdigit():
            score.tempo = max(40, min(240, int(exact.split()[0])))
    return score


def _role_from_name(name: str) -> str:
    role = name.split(":")[0].strip().lower()
    return role if role in ROLES else ""


def _assign_roles(parts: list[Part]) -> None:
    """Name unlabelled parts: the highest busy line is the melody, the lowest the bass, the rest chords."""
    taken = {p.role for p in parts if p.role in ROLES}
    unlabelled = [p for p in parts if p.role not in ROLES]
    unlabelled.sort(key=lambda p: -float(np.mean([n.pitch for n in p.notes])))
    if unlabelled and "melody" not in taken:
        unlabelled[0].role = "melody"
        taken.add("melody")
        unlabelled = unlabelled[1:]
    if unlabelled and "bass" not in taken and np.mean([n.pitch for n in unlabelled[-1].notes]) < 55:
        unlabelled[-1].role = "bass"
        taken.add("bass")
        unlabelled = unlabelled[:-1]
    spare = iter(("chords", "counter-melody", "pad", "arpeggio"))
    extra_channel = iter((6, 7, 8, 10, 11, 12, 13, 14, 15))
    for p in unlabelled:
        role = next((r for r in spare if r not in taken), None)
        if role is None:  # more parts than roles: fold into the chords part
            target = next(q for q in parts if q.role == "chords")
            target.notes = sorted(target.notes + p.notes)
            p.notes = []
            continue
        p.role = role
        taken.add(role)
    parts[:] = [p for p in parts if p.notes]
    for p in parts:
        p.channel = CHANNELS.get(p.role, next(extra_channel, 15))
        p.instrument = p.instrument or p.role
    parts.sort(key=lambda p: ROLES.index(p.role))
