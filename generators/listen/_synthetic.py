"""Synthetic recordings with known notes, for tests and ``bench/transcription.py`` (never used at run time).

A hum follows QUALITY.md: harmonics 1–6 at 1/k, vibrato 5.5 Hz ±30 cents, an 80 ms scoop from
60 cents below into each note, breath noise at −40 dB and a 30 ms gap before each next note.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

HUM_RATE = 22050


def hum(notes: Sequence[tuple[float, float, int]], sr: int = HUM_RATE, seed: int = 0,
        lead_in: float = 0.0) -> np.ndarray:
    """A hummed line of ``(start_s, duration_s, pitch)`` notes (sequential; overlaps are cut)."""
    rng = np.random.default_rng(seed)
    end = max((s + d for s, d, _ in notes), default=0.0) + lead_in + 0.3
    out = np.zeros(int(end * sr) + 1)
    ordered = sorted(notes)
    for i, (start, dur, pitch) in enumerate(ordered):
        if i + 1 < len(ordered):
            dur = min(dur, ordered[i + 1][0] - start)
        length = max(dur - 0.03, 0.02)
        t = np.arange(int(length * sr)) / sr
        cents = 30 * np.sin(2 * np.pi * 5.5 * t) - 60 * (1 - np.clip(t / 0.08, 0, 1))
        freq = 440.0 * 2 ** ((pitch - 69 + cents / 100) / 12)
        phase = 2 * np.pi * np.cumsum(freq) / sr
        tone = sum(np.sin(k * phase) / k for k in range(1, 7))
        envelope = np.minimum(1.0, np.minimum(t / 0.02, (length - t) / 0.03))
        at = int((start + lead_in) * sr)
        out[at:at + len(t)] += 0.3 * tone * envelope
    rms = float(np.sqrt(np.mean(out ** 2))) or 1.0
    out += 10 ** (-40 / 20) * rms * rng.standard_normal(len(out))
    return out.astype(np.float32)
