"""Instrument voices for the built-in synthesiser, one family per group of General MIDI programs.

A voice is a bright and a dark band-limited wavetable (the note's spectrum at its onset
and once it has settled), an amplitude envelope, and a few touches: vibrato, chorus
detune, tremolo.  Cross-fading the two tables is how a piano or guitar note dulls as
it rings, which is most of what makes it read as an instrument rather than a beep.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Voice:
    bright: tuple[float, ...]  # partial amplitudes at the onset (index 0 = fundamental)
    dark: tuple[float, ...]  # partial amplitudes once settled
    attack: float  # seconds
    decay: float  # amplitude decay rate (1/s) while held; 0 = sustained
    release: float  # seconds
    brightness_decay: float  # 1/s: how fast bright fades to dark (negative: swells)
    sustain: float = 1.0  # floor of the held amplitude for decaying voices
    vibrato: float = 0.0  # depth in semitones
    detune: float = 0.0  # chorus detune in cents (0: single oscillator)
    tremolo: float = 0.0  # amplitude modulation depth
    gain: float = 1.0
    noise: float = 0.0  # breath/bow noise level
    pitch_decay_scale: float = 0.0  # higher notes decay faster by this factor per octave above C4


def _saw(n: int, roll: float = 1.0) -> tuple[float, ...]:
    return tuple(1.0 / (k ** roll) for k in range(1, n + 1))


def _odd(n: int, roll: float = 1.0) -> tuple[float, ...]:
    return tuple((1.0 / (k ** roll)) if k % 2 else 0.0 for k in range(1, n + 1))


VOICES: dict[str, Voice] = {
    "piano": Voice((1, 0.55, 0.3, 0.22, 0.12, 0.08, 0.05, 0.04, 0.02, 0.015), (1, 0.25, 0.06, 0.03),
                   0.004, 1.1, 0.25, 3.5, sustain=0.0, gain=0.9, pitch_decay_scale=0.5),
    "epiano": Voice((1, 0.2, 0.05, 0.02, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.12), (1, 0.08),
                    0.003, 0.9, 0.3, 5.0, sustain=0.1, tremolo=0.12, gain=0.6, pitch_decay_scale=0.3),
    "mallet": Voice((1, 0.0, 0.0, 0.4, 0.0, 0.0, 0.0, 0.0, 0.0, 0.15), (1,), 0.002, 2.2, 0.4, 8.0,
                    sustain=0.0, tremolo=0.0, gain=0.95, pitch_decay_scale=0.4),
    "vibes": Voice((1, 0.0, 0.0, 0.35, 0.0, 0.0, 0.0, 0.0, 0.0, 0.1), (1,), 0.002, 0.8, 0.6, 6.0,
                   sustain=0.0, tremolo=0.35, gain=0.95),
    "organ": Voice((1, 0.7, 0.45, 0.5, 0.0, 0.3, 0.0, 0.25), (1, 0.7, 0.45, 0.5, 0.0, 0.3, 0.0, 0.25),
                   0.012, 0.0, 0.06, 0.0, tremolo=0.08, gain=0.55),
    "pluck": Voice(tuple(a * b for a, b in zip(_saw(12, 0.9), (1, 0.95, 0.8, 0.6, 0.5, 0.45, 0.3, 0.2, 0.2, 0.1, 0.1,
                                                                0.05), strict=True)),
                   (1, 0.3, 0.1, 0.03), 0.003, 1.6, 0.12, 6.0, sustain=0.0, gain=0.9, pitch_decay_scale=0.4),
    "bass": Voice(_saw(8, 1.2), (1, 0.35, 0.1), 0.005, 0.6, 0.08, 3.0, sustain=0.45, gain=1.0),
    "synth-bass": Voice(_saw(14, 1.0), (1, 0.45, 0.2, 0.1), 0.004, 0.3, 0.06, 5.0, sustain=0.6, gain=0.85),
    "strings": Voice(_saw(12, 1.15), _saw(8, 1.5), 0.12, 0.0, 0.35, -2.0, vibrato=0.08, detune=7.0, gain=0.6,
                     noise=0.01),
    "choir": Voice((1, 0.5, 0.55, 0.4, 0.15, 0.1, 0.05), (1, 0.45, 0.5, 0.3, 0.1), 0.18, 0.0, 0.4, 0.0,
                   vibrato=0.1, detune=9.0, gain=0.6),
    "pad": Voice(_saw(10, 1.4), _saw(6, 1.8), 0.35, 0.0, 0.8, -0.8, detune=11.0, gain=0.5),
    "brass": Voice(_saw(12, 1.0), _saw(6, 1.6), 0.03, 0.0, 0.12, -6.0, vibrato=0.06, gain=0.65),
    "reed": Voice((1, 0.6, 0.55, 0.4, 0.3, 0.25, 0.15, 0.1), (1, 0.5, 0.4, 0.25, 0.15), 0.025, 0.0, 0.1, 2.0,
                  vibrato=0.1, gain=0.7, noise=0.02),
    "clarinet": Voice(_odd(11, 1.1), _odd(7, 1.4), 0.03, 0.0, 0.1, 1.0, vibrato=0.05, gain=0.75, noise=0.015),
    "flute": Voice((1, 0.25, 0.08, 0.03), (1, 0.15, 0.04), 0.05, 0.0, 0.12, 1.0, vibrato=0.12, gain=0.9,
                   noise=0.04),
    "lead": Voice(_odd(15, 1.0), _odd(9, 1.2), 0.01, 0.0, 0.1, 1.5, vibrato=0.12, detune=4.0, gain=0.55),
    "guitar-drive": Voice(_saw(16, 0.8), _saw(10, 1.1), 0.005, 0.5, 0.1, 1.5, sustain=0.5, gain=0.5),
}


def voice_for_program(program: int) -> Voice:
    """Pick a voice family for a GM program number (0–127)."""
    p = max(0, min(127, int(program)))
    if p in (4, 5):
        return VOICES["epiano"]
    if p in (6, 7, 45, 46) or 24 <= p <= 28 or 104 <= p <= 111:
        return VOICES["pluck"]
    if p < 8:
        return VOICES["piano"]
    if p == 11:
        return VOICES["vibes"]
    if p < 16 or p == 47 or 112 <= p <= 119:
        return VOICES["mallet"]
    if p in (21, 22, 23):
        return VOICES["reed"]
    if p < 24:
        return VOICES["organ"]
    if p < 32:
        return VOICES["guitar-drive"]
    if p in (38, 39):
        return VOICES["synth-bass"]
    if p < 40:
        return VOICES["bass"]
    if 52 <= p <= 54 or p == 85 or p == 91:
        return VOICES["choir"]
    if p < 56:
        return VOICES["strings"]
    if p < 64:
        return VOICES["brass"]
    if p in (71, 72):
        return VOICES["clarinet"]
    if p < 72:
        return VOICES["reed"]
    if p < 80:
        return VOICES["flute"]
    if p < 88:
        return VOICES["lead"]
    return VOICES["pad"]
