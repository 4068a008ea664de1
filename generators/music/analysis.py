"""Read harmony back out of notes: which diatonic chord fits each bar, chosen with a Viterbi pass.

Used to harmonise a melody, and to find the chords under a sketch before adding a bass
line, a pad or an arpeggio to it.
"""

from __future__ import annotations

import numpy as np

from generators.music.melody_line import Harmony
from generators.music.score import Note, Score, monophonic

#: How natural a move from chord root a to chord root b is (in scale degrees); unlisted moves cost 1.
_GOOD_MOVES = {(0, 3): 0.0, (0, 4): 0.0, (0, 5): 0.1, (3, 4): 0.0, (3, 0): 0.1, (4, 0): 0.0, (5, 3): 0.0,
               (5, 1): 0.1, (1, 4): 0.0, (2, 5): 0.1, (6, 0): 0.2, (4, 5): 0.2, (3, 1): 0.2, (0, 1): 0.4,
               (0, 6): 0.3, (6, 3): 0.2, (0, 2): 0.4}
_PREFERRED = {0: 0.3, 3: 0.2, 4: 0.25, 5: 0.15, 1: 0.1, 2: 0.0, 6: -0.1}


def bar_profiles(notes: list[Note], score: Score, *, strong_bonus: float = 1.0) -> np.ndarray:
    """(bars, 7) weights of each scale degree per bar, by duration, with strong beats counting double."""
    prof = np.zeros((score.bars, 7))
    bar_ticks = score.bar_ticks
    strong = set(score.strong_beats)
    for n in notes:
        bar = n.start // bar_ticks
        if not 0 <= bar < score.bars:
            continue
        weight = min(n.dur, bar_ticks) / bar_ticks
        if n.start % bar_ticks in strong:
            weight += strong_bonus * 0.25
        if not score.key.contains(n.pitch):
            weight *= 0.5
        prof[bar, score.key.degree_of(n.pitch) % 7] += weight
    return prof


def fit_chords(profiles: np.ndarray, *, end_on_tonic: bool = True, bass: np.ndarray | None = None,
               allow_sevenths: bool = False) -> tuple[list[int], frozenset[int]]:
    """Best root per bar: chord-tone coverage of the bar's notes plus smooth, functional motion between bars.

    With ``allow_sevenths`` a bar may take its chord's seventh when that covers notes the triad
    misses; returns the roots and the bars that did.
    """
    bars = len(profiles)
    if bars == 0:
        return [], frozenset()
    fit = np.zeros((bars, 7))
    seventh_better = np.zeros((bars, 7), dtype=bool)
    total = profiles.sum(axis=1) + 1e-9
    for r in range(7):
        tones = [r, (r + 2) % 7, (r + 4) % 7]
        triad = profiles[:, tones].sum(axis=1) / total * 3.0
        fit[:, r] = triad + _PREFERRED[r]
        if allow_sevenths:
            seventh = profiles[:, [*tones, (r + 6) % 7]].sum(axis=1) / total * 3.0 - 0.35
            seventh_better[:, r] = seventh > triad
            fit[:, r] = np.maximum(triad, seventh) + _PREFERRED[r]
        if bass is not None:
            fit[:, r] += 0.8 * bass[:, r] / (bass.sum(axis=1) + 1e-9)
    move = np.ones((7, 7))
    for (a, b), cost in _GOOD_MOVES.items():
        move[a, b] = cost
    np.fill_diagonal(move, 0.35)
    score = fit[0].copy()
    score[0] += 0.5  # starting on the tonic is the norm
    back = np.zeros((bars, 7), dtype=int)
    for i in range(1, bars):
        total = score[:, None] - move * 0.8
        back[i] = np.argmax(total, axis=0)
        score = total[back[i], np.arange(7)] + fit[i]
        if end_on_tonic and i == bars - 1:
            score[0] += 2.0
            score[4] -= 0.5
    roots = [int(np.argmax(score))]
    for i in range(bars - 1, 0, -1):
        roots.append(int(back[i][roots[-1]]))
    roots.reverse()
    return roots, frozenset(i for i, r in enumerate(roots) if seventh_better[i, r])


def infer_harmony(score: Score, *, from_melody_only: bool = False, sevenths: bool = False) -> Harmony:
    """The chords under ``score``: from its chord/bass/pad parts when it has them, else from the melody."""
    support = [n for p in score.parts if p.role in ("chords", "pad", "arpeggio") for n in p.notes]
    bass_notes = [n for p in score.parts if p.role == "bass" for n in p.notes]
    melody = score.melody()
    lead = monophonic(melody.notes) if melody else []
    if from_melody_only or not (support or bass_notes):
        # strong-beat notes decide the chord; a seventh may join when the triad cannot hold them all
        profiles = bar_profiles(lead, score, strong_bonus=8.0)
        roots, with_seventh = fit_chords(profiles, allow_sevenths=True)
        return Harmony(tuple(roots), sevenths=sevenths, seventh_bars=with_seventh)
    profiles = bar_profiles(support + bass_notes, score, strong_bonus=0.5) + 0.5 * bar_profiles(lead, score)
    bass = bar_profiles(bass_notes, score, strong_bonus=2.0) if bass_notes else None
    roots, _ = fit_chords(profiles, bass=bass)
    return Harmony(tuple(roots), sevenths=sevenths)


def coverage(melody: list[Note], score: Score, harmony: Harmony) -> float:
    """Share of the melody's strong-beat notes that are tones of the bar's chord."""
    strong = set(score.strong_beats)
    hits = total = 0
    for n in melody:
        if n.start % score.bar_ticks not in strong:
            continue
        bar = n.start // score.bar_ticks
        if bar >= score.bars:
            continue
        total += 1
        hits += (score.key.degree_of(n.pitch) % 7) in harmony.tones(bar)
    return hits / total if total else 1.0
