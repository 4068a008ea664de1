"""Generated vs human melodies, /harmonize against Bach, /continue closeness, speed — on the held-out tunes.

    nice python bench/music_quality.py [--n 200] [--old 3115d8f] [--part features|harmonize|continue|speed|all]

Human melodies: the committed held-out list (Essen and O'Neill's for folk), from the corpus cache
``python -m generators.music.train`` made. "Old" is the generator as it was at git commit ``--old``
(exported with ``git archive`` into a temporary folder and run there). Definitions: docs/music.md and
../shared/QUALITY.md. Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from generators.music import chorale, develop, learned  # noqa: E402
from generators.music import chord_vocab as cv  # noqa: E402
from generators.music.heldout import heldout_ids  # noqa: E402
from generators.music.score import METERS, Note, Part, Score, monophonic  # noqa: E402
from generators.music.sketch import compose  # noqa: E402
from generators.music.theory import Key, note_name  # noqa: E402
from generators.music.train import ALL, load_tunes  # noqa: E402

TPU = 40  # ticks per corpus unit
FOLK_PROMPTS = ("", "sunny folk", "wistful", "happy", "calm", "dark", "gentle", "playful", "epic", "lonely")
MODES = ("major", "minor")


# --- features --------------------------------------------------------------------------------


def features(pitches: list[int], onsets_beats: list[float], key: tuple[int, str] | None) -> dict[str, float]:
    iv = np.diff(pitches)
    a = np.abs(iv)
    ioi = np.diff(onsets_beats)
    tokens = list(zip(iv.tolist(), np.round(ioi, 3).tolist(), strict=True))
    windows = [tuple(tokens[i:i + 4]) for i in range(len(tokens) - 3)]
    counts = Counter(windows)
    reuse = sum(counts[w] > 1 for w in windows) / max(1, len(windows))
    span = onsets_beats[-1] - onsets_beats[0] + (ioi[-1] if len(ioi) else 1.0)
    out = {"steps": float(np.mean((a >= 1) & (a <= 2))), "repeats": float(np.mean(a == 0)),
           "leaps": float(np.mean(a >= 5)), "reuse": reuse, "range": float(max(pitches) - min(pitches)),
           "notes_per_beat": len(pitches) / max(span, 1e-6)}
    if key is not None:
        out["key_hit"] = float(key_projection(pitches, [float(x) for x in np.append(ioi, 1.0)]) == key)
    return out


def key_projection(pitches: list[int], durations_beats: list[float]) -> tuple[int, str]:
    """music21's majority of Krumhansl-Schmuckler, Aarden and Temperley-Kostka-Payne on the melody alone."""
    from music21 import analysis, note, stream

    s = stream.Stream()
    for p, d in zip(pitches, durations_beats, strict=True):
        s.append(note.Note(p, quarterLength=max(0.25, min(4.0, d))))
    votes = []
    for method in (analysis.discrete.KrumhanslSchmuckler, analysis.discrete.AardenEssen,
                   analysis.discrete.TemperleyKostkaPayne):
        k = method(s).getSolution(s)
        votes.append((k.tonic.pitchClass, k.mode))
    return Counter(votes).most_common(1)[0][0]


def logistic_cv(x: np.ndarray, y: np.ndarray, folds: int = 5, seed: int = 0) -> float:
    """Mean held-out accuracy of an L2 logistic regression (standardised features, gradient descent)."""
    rng = np.random.default_rng(seed)
    order = rng.permutation(len(y))
    parts = np.array_split(order, folds)
    accs = []
    for k in range(folds):
        test = parts[k]
        train = np.concatenate([parts[j] for j in range(folds) if j != k])
        mu, sd = x[train].mean(0), x[train].std(0) + 1e-9
        xt, xs = (x[train] - mu) / sd, (x[test] - mu) / sd
        w, b = np.zeros(x.shape[1]), 0.0
        for _ in range(2000):
            p = 1 / (1 + np.exp(-(xt @ w + b)))
            w -= 0.1 * (xt.T @ (p - y[train]) / len(train) + 0.01 * w)
            b -= 0.1 * float(np.mean(p - y[train]))
        accs.append(float(np.mean(((xs @ w + b) > 0) == y[test])))
    return float(np.mean(accs))


