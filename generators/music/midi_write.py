"""Write a :class:`Score` as a type-1 Standard MIDI File with provenance in meta events.

Track 0 holds the copyright line (at time 0, first), the title, tempo, time and key
signatures and ``text`` events with generator/version/seed, credits, the AI
disclosure and the key and meter in words (MIDI key signatures cannot say "dorian").
Each part gets its own track, named ``"<role>: <instrument>"``, so a later command can
find the bass or the melody again.
"""

from __future__ import annotations

import io
import json
from collections.abc import Mapping, Sequence
from typing import Any

import mido

from generators.music.score import PPQ, Score

TEXT_LIMIT = 500


def _clip(text: str) -> str:
    """Meta text is written as UTF-8 (members' names are not all Latin); keep it short."""
    return text[:TEXT_LIMIT]


def score_facts(score: Score) -> list[str]:
    return [f"key: {score.key.name}", f"tempo: {score.tempo} bpm", f"meter: {score.meter}", f"bars: {score.bars}",
            *([f"genre: {score.genre}"] if score.genre else [])]


def write_midi(score: Score, *, title: str, provenance: Sequence[str],
               machine: Mapping[str, Any] | None = None) -> bytes:
    """Deterministic bytes: same score and text give the same file.

    ``machine`` (generator, seed, credits, source type...) is written as canonical JSON in a
    ``sequencer_specific`` meta event, so tools can read provenance without parsing prose.
    """
    mid = mido.MidiFile(type=1, ticks_per_beat=PPQ, charset="utf-8")
    conductor = mido.MidiTrack()
    copyright_line = _clip(". ".join(p.rstrip(".") for p in provenance[:2]) + "." if provenance else "Jamroom")
    conductor.append(mido.MetaMessage("copyright", text=copyright_line, time=0))
    conductor.append(mido.MetaMessage("track_name", name=_clip(title or "Jamroom sketch"), time=0))
    for line in [*provenance, *score_facts(score)]:
        conductor.append(mido.MetaMessage("text", text=_clip(line), time=0))
    if machine:
        blob = json.dumps({"jamroom": 1, **machine}, sort_keys=True, ensure_ascii=False).encode()
        conductor.append(mido.MetaMessage("sequencer_specific", data=tuple(blob), time=0))
    num, den = score.beats_per_bar
    conductor.append(mido.MetaMessage("set_tempo", tempo=mido.bpm2tempo(score.tempo), time=0))
    conductor.append(mido.MetaMessage("time_signature", numerator=num, denominator=den, time=0))
    conductor.append(mido.MetaMessage("key_signature", key=score.key.midi_signature(), time=0))
    conductor.append(mido.MetaMessage("end_of_track", time=score.total_ticks))
    mid.tracks.append(conductor)
    for part in score.parts:
        track = mido.MidiTrack()
        track.append(mido.MetaMessage("track_name", name=_clip(f"{part.role}: {part.instrument or 'part'}"), time=0))
        ch = part.channel
        if not part.is_drum:
            track.append(mido.Message("program_change", channel=ch, program=part.program, time=0))
        events: list[tuple[int, int, int, int]] = []  # (tick, order, pitch, velocity); note-offs first
        for n in part.notes:
            if n.start >= score.total_ticks:
                continue
            events.append((n.start, 1, n.pitch, max(1, min(127, n.vel))))
            events.append((min(n.start + max(1, n.dur), score.total_ticks), 0, n.pitch, 0))
        events.sort()
        now = 0
        for tick, order, pitch, vel in events:
            kind = "note_on" if order == 1 else "note_off"
            track.append(mido.Message(kind, channel=ch, note=pitch, velocity=vel if order else 64, time=tick - now))
            now = tick
        track.append(mido.MetaMessage("end_of_track", time=max(0, score.total_ticks - now)))
        mid.tracks.append(track)
    buffer = io.BytesIO()
    mid.save(file=buffer)
    return buffer.getvalue()
