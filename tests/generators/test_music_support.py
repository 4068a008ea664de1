"""Shared helpers for the music tests (no tests here): read our output with libraries we did not write."""

from __future__ import annotations

import io
import os
import tempfile
from collections.abc import Mapping
from typing import Any

import mido
import music21
import muspy

from generators.base import InputFile, Result

PROVENANCE = {"credits": ["ann · prompted"], "title": "wistful rainy lofi",
              "disclosure": "AI-generated with Jamroom (algorithmic, no trained model)."}


def spec(**values: Any) -> dict[str, Any]:
    return {**values, "_provenance": dict(PROVENANCE), "_synth": "builtin"}


def outputs(result: Result) -> dict[str, bytes]:
    return {o.name.rsplit(".", 1)[-1]: o.data for o in result.outputs}


def as_inputs(result: Result, slot: str = "to", generator: str = "music.melody", seed: int = 1,
              parent_spec: Mapping[str, Any] | None = None) -> list[InputFile]:
    return [InputFile(o.name, o.mime, o.data, "parent", "music", dict(parent_spec or {}), slot, generator, seed)
            for o in result.outputs]


def without_drums(data: bytes) -> bytes:
    mid = mido.MidiFile(file=io.BytesIO(data))
    mid.tracks = [t for t in mid.tracks if not any(getattr(m, "channel", None) == 9 for m in t)]
    buffer = io.BytesIO()
    mid.save(file=buffer)
    return buffer.getvalue()


def music21_key(data: bytes) -> tuple[int, str]:
    """Majority of Krumhansl-Schmuckler, Aarden-Essen and Temperley-Kostka-Payne on the pitched parts."""
    mf = music21.midi.MidiFile()
    mf.readstr(without_drums(data))
    stream = music21.midi.translate.midiFileToStream(mf)
    votes = []
    for method in (music21.analysis.discrete.KrumhanslSchmuckler, music21.analysis.discrete.AardenEssen,
                   music21.analysis.discrete.TemperleyKostkaPayne):
        k = method(stream).getSolution(stream)
        votes.append((k.tonic.pitchClass, k.mode))
    return max(votes, key=votes.count)


def muspy_music(data: bytes) -> muspy.Music:
    with tempfile.NamedTemporaryFile(suffix=".mid", delete=False) as f:
        f.write(data)
        path = f.name
    try:
        return muspy.read_midi(path)
    finally:
        os.unlink(path)


def muspy_track(data: bytes, role: str) -> muspy.Music:
    music = muspy_music(data)
    tracks = [t for t in music.tracks if t.name.split(":")[0] == role]
    assert tracks, f"no {role} track in {[t.name for t in music.tracks]}"
    return muspy.Music(resolution=music.resolution, tempos=music.tempos, time_signatures=music.time_signatures,
                       tracks=tracks)


def is_relative_or_same(found: tuple[int, str], tonic: int, mode: str) -> bool:
    pc, found_mode = found
    if (pc, found_mode) == (tonic, mode):
        return True
    relative = (tonic + 3) % 12 if mode == "minor" else (tonic - 3) % 12
    return pc == relative and found_mode != mode
