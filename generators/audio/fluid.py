"""FluidSynth backend through ctypes to the system library (Debian ``libfluidsynth3``).

No Python wrapper is needed: a dozen C calls render a sequence offline into numpy
buffers (no audio driver, one thread, so the output is deterministic).  When the library
or the sound font is missing, :func:`render` returns None and the caller falls back to
the built-in synthesiser.
"""

from __future__ import annotations

import ctypes
import ctypes.util
from functools import cache

import numpy as np

from generators.audio.sequence import Sequence

TAIL_S = 1.5
_NAMES = ("libfluidsynth.so.3", "libfluidsynth.so.2", "libfluidsynth.so")


@cache
def library() -> ctypes.CDLL | None:
    """The loaded libfluidsynth with argument types declared, or None."""
    candidates = [*_NAMES]
    found = ctypes.util.find_library("fluidsynth")
    if found:
        candidates.append(found)
    for name in candidates:
        try:
            lib = ctypes.CDLL(name)
        except OSError:
            continue
        try:
            _declare(lib)
        except AttributeError:
            continue
        return lib
    return None


def _declare(lib: ctypes.CDLL) -> None:
    vp, cp, ci, cd, cf = ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int, ctypes.c_double, ctypes.POINTER(ctypes.c_float)
    signatures = {
        "new_fluid_settings": ([], vp),
        "delete_fluid_settings": ([vp], None),
        "fluid_settings_setnum": ([vp, cp, cd], ci),
        "fluid_settings_setint": ([vp, cp, ci], ci),
        "new_fluid_synth": ([vp], vp),
        "delete_fluid_synth": ([vp], None),
        "fluid_synth_sfload": ([vp, cp, ci], ci),
        "fluid_synth_program_select": ([vp, ci, ci, ci, ci], ci),
        "fluid_synth_noteon": ([vp, ci, ci, ci], ci),
        "fluid_synth_noteoff": ([vp, ci, ci], ci),
        "fluid_synth_cc": ([vp, ci, ci, ci], ci),
        "fluid_synth_write_float": ([vp, ci, cf, ci, ci, cf, ci, ci], ci),
        "fluid_set_log_function": ([ci, vp, vp], vp),
    }
    for name, (args, result) in signatures.items():
        fn = getattr(lib, name)
        fn.argtypes = args
        fn.restype = result
    for level in range(5):  # keep FluidSynth quiet on stderr; failures are reported by return codes
        lib.fluid_set_log_function(level, None, None)


def render(seq: Sequence, soundfont: str, sr: int) -> np.ndarray | None:
    """Stereo float32 (frames, 2), or None when FluidSynth or the font cannot be used."""
    lib = library()
    if lib is None:
        return None
    settings = lib.new_fluid_settings()
    if not settings:
        return None
    synth = None
    try:
        lib.fluid_settings_setnum(settings, b"synth.sample-rate", float(sr))
        lib.fluid_settings_setint(settings, b"synth.cpu-cores", 1)
        lib.fluid_settings_setint(settings, b"synth.polyphony", 256)
        lib.fluid_settings_setnum(settings, b"synth.gain", 0.4)
        lib.fluid_settings_setint(settings, b"synth.chorus.active", 0)
        synth = lib.new_fluid_synth(settings)
        if not synth:
            return None
        sfid = lib.fluid_synth_sfload(synth, soundfont.encode(), 1)
        if sfid < 0:
            return None
        return _play(lib, synth, sfid, seq, sr)
    finally:
        if synth:
            lib.delete_fluid_synth(synth)
        lib.delete_fluid_settings(settings)


def _play(lib: ctypes.CDLL, synth: int, sfid: int, seq: Sequence, sr: int) -> np.ndarray:
    frames = int((seq.duration + TAIL_S) * sr)
    events: list[tuple[int, int, int, int, int]] = []  # (frame, on, channel, key, velocity); offs sort first
    for track in seq.tracks:
        channel = 9 if track.is_drum else track.channel % 16
        if channel == 9 and not track.is_drum:
            channel = 15
        lib.fluid_synth_program_select(synth, channel, sfid, 128 if track.is_drum else 0,
                                       0 if track.is_drum else track.program)
        lib.fluid_synth_cc(synth, channel, 7, max(0, min(127, int(110 * track.gain))))  # channel volume
        lib.fluid_synth_cc(synth, channel, 10, max(0, min(127, int(64 + 63 * track.pan))))  # pan
        for n in track.notes:
            start = int(n.start * sr)
            end = max(start + 1, int((n.start + n.duration) * sr))
            velocity = max(1, min(127, n.velocity))
            events.append((start, 1, channel, n.pitch, velocity))
            events.append((end, 0, channel, n.pitch, 0))
    events.sort()
    left = np.zeros(frames, dtype=np.float32)
    right = np.zeros(frames, dtype=np.float32)
    lp = left.ctypes.data_as(ctypes.POINTER(ctypes.c_float))
    rp = right.ctypes.data_as(ctypes.POINTER(ctypes.c_float))
    now = 0
    for frame, on, channel, key, velocity in events:
        frame = min(frame, frames)
        if frame > now:
            lib.fluid_synth_write_float(synth, frame - now, lp, now, 1, rp, now, 1)
            now = frame
        if on:
            lib.fluid_synth_noteon(synth, channel, key, velocity)
        else:
            lib.fluid_synth_noteoff(synth, channel, key)
    if frames > now:
        lib.fluid_synth_write_float(synth, frames - now, lp, now, 1, rp, now, 1)
    return np.stack([left, right], axis=1)
