"""/harmonize the way the chorales do: chords by Viterbi over the learned progression model, then alto, tenor
and bass voiced by dynamic programming under the member's melody.

Chords: states are the chorale chord vocabulary of the key's mode; the emission is how often Bach put
the melody's pitch class over that chord, the transition is the learned progression, and phrase ends
(long notes, rests, the last note) take the chorales' cadence chords. Voices: every spacing of the
chord within SATB ranges is a candidate; the cheapest path moves the voices least, follows the
chorales' inversion habits and pays heavily for parallel fifths and octaves and for crossed voices.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np

from generators.music import chord_vocab as cv
from generators.music.learned import Model
from generators.music.ppm import blend, context_code
from generators.music.score import Note, Score, monophonic
from generators.music.theory import Key

RANGES = {"bass": (38, 62), "tenor": (48, 69), "alto": (53, 76)}
VOCABULARY = 36
PARALLEL_COST = 60.0


@dataclass(frozen=True)
class Harmonization:
    times: list[int]  # slot starts in ticks
    ends: list[int]
    chords: list[int]  # chord labels
    voices: np.ndarray  # (slots, 4) soprano, alto, tenor, bass


def _vocabulary(model: Model, tag: int) -> list[int]:
    found = model.tables["chord"].lookup(0, context_code([], tag))
    if found is None:
        return [cv.label(r, q) for r, q in ((0, "maj"), (5, "maj"), (7, "maj"), (9, "min"), (2, "min"))]
    syms, cnts = found
    order = np.argsort(-cnts, kind="stable")
    return [int(s) for s in syms[order][:VOCABULARY]]


def slot_grid(score: Score, line: list[Note]) -> tuple[list[int], list[int]]:
    """Chord slots: one a beat for a hymn-like line (≤ 2 notes a beat), else one every half bar."""
    beat = score.beat_ticks
    total = score.total_ticks
    beats = max(1, total // beat)
    busy = len(line) / beats > 2.0
    step = score.bar_ticks // 2 if busy and score.meter in ("4/4", "12/8") else (score.bar_ticks if busy else beat)
    start = (line[0].start // step) * step if line else 0
    times = list(range(start, total, step))
    return times, [*times[1:], total]


def _sounding(line: list[Note], t: int, end: int) -> list[Note]:
    return [n for n in line if n.start < end and n.end > t]


def _phrase_ends(line: list[Note], times: list[int], ends: list[int], beat: int) -> set[int]:
    """Slots where a phrase closes: a note of two beats or more, or a note followed by a rest."""
    closes = set()
    for i, n in enumerate(line):
        nxt = line[i + 1].start if i + 1 < len(line) else None
        if n.dur >= 2 * beat or (nxt is not None and nxt - n.end >= beat // 2):
            for k, (a, b) in enumerate(zip(times, ends, strict=True)):
                if a <= n.start < b:
                    closes.add(k)
    closes.add(len(times) - 1)
    return closes


def choose_chords(model: Model, key: Key, line: list[Note], times: list[int], ends: list[int],
                  beat: int) -> list[int]:
    tag = 1 if key.minorish else 0
    vocab = _vocabulary(model, tag)
    tonic = cv.label(0, "min" if key.minorish else "maj")
    if tonic not in vocab:
        vocab.append(tonic)
    n_states = len(vocab)
    trans = np.zeros((n_states, n_states))
    for i, a in enumerate(vocab):
        p = blend(model.tables["chord"], [a], tag)[vocab]
        p = p / p.sum()
        trans[i] = np.log(0.25 * np.eye(n_states)[i] + 0.75 * p)
    emit = np.zeros((len(times), n_states))
    for k, (a, b) in enumerate(zip(times, ends, strict=True)):
        notes = _sounding(line, a, b)
        for j, chord in enumerate(vocab):
            p = blend(model.tables["sop"], [], chord)
            score = 0.0
            for n in notes:
                w = 1.0 if n.start <= a else 0.4
                score += w * np.log(p[(n.pitch - key.tonic) % 12])
            emit[k, j] = score
    closes = _phrase_ends(line, times, ends, beat)
    cadence = model.tables["cadence"]
    ending = np.zeros((len(times), n_states))
    for k in closes:
        final = k == len(times) - 1
        for j, chord in enumerate(vocab):
            root, _ = cv.parts(chord)
            ok = chord == tonic or (not final and root == 7 and cv.parts(chord)[1] in ("maj", "dom7"))
            ending[k, j] = 0.0 if ok else (-12.0 if final else -2.5)
        if k > 0:  # the chord before a close leads into it the way the chorales' cadences do
            into = np.array([max(blend(cadence, [c], tag)[tonic], blend(cadence, [c], tag)[cv.label(7, "maj")])
                             for c in vocab])
            ending[k - 1] += np.log(into / into.max()) * 0.5
    score = emit[0] + ending[0] + np.where(np.array(vocab) == tonic, 0.0, -4.0)  # open on the tonic
    back = np.zeros((len(times), n_states), dtype=np.int64)
    for k in range(1, len(times)):
        total = score[:, None] + trans
        back[k] = np.argmax(total, axis=0)
        score = total[back[k], np.arange(n_states)] + emit[k] + ending[k]
    path = [int(np.argmax(score))]
    for k in range(len(times) - 1, 0, -1):
        path.append(int(back[k, path[-1]]))
    return [vocab[j] for j in reversed(path)]


def _candidates(chord: int, key: Key, soprano: int, model: Model) -> tuple[np.ndarray, np.ndarray]:
    """(voicings (n, 4) S A T B, their own cost) for a chord under a soprano note."""
    pcs = cv.pitch_classes(chord, key.tonic)
    inv = blend(model.tables["bass"], [], chord)[: len(pcs)] if len(pcs) <= 4 else np.ones(len(pcs))
    inv = inv / inv.sum()

    def pitches(lo: int, hi: int) -> list[int]:
        return [p for p in range(lo, hi + 1) if p % 12 in pcs]

    rows, costs = [], []
    for b, t, a in itertools.product(pitches(*RANGES["bass"]), pitches(*RANGES["tenor"]), pitches(*RANGES["alto"])):
        if not (b < t <= a <= soprano) or a - t > 12 or soprano - a > 12 or t - b > 19:
            continue
        present = {soprano % 12, a % 12, t % 12, b % 12}
        cost = 0.0
        if pcs[1] not in present:
            cost += 6.0  # no third
        if len(pcs) == 4 and pcs[3] not in present:
            cost += 2.0
        if pcs[0] not in present:
            cost += 4.0
        leading = (key.tonic + 11) % 12
        cost += 3.0 * max(0, sum(p % 12 == leading for p in (soprano, a, t, b)) - 1)
        cost += -2.0 * np.log(max(inv[pcs.index(b % 12)], 1e-3))
        rows.append((soprano, a, t, b))
        costs.append(cost)
    if not rows:  # a soprano too low for SATB ranges: open the alto and tenor downwards
        for b, t, a in itertools.product(pitches(28, 55), pitches(36, 62), pitches(40, 70)):
            if b < t <= a <= soprano:
                rows.append((soprano, a, t, b))
                costs.append(10.0)
    return np.array(rows, dtype=np.int64).reshape(-1, 4), np.array(costs)


def _transition(prev: np.ndarray, cur: np.ndarray) -> np.ndarray:
    """(m, n) cost of moving from each previous voicing to each new one."""
    d = cur[None, :, :] - prev[:, None, :]
    cost = np.abs(d[:, :, 1:3]).sum(axis=2) + 0.5 * np.abs(d[:, :, 3]) + 2.0 * (np.abs(d[:, :, 3]) > 7)
    for i, j in itertools.combinations(range(4), 2):
        before = (prev[:, None, i] - prev[:, None, j]) % 12
        after = (cur[None, :, i] - cur[None, :, j]) % 12
        moved = (d[:, :, i] != 0) & (d[:, :, j] != 0)
        same_way = np.sign(d[:, :, i]) == np.sign(d[:, :, j])
        parallel = moved & same_way & (before == after) & ((after == 0) | (after == 7))
        cost = cost + PARALLEL_COST * parallel
    # a voice jumping past where its neighbour just was (overlap)
    cost = cost + 4.0 * ((cur[None, :, 1] < prev[:, None, 2]) | (cur[None, :, 2] > prev[:, None, 1]))
    cost = cost + 4.0 * ((cur[None, :, 2] < prev[:, None, 3]) | (cur[None, :, 3] > prev[:, None, 2]))
    return cost


def voice(model: Model, key: Key, chords: list[int], sopranos: list[int]) -> np.ndarray:
    cands, own = zip(*(_candidates(c, key, s, model) for c, s in zip(chords, sopranos, strict=True)), strict=True)
    best = own[0].copy()
    back: list[np.ndarray] = []
    for k in range(1, len(chords)):
        total = best[:, None] + _transition(cands[k - 1], cands[k])
        idx = np.argmin(total, axis=0)
        back.append(idx)
        best = total[idx, np.arange(total.shape[1])] + own[k]
    j = int(np.argmin(best))
    path = [j]
    for idx in reversed(back):
        j = int(idx[j])
        path.append(j)
    path.reverse()
    return np.array([cands[k][j] for k, j in enumerate(path)])


def harmonize(model: Model, score: Score) -> Harmonization:
    melody = score.melody()
    line = monophonic(melody.notes) if melody is not None else []
    times, ends = slot_grid(score, line)
    chords = choose_chords(model, score.key, line, times, ends, score.beat_ticks)
    sopranos = []
    last = line[0].pitch if line else 72
    for a, b in zip(times, ends, strict=True):
        notes = _sounding(line, a, b)
        last = notes[0].pitch if notes else last
        sopranos.append(last)
    # the voices are placed under the melody's own octave when it sits in a singer's range, else under
    # the nearest such octave (the parts stay below the lead either way)
    shift = 0
    middle = float(np.median(sopranos)) if sopranos else 72.0
    while middle + shift < 64:
        shift += 12
    while middle + shift > 80:
        shift -= 12
    voices = voice(model, score.key, chords, [s + shift for s in sopranos])
    voices[:, 0] -= shift
    if shift > 0:
        voices[:, 1:] -= 12 * ((shift + 11) // 12)
    return Harmonization(times, ends, chords, voices)


def chord_names(h: Harmonization, key: Key, limit: int = 24) -> list[str]:
    """Lead-sheet names of the chord changes, e.g. ["D", "A/C#", "Bm"], with slash basses."""
    spell = ("C", "C#", "D", "Eb", "E", "F", "F#", "G", "Ab", "A", "Bb", "B")
    out: list[str] = []
    previous = None
    for chord, row in zip(h.chords, h.voices, strict=True):
        label = cv.name(chord, key.tonic, spell)
        bass = spell[int(row[3]) % 12]
        if not label.startswith(bass) or (len(label) > len(bass) and label[len(bass)] in "#b"):
            label += f"/{bass}"
        if label != previous:
            out.append(label)
        previous = label
    return out[:limit]


def parallels(voices: np.ndarray) -> int:
    """Parallel fifths and octaves between any two voices from one slot to the next."""
    count = 0
    for k in range(1, len(voices)):
        prev, cur = voices[k - 1], voices[k]
        for i, j in itertools.combinations(range(4), 2):
            a, b = (prev[i] - prev[j]) % 12, (cur[i] - cur[j]) % 12
            di, dj = cur[i] - prev[i], cur[j] - prev[j]
            if di and dj and np.sign(di) == np.sign(dj) and a == b and a in (0, 7):
                count += 1
    return count
