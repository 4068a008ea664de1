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


def _seconds(post: Posteriors, frame: int) -> float:
    """Time of frame index ``frame`` (one past the last frame counts one hop on)."""
    if frame < len(post.times):
        return float(post.times[frame])
    return float(post.times[-1]) + (frame - len(post.times) + 1) / FPS if len(post.times) else frame / FPS


def _velocity(strength: float) -> int:
    return int(np.clip(round(40 + 80 * strength), 30, 120))


def _onset_peaks(onset: np.ndarray, threshold: float) -> np.ndarray:
    """Boolean (frames, keys): a local maximum in time at or above ``threshold``."""
    before = np.vstack([np.zeros((1, onset.shape[1])), onset[:-1]])
    after = np.vstack([onset[1:], np.zeros((1, onset.shape[1]))])
    return (onset >= threshold) & (onset >= before) & (onset > after)


def loudness_db(audio: np.ndarray, times: np.ndarray, sample_rate: int = 22050) -> np.ndarray:
    """RMS level in dB at each frame time (a 512-sample window centred on it)."""
    power = np.convolve(audio.astype(np.float64) ** 2, np.ones(2 * HOP) / (2 * HOP), mode="same")
    at = np.clip(np.round(times * sample_rate).astype(int), 0, max(len(power) - 1, 0))
    if not len(power):
        return np.full(len(times), -100.0)
    return 10 * np.log10(power[at] + 1e-10)


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
    _pull_back_starts(merged, onset)
    notes = []
    for start, end, k in merged:
        if end - start < th.min_frames:
            continue
        strength = float(frame[start:end, k].mean())
        notes.append(Heard(_seconds(post, start), _seconds(post, end), k + LOWEST_PITCH, _velocity(strength)))
    return notes


def _pull_back_starts(runs: list[list[int]], onset: np.ndarray, reach: int = 10, floor: float = 0.3) -> None:
    """Move each note's start back to its own onset peak when the strongest key switched late.

    A slow attack (a choir, a soft voice) lets the previous note's release stay the strongest key for a
    while after the new note began; the onset posterior of the new key marks where it really began.
    """
    for prev, cur in itertools.pairwise(runs):
        if cur[0] != prev[1]:
            continue
        lo = max(prev[0] + 1, cur[0] - reach)
        if lo >= cur[0]:
            continue
        window = onset[lo:cur[0] + 1, cur[2]]
        best = lo + int(np.argmax(window))
        if window.max() >= floor and best < cur[0]:
            cur[0] = best
            prev[1] = best


def chord_notes(post: Posteriors, th: Thresholds = CHORDS) -> list[Heard]:
    """Several notes at once: each key decoded on its own from onset peaks and frame activity."""
    frame, onset = post.frame, post.onset
    n_frames = len(frame)
    peaks = _onset_peaks(onset, th.onset)
    # a key already ringing re-starts only on a strong onset (a ringing piano note re-peaks weakly)
    ringing = np.vstack([np.zeros((3, frame.shape[1]), bool), (frame[:-3] >= th.frame)])[:len(frame)]
    peaks &= ~ringing | (onset >= th.reonset)
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
            notes.append(Heard(_seconds(post, s), _seconds(post, end), k + LOWEST_PITCH, _velocity(strength)))
    notes.sort(key=lambda n: (n.start, n.pitch))
    return _drop_overtones(notes)


def _drop_overtones(notes: list[Heard], window: float = 0.035) -> list[Heard]:
    """Drop a clearly quieter note an octave, twelfth or two octaves above one struck with it (an overtone)."""
    kept = []
    for n in notes:
        ghost = any(abs(m.start - n.start) <= window and n.pitch - m.pitch in (12, 19, 24)
                    and m.velocity >= n.velocity + 12
                    for m in notes)
        if not ghost:
            kept.append(n)
    return kept


#: Semitones above the lowest onset where ghost onsets sit: its overtones 1–8, and those of the
#: semitone below it (a scoop starts there).
HARMONICS = frozenset(h + below for h in (0, 12, 19, 24, 28, 31, 34, 36) for below in (0, 1))


def polyphony(post: Posteriors, threshold: float = 0.5) -> float:
    """Share of note onsets struck together with another note (not an octave of it): chords, not a line.

    Onsets, not sounding frames: a piano line rings under its next note, but never starts two at once;
    an onset at an overtone of the lowest one struck with it does not count.
    """
    peaks = _onset_peaks(post.onset, threshold)
    events = list(zip(*np.nonzero(peaks), strict=True))
    if not events:
        return 0.0
    together = 0
    for t, k in events:
        near = np.flatnonzero(peaks[max(t - 2, 0):t + 3].any(axis=0))
        if int(k) - int(near.min()) not in HARMONICS:
            together += 1
    return together / len(events)
