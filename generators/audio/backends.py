"""Choose the renderer: FluidSynth, TinySoundFont or the built-in synthesiser.

The operator picks with ``JAMROOM_SYNTH=auto|fluidsynth|tinysoundfont|builtin`` and may
point ``JAMROOM_SOUNDFONT`` at a GM sound font.  Only :func:`synth_settings_from_env` reads
the environment (the core calls it and passes the values in ``spec["_synth"]`` and
``spec["_soundfont"]``); generators stay pure.  ``auto`` means the best backend present:
FluidSynth, then TinySoundFont, then the built-in synthesiser, which is always there and is
the fallback whenever a sound-font backend fails.
"""

from __future__ import annotations

import importlib.util
import os
from collections.abc import Mapping
from functools import cache
from pathlib import Path

import numpy as np

from generators.audio import builtin
from generators.audio.sequence import SAMPLE_RATE, Sequence

CHOICES = ("auto", "fluidsynth", "tinysoundfont", "builtin")


def synth_settings_from_env(environ: Mapping[str, str] | None = None) -> dict[str, str]:
    """``{"_synth": ..., "_soundfont": ...}`` from the environment, for the core to merge into specs."""
    env = os.environ if environ is None else environ
    choice = (env.get("JAMROOM_SYNTH") or "auto").strip().lower()
    out = {"_synth": choice if choice in CHOICES else "auto"}
    if env.get("JAMROOM_SOUNDFONT"):
        out["_soundfont"] = env["JAMROOM_SOUNDFONT"]
    return out


def default_soundfont() -> str | None:
    """The GM font shipped inside pretty_midi (TimGM6mb.sf2), if that package is installed."""
    spec = importlib.util.find_spec("pretty_midi")
    if spec is None or not spec.submodule_search_locations:
        return None
    for folder in spec.submodule_search_locations:
        path = Path(folder) / "TimGM6mb.sf2"
        if path.is_file():
            return str(path)
    return None


@cache
def available() -> tuple[str, ...]:
    """Backends usable on this machine, best first; ``builtin`` is always last and always present."""
    found = []
    from generators.audio import fluid, tsf

    if fluid.library() is not None:
        found.append("fluidsynth")
    if tsf.module() is not None:
        found.append("tinysoundfont")
    found.append("builtin")
    return tuple(found)


def resolve(choice: str | None, soundfont: str | None) -> tuple[str, str | None]:
    """The backend actually used for ``choice`` and the sound font it will load."""
    choice = (choice or "auto").lower()
    font = soundfont or default_soundfont()
    if choice == "builtin" or font is None or not Path(font).is_file():
        return "builtin", None
    present = available()
    if choice == "auto":
        return present[0], (font if present[0] != "builtin" else None)
    if choice in present:
        return choice, font
    return "builtin", None


def render(seq: Sequence, choice: str | None = None, soundfont: str | None = None,
           sr: int = SAMPLE_RATE) -> tuple[np.ndarray, str]:
    """Stereo float32 audio and the name of the backend that made it."""
    backend, font = resolve(choice, soundfont)
    if backend == "fluidsynth" and font:
        from generators.audio import fluid

        audio = fluid.render(seq, font, sr)
        if audio is not None:
            return audio, "fluidsynth"
    if backend == "tinysoundfont" and font:
        from generators.audio import tsf

        audio = tsf.render(seq, font, sr)
        if audio is not None:
            return audio, "tinysoundfont"
    return builtin.render(seq, sr), "builtin"
