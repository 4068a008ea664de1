"""Notes from the network's posteriors: our own decoding, tuned per kind of recording.

Two readings:

* **line** (voice, or any single-line instrument): one note at a time.  Each frame takes its
  strongest key; runs shorter than a note are folded into the run after them, so an 80 ms scoop
  from below counts as the start of the note it slides into, and vibrato within ±50 cents never
  splits a note.  A same-pitch note re-starts where the onset posterior peaks (a re-sung note).
* **chords** (instruments that play several notes at once): every key on its own; a note starts at
  an onset peak and lasts while its frame posterior stays up, bridging dropouts of a few frames.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np

from generators.listen._model import FPS, HOP, LOWEST_PITCH, Posteriors


@dataclass(frozen=True)
class Heard:
    """One transcribed note, in seconds from the start of the recording."""

    start: float
    end: float
    pitch: int
    velocity: int


@dataclass(frozen=True)
class Thresholds:
    onset: float
    frame: float
    min_frames: int
    gap_frames: int
    #: A same-pitch note re-starts inside a sounding run only on an onset this strong, or on a weaker
    #: onset peak where the loudness dips by ``dip_db`` (a breath between two sung notes).
    reonset: float = 0.8
    dip_db: float = 6.0


#: Tuned on held-out tunes and synthetic hums (bench/transcription.py).
LINE = Thresholds(onset=0.5, frame=0.25, min_frames=6, gap_frames=1)
CHORDS = Thresholds(onset=0.45, frame=0.3, min_frames=5, gap_frames=3)


def _velocity(strength: float) -> int:
    return int(np.clip(round(40 + 80 * strength), 30, 120))


def _onset_peaks(onset: np.ndarray, threshold: float) -> np.ndarray:
    """Boolean (frames, keys): a local maximum in time at or above ``threshold``."""
    before = np.vstack([np.zeros((1, onset.shape[1])), onset[:-1]])
    after = np.vstack([onset[1:], np.zeros((1, onset.shape[1]))])
    return (onset >= threshold) & (onset >= before) & (onset > after)


def loudness_db(audio: np.ndarray, n_frames: int) -> np.ndarray:
    """RMS level in dB per network frame (512-sample window centred on each frame)."""
    padded = np.concatenate([np.zeros(HOP, np.float32), audio.astype(np.float32), np.zeros(2 * HOP, np.float32)])
    power = np.convolve(padded.astype(np.float64) ** 2, np.ones(2 * HOP) / (2 * HOP), mode="valid")
    level = 10 * np.log10(power[::HOP] + 1e-10)
    out = np.full(n_frames, -100.0)
    out[:min(n_frames, len(level))] = level[:n_frames]
    return out


def _restarts(onset: np.ndarray, level: np.ndarray, th: Thresholds) -> np.ndarray:
    """Boolean (frames, keys): where a note of the same key may start again inside a sounding run."""
    peaks = _onset_peaks(onset, th.onset)
    n = len(level)
    before = np.array([level[max(t - 4, 0):t + 1].min() for t in range(n)])
    after = np.array([level[t:t + 5].max() for t in range(n)])
    dip = (after - before) >= th.dip_db
    return peaks & ((onset >= th.reonset) | dip[:, None])


def line_notes(post: Posteriors, level: np.ndarray, th: Thresholds = LINE) -> list[Heard]:
    """A single melodic line: at most one note sounding at any time.  ``level``: :func:`loudness_db`."""
    frame, onset = post.frame, post.onset
    if not len(frame):
        return []
    strongest = frame.max(axis=1)
    key = frame.argmax(axis=1)
    voiced = strongest >= th.frame
    peaks = _restarts(onset, level, th)
    # runs of (voiced, key); an unvoiced gap ends a run
    runs: list[list[int]] = []  # [start, end, key]
    for t in range(len(frame)):
        if not voiced[t]:
            continue
        restart = peaks[t, key[t]] and runs and t - runs[-1][0] >= th.min_frames
        if runs and runs[-1][1] == t and runs[-1][2] == key[t] and not restart:
            runs[-1][1] = t + 1
        else:
            runs.append([t, t + 1, int(key[t])])
    # fold runs too short to be notes into the next run when they touch it (a scoop), else drop them
    merged: list[list[int]] = []
    i = 0
    while i < len(runs):
        start, end, k = runs[i]
        if end - start < th.min_frames and i + 1 < len(runs) and runs[i + 1][0] - end <= th.gap_frames:
            runs[i + 1][0] = start
            i += 1
            continue
        if merged and merged[-1][2] == k and start - merged[-1][1] <= th.gap_frames \
                and not peaks[max(start - 2, 0):start + 3, k].any():
            merged[-1][1] = end
        else:
            merged.append([start, end, k])
        i += 1
    notes = []
    for start, end, k in merged:
        if end - start < th.min_frames:
            continue
        strength = float(frame[start:end, k].mean())
        notes.append(Heard(start / FPS, end / FPS, k + LOWEST_PITCH, _velocity(strength)))
    return notes


def chord_notes(post: Posteriors, th: Thresholds = CHORDS) -> list[Heard]:
    """Several notes at once: each key decoded on its own from onset peaks and frame activity."""
    frame, onset = post.frame, post.onset
    n_frames = len(frame)
    peaks = _onset_peaks(onset, th.onset)
    notes: list[Heard] = []
    for k in range(frame.shape[1]):
        starts = np.flatnonzero(peaks[:, k])
        for j, s in enumerate(starts):
            limit = int(starts[j + 1]) if j + 1 < len(starts) else n_frames
            t, quiet = s, 0
            while t < limit:
                if frame[t, k] >= th.frame:
                    quiet = 0
                else:
                    quiet += 1
                    if quiet > th.gap_frames:
                        break
                t += 1
            end = t - quiet
            if end - s < th.min_frames:
                continue
            strength = float(max(frame[s:end, k].mean(), onset[s, k]))
            notes.append(Heard(s / FPS, end / FPS, k + LOWEST_PITCH, _velocity(strength)))
    notes.sort(key=lambda n: (n.start, n.pitch))
    return notes


def polyphony(post: Posteriors, threshold: float = 0.4) -> float:
    """Share of sounding frames where two or more keys (not octaves of each other) sound together."""
    active = post.frame >= threshold
    counts = active.sum(axis=1)
    sounding = counts >= 1
    if not sounding.any():
        return 0.0
    several = 0
    for t in np.flatnonzero(counts >= 2):
        keys = np.flatnonzero(active[t])
        if any((b - a) % 12 for a, b in itertools.pairwise(keys)):
            several += 1
    return several / int(sounding.sum())
