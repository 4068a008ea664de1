"""Synthesised drums for the built-in renderer: kick, snare, hats, toms, cymbals, hand percussion.

Each sound is made once per (note, sample rate) from a fixed-seed noise source, so
renders are deterministic, and cached: a whole song reuses a dozen short arrays.
"""

from __future__ import annotations

from functools import cache

import numpy as np
from scipy import signal


def _t(seconds: float, sr: int) -> np.ndarray:
    return np.arange(int(seconds * sr), dtype=np.float64) / sr


def _noise(n: int, seed: int) -> np.ndarray:
    return np.random.default_rng(seed).standard_normal(n)


def _band(x: np.ndarray, lo: float | None, hi: float | None, sr: int, order: int = 2) -> np.ndarray:
    top = 0.45 * sr  # keep every edge under Nyquist, whatever the rate
    hi = min(hi, top) if hi else None
    lo = min(lo, 0.8 * top) if lo else None
    if lo and hi and lo >= hi:
        lo = hi / 2
    if lo and hi:
        sos = signal.butter(order, [lo, hi], btype="bandpass", fs=sr, output="sos")
    elif lo:
        sos = signal.butter(order, lo, btype="highpass", fs=sr, output="sos")
    else:
        sos = signal.butter(order, hi, btype="lowpass", fs=sr, output="sos")
    return signal.sosfilt(sos, x)


def _sweep(f0: float, f1: float, rate: float, t: np.ndarray, sr: int) -> np.ndarray:
    freq = f1 + (f0 - f1) * np.exp(-t * rate)
    return np.sin(2 * np.pi * np.cumsum(freq) / sr)


def _kick(sr: int) -> np.ndarray:
    t = _t(0.45, sr)
    body = _sweep(160, 48, 28, t, sr) * np.exp(-t * 7.5)
    click = _band(_noise(len(t), 1), 1500, 6000, sr) * np.exp(-t * 300) * 0.35
    return np.tanh(1.6 * (body + click))


def _snare(sr: int) -> np.ndarray:
    t = _t(0.32, sr)
    tone = (np.sin(2 * np.pi * 185 * t) + 0.5 * np.sin(2 * np.pi * 330 * t)) * np.exp(-t * 28)
    rattle = _band(_noise(len(t), 2), 1800, 9000, sr) * np.exp(-t * 16)
    return 0.55 * tone + 0.75 * rattle


def _clap(sr: int) -> np.ndarray:
    t = _t(0.3, sr)
    env = np.exp(-t * 22)
    for offset in (0.0, 0.011, 0.022):
        env = env + 0.8 * np.exp(-np.clip(t - offset, 0, None) * 180) * (t >= offset)
    return _band(_noise(len(t), 3), 900, 5000, sr) * env * 0.6


def _metal(t: np.ndarray, sr: int, seed: int) -> np.ndarray:
    """The classic drum-machine cymbal: six square waves at inharmonic ratios, high-passed."""
    freqs = (205.3, 304.4, 369.6, 522.7, 540.0, 800.0)
    square = sum(np.sign(np.sin(2 * np.pi * f * t + i)) for i, f in enumerate(freqs)) / 6
    return _band(square + 0.4 * _noise(len(t), seed), 6000, None, sr)


def _hat(sr: int, length: float, decay: float, seed: int) -> np.ndarray:
    t = _t(length, sr)
    return _metal(t, sr, seed) * np.exp(-t * decay) * 0.8


def _cymbal(sr: int, length: float, decay: float, seed: int, bell: float = 0.0) -> np.ndarray:
    t = _t(length, sr)
    wash = _band(_metal(t, sr, seed) + 0.6 * _band(_noise(len(t), seed + 1), 3000, None, sr), 3000, None, sr)
    out = wash * np.exp(-t * decay) * 0.5
    if bell:
        out += bell * (np.sin(2 * np.pi * 2240 * t) + 0.6 * np.sin(2 * np.pi * 3450 * t)) * np.exp(-t * 6)
    return out


def _tom(sr: int, freq: float) -> np.ndarray:
    t = _t(0.5, sr)
    skin = _band(_noise(len(t), 5), 200, 2000, sr) * np.exp(-t * 40)
    return _sweep(freq * 1.6, freq, 18, t, sr) * np.exp(-t * 8) + 0.1 * skin


def _click(sr: int, freq: float, decay: float, seed: int) -> np.ndarray:
    t = _t(0.12, sr)
    return (np.sin(2 * np.pi * freq * t) + 0.3 * _band(_noise(len(t), seed), 2000, 8000, sr)) * np.exp(-t * decay)


def _shaker(sr: int) -> np.ndarray:
    t = _t(0.12, sr)
    env = np.minimum(t / 0.02, 1) * np.exp(-t * 40)
    return _band(_noise(len(t), 9), 5000, 14000, sr) * env * 0.6


def _cowbell(sr: int) -> np.ndarray:
    t = _t(0.3, sr)
    tone = np.sign(np.sin(2 * np.pi * 562 * t)) + np.sign(np.sin(2 * np.pi * 845 * t))
    return _band(tone, 400, 4000, sr) * np.exp(-t * 14) * 0.3


@cache
def drum_sound(note: int, sr: int) -> np.ndarray:
    """Mono float32 sound for a GM percussion key (unknown keys fall back to a close relative)."""
    if note in (35, 36):
        x = _kick(sr)
    elif note in (38, 40):
        x = _snare(sr)
    elif note == 37:
        x = _click(sr, 1700, 60, 11) * 0.7
    elif note == 39:
        x = _clap(sr)
    elif note in (42, 44):
        x = _hat(sr, 0.09 if note == 42 else 0.07, 60 if note == 42 else 75, 12)
    elif note == 46:
        x = _hat(sr, 0.45, 7, 13)
    elif note in (49, 52, 55, 57):
        x = _cymbal(sr, 1.6, 2.2, 14)
    elif note in (51, 59):
        x = _cymbal(sr, 0.9, 4.5, 15, bell=0.08)
    elif note == 53:
        x = _cymbal(sr, 1.0, 4.0, 16, bell=0.3)
    elif note in (41, 43, 45, 47, 48, 50):
        x = _tom(sr, {41: 82, 43: 98, 45: 110, 47: 131, 48: 147, 50: 175}[note])
    elif note in (69, 70, 82):
        x = _shaker(sr)
    elif note == 56:
        x = _cowbell(sr)
    elif note in (75, 76, 77):
        x = _click(sr, 2500 if note == 75 else 1200, 50, 17)
    elif note in (54, 58):
        x = _shaker(sr) * 1.2
    else:
        x = _click(sr, 400 + 20 * (note % 40), 30, note)
    peak = float(np.max(np.abs(x))) or 1.0
    return (x / peak).astype(np.float32)


#: Stereo placement of drums (from the drummer's seat, gently).
DRUM_PAN = {42: 0.3, 44: 0.3, 46: 0.3, 49: -0.4, 51: 0.35, 45: -0.25, 47: 0.0, 50: 0.25, 70: 0.45, 37: -0.1,
            56: -0.3, 75: 0.4}
#: Relative levels so the kit balances.
DRUM_LEVEL = {36: 1.0, 35: 1.0, 38: 0.75, 40: 0.75, 39: 0.6, 42: 0.28, 44: 0.25, 46: 0.3, 49: 0.35, 51: 0.3,
              37: 0.45, 70: 0.22, 56: 0.3, 75: 0.35}