def human_melodies(collections: tuple[str, ...], n: int, bars: int = 8) -> list[dict]:
    wanted = set(heldout_ids())
    tunes = [t for t in load_tunes(ALL, None, False, True) if t.id in wanted and t.collection in collections
             and t.meter in ("4/4", "3/4", "6/8", "2/4")]
    out = []
    for t in tunes:
        num, den = METERS[t.meter]
        limit = bars * num * 48 // den
        keep = [i for i, o in enumerate(t.onset) if o + t.phase < limit + t.phase and o < limit]
        if len(keep) < 8:
            continue
        out.append({"pitches": [int(t.pitch[i]) for i in keep], "beats": [int(t.onset[i]) / 12 for i in keep],
                    "key": (t.tonic, t.mode), "meter": t.meter, "collection": t.collection})
    step = max(1, len(out) // n)
    return out[::step][:n]


def generated(n: int, meters: list[str], genre: str, old: str | None) -> list[dict]:
    rng = np.random.default_rng(7)
    specs = []
    for i in range(n):
        tonic, mode = int(rng.integers(12)), MODES[int(rng.integers(2))]
        specs.append({"key": f"{note_name(tonic, mode)} {mode}", "meter": meters[i % len(meters)], "bars": 8,
                      "genre": genre, "prompt": FOLK_PROMPTS[i % len(FOLK_PROMPTS)], "_seed": 1000 + i,
                      "_key": [tonic, mode]})
    if old:
        return run_old(old, specs)
    out = []
    for s in specs:
        score = compose({k: v for k, v in s.items() if not k.startswith("_")}, s["_seed"])
        out.append(_line(score, tuple(s["_key"])))
    return out


def _line(score: Score, key: tuple[int, str]) -> dict:
    line = monophonic(score.part("melody").notes)
    return {"pitches": [n.pitch for n in line], "beats": [n.start / 480 for n in line], "key": list(key)}


def run_old(commit: str, specs: list[dict]) -> list[dict]:
    """Melodies from the generator as it was at ``commit`` (git archive into a temporary folder)."""
    with tempfile.TemporaryDirectory() as tmp:
        archive = subprocess.run(["git", "-C", str(ROOT), "archive", commit, "generators"], capture_output=True,
                                 check=True).stdout
        subprocess.run(["tar", "-x", "-C", tmp], input=archive, check=True)
        code = (
            "import json,sys\nfrom generators.music.sketch import compose\nfrom generators.music.score import "
            "monophonic\nout=[]\nfor s in json.load(sys.stdin):\n"
            "    sc=compose({k:v for k,v in s.items() if not k.startswith('_')}, s['_seed'])\n"
            "    line=monophonic(sc.part('melody').notes)\n"
            "    out.append({'pitches':[n.pitch for n in line],'beats':[n.start/480 for n in line],'key':s['_key']})\n"
            "print(json.dumps(out))\n")
        old_specs = [{**s, "meter": s["meter"] if s["meter"] in ("4/4", "3/4", "6/8") else "4/4"} for s in specs]
        done = subprocess.run([sys.executable, "-c", code], input=json.dumps(old_specs), capture_output=True,
                              text=True, cwd=tmp, env={**os.environ, "PYTHONPATH": tmp}, check=True)
        return json.loads(done.stdout)


def summarise(name: str, rows: list[dict]) -> tuple[dict[str, float], list[dict[str, float]]]:
    feats = [features(r["pitches"], r["beats"], tuple(r["key"]) if r.get("key") else None) for r in rows]
    mean = {k: float(np.mean([f[k] for f in feats])) for k in feats[0]}
    print(f"{name:22s} " + "  ".join(f"{k} {v:.3f}" for k, v in mean.items()) + f"  (n={len(rows)})", flush=True)
    return mean, feats


def part_features(n: int, old: str) -> None:
    human = human_melodies(("essenFolksong", "oneills1850"), n)
    meters = [h["meter"] for h in human]
    print(f"human held-out folk melodies: {len(human)} ({Counter(h['collection'] for h in human)}), first 8 bars")
    ref, ref_feats = summarise("human (Essen+O'Neill)", human)
    for label, rows in (("new /melody folk", generated(len(human), meters, "folk", None)),
                        (f"old /melody folk @{old}", generated(len(human), meters, "folk", old))):
        mean, feats = summarise(label, rows)
        ratio = {k: (mean[k] / ref[k] if ref[k] else float("nan")) for k in ref}
        print(" " * 23 + "ratio to human: " + "  ".join(f"{k} {v:.2f}" for k, v in ratio.items()))
        keys = ["steps", "repeats", "leaps", "reuse", "range", "notes_per_beat", "key_hit"]
        x = np.array([[f[k] for k in keys] for f in ref_feats + feats])
        y = np.array([0] * len(human) + [1] * len(rows))
        print(" " * 23 + f"two-sample logistic regression, 5-fold CV accuracy: {logistic_cv(x, y):.3f}", flush=True)
    bach = human_melodies(("bach",), n)
    if bach:
        summarise("human Bach sopranos", bach)
        summarise("new /melody classical", generated(len(bach), [b["meter"] for b in bach], "classical", None))


# --- harmonize -------------------------------------------------------------------------------


def part_harmonize(n: int) -> None:
    model = learned.load()
    wanted = set(heldout_ids())
    chorales = [t for t in load_tunes(("bach",), None, False, True) if t.id in wanted][:n]
    changes = par = bass_hits = bass_total = agree = agree_total = 0
    for t in chorales:
        key = Key(t.tonic, t.mode, note_name(t.tonic, t.mode))
        meter = t.meter if t.meter in METERS else "4/4"
        notes = [Note(int(o) * TPU, int(d) * TPU, int(p), 80) for o, d, p in zip(t.onset, t.dur, t.pitch,
                                                                                  strict=True)]
        end = notes[-1].end
        probe = Score(key, 90, meter, 1)
        bars = -(-end // probe.bar_ticks)
        score = Score(key, 90, meter, bars, [Part("melody", 52, notes, 0, "choir")])
        h = chorale.harmonize(model, score)
        changes += sum(1 for a, b in itertools.pairwise(h.chords) if a != b)
        par += chorale.parallels(h.voices)
        for k, (a, chord) in enumerate(zip(h.times, h.chords, strict=True)):
            bass_total += 1
            bass_hits += int(h.voices[k, 3]) % 12 in cv.pitch_classes(chord, key.tonic)
            beat = a // 480
            if beat < len(t.beats):
                bach = cv.label_of([int(x) for x in t.beats[beat]], t.tonic)
                if bach is not None:
                    agree_total += 1
                    agree += cv.parts(bach)[0] == cv.parts(chord)[0]
    print(f"/harmonize on {len(chorales)} held-out chorale sopranos: {changes} chord changes, "
          f"parallel 5ths/8ves {100 * par / max(1, changes):.2f} per 100 changes, bass a chord tone on "
          f"{100 * bass_hits / max(1, bass_total):.1f} % of slots, same chord root as Bach on "
          f"{100 * agree / max(1, agree_total):.1f} % of beats")


# --- continue --------------------------------------------------------------------------------


def _dist(pitches: list[int], kind: str) -> np.ndarray:
    if kind == "pc":
        h = np.bincount(np.array(pitches) % 12, minlength=12).astype(float)
    else:
        h = np.bincount(np.clip(np.diff(pitches), -12, 12) + 12, minlength=25).astype(float)
    return (h + 0.5) / (h + 0.5).sum()


def _js(p: np.ndarray, q: np.ndarray) -> float:
    m = (p + q) / 2
    return float(0.5 * (p * np.log2(p / m)).sum() + 0.5 * (q * np.log2(q / m)).sum())


def part_continue(n: int) -> None:
    wanted = set(heldout_ids())
    tunes = [t for t in load_tunes(("essenFolksong", "oneills1850"), None, False, True)
             if t.id in wanted and t.meter in ("4/4", "3/4", "6/8", "2/4") and len(t.pitch) >= 24][:n]
    rows = {"continuation": [], "fresh melody": [], "real second half": []}
    for i, t in enumerate(tunes):
        key = Key(t.tonic, t.mode, note_name(t.tonic, t.mode))
        probe = Score(key, 100, t.meter, 1)
        notes = [Note((int(o) + t.phase) * TPU, int(d) * TPU, int(p), 80)
                 for o, d, p in zip(t.onset, t.dur, t.pitch, strict=True)]
        bars = -(-notes[-1].end // probe.bar_ticks)
        half = max(1, bars // 2)
        first = [x for x in notes if x.start < half * probe.bar_ticks]
        second = [x for x in notes if x.start >= half * probe.bar_ticks]
        score = Score(key, 100, t.meter, half, [Part("melody", 73, first, 0, "flute")])
        add = max(1, min(16, bars - half))
        cont, _ = develop.continue_score(score, add, np.random.default_rng(i))
        new = [x.pitch for x in monophonic(cont.part("melody").notes) if x.start >= score.total_ticks]
        fresh = [x.pitch for x in monophonic(compose({"key": key.name, "meter": t.meter, "bars": add,
                                                      "genre": "folk"}, i).part("melody").notes)]
        src = [x.pitch for x in first]
        for label, other in (("continuation", new), ("fresh melody", fresh),
                             ("real second half", [x.pitch for x in second])):
            if len(other) >= 3:
                rows[label].append((_js(_dist(src, "pc"), _dist(other, "pc")),
                                    _js(_dist(src, "iv"), _dist(other, "iv"))))
    print(f"/continue on {len(tunes)} held-out folk tunes cut in half (Jensen-Shannon divergence to the first half, "
          "lower = closer):")
    for label, vals in rows.items():
        print(f"  {label:18s} pitch classes {np.mean([v[0] for v in vals]):.3f}  intervals "
              f"{np.mean([v[1] for v in vals]):.3f}  (n={len(vals)})")


# --- speed -----------------------------------------------------------------------------------


def part_speed(runs: int) -> None:
    from generators.music.melody import MelodyGenerator
    from generators.music.sketch import compose_sketch

    learned.load.cache_clear()
    t0 = time.perf_counter()
    learned.load()
    load_ms = 1000 * (time.perf_counter() - t0)
    gen = MelodyGenerator()
    base = {"prompt": "wistful rainy lofi", "key": "D minor", "bars": 8, "_synth": "builtin"}
    gen.generate(base, [], 0)
    ends, comps = [], []
    for seed in range(runs):
        t = time.perf_counter()
        compose_sketch(base, seed)
        comps.append(1000 * (time.perf_counter() - t))
        t = time.perf_counter()
        gen.generate(base, [], seed)
        ends.append(1000 * (time.perf_counter() - t))
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"model load {load_ms:.0f} ms; 8-bar /melody score (model + accompaniment) p50 "
          f"{statistics.median(comps):.0f} ms; end to end with builtin synth audio p50 "
          f"{statistics.median(ends):.0f} ms (n={runs}); process max RSS {rss:.0f} MB")


def old_compose_ms(commit: str, runs: int) -> float:
    """p50 of the old generator's 8-bar compose (no audio), run from ``git archive`` in a subprocess."""
    with tempfile.TemporaryDirectory() as tmp:
        archive = subprocess.run(["git", "-C", str(ROOT), "archive", commit, "generators"], capture_output=True,
                                 check=True).stdout
        subprocess.run(["tar", "-x", "-C", tmp], input=archive, check=True)
        code = ("import time,statistics\nfrom generators.music.sketch import compose\n"
                "b={'prompt':'wistful rainy lofi','key':'D minor','bars':8}\ncompose(b,0)\nt=[]\n"
                f"for s in range({runs}):\n    a=time.perf_counter(); compose(b,s); t.append(time.perf_counter()-a)\n"
                "print(1000*statistics.median(t))\n")
        done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp,
                              env={**os.environ, "PYTHONPATH": tmp}, check=True)
        return float(done.stdout)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=200)
    parser.add_argument("--old", default="3115d8f")
    parser.add_argument("--part", default="all")
    args = parser.parse_args()
    if args.part in ("features", "all"):
        part_features(args.n, args.old)
    if args.part in ("harmonize", "all"):
        part_harmonize(30)
    if args.part in ("continue", "all"):
        part_continue(30)
    if args.part in ("speed", "all"):
        print(f"old generator @{args.old}: 8-bar score p50 {old_compose_ms(args.old, 10):.0f} ms", flush=True)
        part_speed(10)


if __name__ == "__main__":
    main()
