"""Renderers: the built-in synthesiser always, FluidSynth when the system library is present; backend choice."""

from __future__ import annotations

import numpy as np
import pyloudnorm
import pytest

from generators.audio import backends, builtin, fluid, tsf
from generators.audio.drumkit import drum_sound
from generators.audio.loudness import master
from generators.audio.sequence import SAMPLE_RATE, NoteEvent, Sequence, Track
from generators.audio.timbres import VOICES, voice_for_program

SR = SAMPLE_RATE


def _sequence(program: int = 0, drums: bool = True) -> Sequence:
    melody = tuple(NoteEvent(i * 0.25, 0.22, 60 + (i * 2) % 12, 90) for i in range(8))
    tracks = [Track(program, melody, pan=0.2, name="melody"),
              Track(33, tuple(NoteEvent(i * 0.5, 0.45, 36, 100) for i in range(4)), channel=2, name="bass")]
    if drums:
        tracks.append(Track(0, tuple(NoteEvent(i * 0.25, 0.1, (36, 42, 38, 42)[i % 4], 100) for i in range(8)),
                            is_drum=True, channel=9, name="drums"))
    return Sequence(tuple(tracks), 2.0)


def test_every_voice_family_sounds_and_decays_cleanly():
    for name, voice in VOICES.items():
        note = builtin.render_note(voice, 60, 0.5)
        assert np.all(np.isfinite(note)), name
        assert np.sqrt(np.mean(note**2)) > 0.01, name
        assert abs(note[-1]) < 1e-3, name  # the release ends at zero: no click


def test_every_gm_program_and_drum_key_renders():
    for program in range(128):
        assert voice_for_program(program) in VOICES.values()
    for key in range(27, 88):
        sound = drum_sound(key, SR)
        assert np.all(np.isfinite(sound)) and np.max(np.abs(sound)) == pytest.approx(1.0, abs=1e-3), key


def test_builtin_render_is_stereo_deterministic_and_not_silent():
    a = builtin.render(_sequence())
    b = builtin.render(_sequence())
    assert a.shape == (int((2.0 + builtin.TAIL_S) * SR), 2)
    assert np.array_equal(a, b)
    assert not np.array_equal(a[:, 0], a[:, 1])  # panned
    out = master(a, SR)
    assert -17 <= pyloudnorm.Meter(SR).integrated_loudness(out.astype(np.float64)) <= -15


def test_synth_settings_come_from_the_environment_only_through_one_function():
    assert backends.synth_settings_from_env({}) == {"_synth": "auto"}
    env = {"JAMROOM_SYNTH": "FluidSynth", "JAMROOM_SOUNDFONT": "/x/GM.sf2"}
    assert backends.synth_settings_from_env(env) == {"_synth": "fluidsynth", "_soundfont": "/x/GM.sf2"}
    assert backends.synth_settings_from_env({"JAMROOM_SYNTH": "nonsense"}) == {"_synth": "auto"}


def test_resolve_falls_back_to_builtin():
    assert backends.resolve("builtin", None) == ("builtin", None)
    assert backends.resolve("fluidsynth", "/nowhere/missing.sf2") == ("builtin", None)
    assert backends.available()[-1] == "builtin"
    audio, used = backends.render(_sequence(), "tinysoundfont" if "tinysoundfont" not in backends.available()
                                  else "builtin", None)
    assert used == "builtin" and audio.shape[1] == 2


needs_fluidsynth = pytest.mark.skipif(fluid.library() is None or backends.default_soundfont() is None,
                                      reason="libfluidsynth or a GM sound font is not installed")


@needs_fluidsynth
def test_fluidsynth_renders_the_sequence_deterministically():
    font = backends.default_soundfont()
    a = fluid.render(_sequence(program=40), font, SR)
    b = fluid.render(_sequence(program=40), font, SR)
    assert a is not None and a.shape[1] == 2 and np.array_equal(a, b)
    assert np.sqrt(np.mean(a**2)) > 1e-3
    out, used = backends.render(_sequence(), "auto", None)
    assert used == "fluidsynth"
    assert -17 <= pyloudnorm.Meter(SR).integrated_loudness(master(out, SR).astype(np.float64)) <= -15


@needs_fluidsynth
def test_fluidsynth_plays_drums_on_channel_10():
    drums_only = Sequence((_sequence().tracks[2],), 2.0)
    audio = fluid.render(drums_only, backends.default_soundfont(), SR)
    assert audio is not None and np.sqrt(np.mean(audio**2)) > 1e-3


needs_tinysoundfont = pytest.mark.skipif(tsf.module() is None or backends.default_soundfont() is None,
                                         reason="tinysoundfont (optional, operator-installed) is not present")


@needs_tinysoundfont
def test_tinysoundfont_renders_every_channel_deterministically():
    font = backends.default_soundfont()
    a = tsf.render(_sequence(), font, SR)
    assert a is not None and np.array_equal(a, tsf.render(_sequence(), font, SR))
    for track in _sequence().tracks:  # a program is selected on every channel, drums included
        alone = tsf.render(Sequence((track,), 2.0), font, SR)
        assert np.sqrt(np.mean(alone**2)) > 1e-4, track.name
