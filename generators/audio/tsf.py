"""TinySoundFont backend, used only when the operator installed ``tinysoundfont``.

It must not be a declared dependency (its wheel requires ``pyaudio``, which needs
portaudio headers to build; ``pip install --no-deps tinysoundfont`` works for offline
rendering).  Every channel gets an explicit program first (and channel 10 the drum
bank), because TinySoundFont is silent on channels that never got a program change.
"""

from __future__ import annotations

import importlib
import importlib.util
from functools import cache
from types import ModuleType

import numpy as np

from generators.audio.sequence import Sequence

TAIL_S = 1.5


@cache
def module() -> ModuleType | None:
    if importlib.util.find_spec("tinysoundfont") is None:
        return None
    try:
        return importlib.import_module("tinysoundfont")
    except Exception:  # a broken install must not break rendering: the built-in synth takes over
        return None


def render(seq: Sequence, soundfont: str, sr: int) -> np.ndarray | None:
    """Stereo float32 (frames, 2), or None when TinySoundFont or the font cannot be used."""
    tsf = module()
    if tsf is None:
        return None
    try:
        synth = tsf.Synth(gain=-6.0, samplerate=sr)
        sfid = synth.sfload(soundfont)
        return _play(synth, sfid, seq, sr)
    except Exception:  # SoundFontException, RuntimeError on a bad preset: fall back
        return None


def _play(synth: object, sfid: int, seq: Sequence, sr: int) -> np.ndarray:
    frames = int((seq.duration + TAIL_S) * sr)
    events: list[tuple[int, int, int, int, int]] = []
    for track in seq.tracks:
        channel = 9 if track.is_drum else track.channel % 16
        if channel == 9 and not track.is_drum:
            channel = 15
        if track.is_drum:
            synth.program_select(channel, sfid, 128, 0, True)  # type: ignore[attr-defined]
        else:
            synth.program_select(channel, sfid, 0, track.program)  # type: ignore[attr-defined]
        synth.control_change(channel, 7, max(0, min(127, int(110 * track.gain))))  # type: ignore[attr-defined]
        synth.control_change(channel, 10, max(0, min(127, int(64 + 63 * track.pan))))  # type: ignore[attr-defined]
        for n in track.notes:
            start = int(n.start * sr)
            events.append((start, 1, channel, n.pitch, max(1, min(127, n.velocity))))
            events.append((max(start + 1, int((n.start + n.duration) * sr)), 0, channel, n.pitch, 0))
    events.sort()
    out = np.zeros((frames, 2), dtype=np.float32)
    now = 0
    for frame, on, channel, key, velocity in [*events, (frames, -1, 0, 0, 0)]:
        frame = min(frame, frames)
        if frame > now:
            block = synth.generate(frame - now)  # type: ignore[attr-defined]
            out[now:frame] = np.frombuffer(block, dtype=np.float32).reshape(-1, 2)[: frame - now]
            now = frame
        if on == 1:
            synth.noteon(channel, key, velocity)  # type: ignore[attr-defined]
        elif on == 0:
            synth.noteoff(channel, key)  # type: ignore[attr-defined]
    return out
