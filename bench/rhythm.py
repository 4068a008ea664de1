"""Rhythm benchmark: /beat variety and consistency by seed and meter, /groove timing by feel, generation time.

    nice -n 10 python bench/rhythm.py [--seeds 10] [--runs 5] [--old REV]

* muspy ``groove_consistency`` (measure resolution = one bar at 12 ticks a beat, after
  ``adjust_resolution(12)``) and ``drum_pattern_consistency`` on the bare grids (before humanising),
  per meter over genres × seeds, and how many distinct grids the seeds give per genre — beside the
  generator at ``--old`` (default: the commit before the variations) when git can show it.
* /groove: mean and standard deviation of each instrument's onset shift (ms) against the grid per
  feel at amount 70 and 100, the swing ratio reached and ghost strokes per bar (rock grid, 100 bpm).
* /interpolate on the issue's repro: where it starts, its largest leap, the joins, velocities.
* Time: the bare grid, /beat end to end with audio (built-in synth), /groove end to end, the /interpolate
  morph — p50/p99 over ``--runs``.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import muspy
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from common import summary  # noqa: E402

from generators.base import InputFile  # noqa: E402
from generators.music import drums, groove  # noqa: E402
from generators.music.beat import BeatGenerator, beat_score  # noqa: E402
from generators.music.interpolate import morph  # noqa: E402
from generators.music.midi_write import write_midi  # noqa: E402
from generators.music.score import METERS, PPQ, Part, Score  # noqa: E402
from generators.music.sketch import compose  # noqa: E402
from generators.music.theory import DRUM_CHANNEL, Key  # noqa: E402

OLD_REV = "6e58495"
SPEC = {"_provenance": {"credits": ["bench · prompted"], "title": "bench"}, "_synth": "builtin"}


def _music(score: Score) -> muspy.Music:
    with tempfile.NamedTemporaryFile(suffix=".mid", delete=False) as f:
        f.write(write_midi(score, title="bench", provenance=["bench"]))
        path = f.name
    try:
        music = muspy.read_midi(path)
    finally:
        os.unlink(path)
    music.adjust_resolution(12)
    return music


def _consistency(score: Score) -> tuple[float, float]:
    music = _music(score)
    return muspy.groove_consistency(music, score.bar_ticks * 12 // PPQ), muspy.drum_pattern_consistency(music)


def _old_module(rev: str, name: str):
    """generators/music/<name>.py as it was at ``rev`` (None when git cannot show it)."""
    try:
        text = subprocess.run(["git", "show", f"{rev}:generators/music/{name}.py"], cwd=ROOT, check=True,
                              capture_output=True, text=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return None
    path = Path(tempfile.mkdtemp()) / f"old_{name}.py"
    path.write_text(text)
    spec = importlib.util.spec_from_file_location(f"old_{name}", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[f"old_{name}"] = module  # dataclasses look their module up while the class is made
    spec.loader.exec_module(module)
    return module


def _old_drums(rev: str):
    return _old_module(rev, "drums")


def _grid_score(notes: list, meter: str, bars: int, genre: str) -> Score:
    return Score(Key(0, "major"), 100, meter, bars, [Part("drums", 0, notes, DRUM_CHANNEL, "drums")], genre=genre)


def beats(seeds: int, old_rev: str) -> None:
    print(f"/beat grids (bare, 8 bars), genres × seeds 0..{seeds - 1}; muspy after adjust_resolution(12)")
    old = _old_drums(old_rev)
    meters = [m for m in METERS if m in drums.DRUM_METERS]
    for meter in meters:
        groove_c, drum_c, distinct = [], [], []
        for genre in drums.BEAT_GENRES:
            grids = set()
            for seed in range(seeds):
                score = beat_score({"genre": genre, "meter": meter, "bars": 8}, seed, humanised=False)
                g, d = _consistency(score)
                groove_c.append(g)
                drum_c.append(d)
                grids.add(tuple(sorted((n.start, n.pitch) for n in score.parts[0].notes)))
            distinct.append(len(grids))
        line = (f"  {meter:>4}  new: groove_consistency mean {statistics.fmean(groove_c):.3f} min {min(groove_c):.3f}"
                f" · drum_pattern_consistency mean {statistics.fmean(drum_c):.3f} min {min(drum_c):.3f}"
                f" · distinct grids per genre {min(distinct)}–{max(distinct)} (mean {statistics.fmean(distinct):.1f})")
        print(line)
        if old is not None and meter in ("4/4", "3/4", "6/8"):
            og, od = [], []
            for genre in drums.BEAT_GENRES:
                notes = old.pattern(genre, meter, 8)
                g, d = _consistency(_grid_score(notes, meter, 8, genre))
                og.append(g)
                od.append(d)
            print(f"        old ({old_rev}): groove_consistency mean {statistics.fmean(og):.3f} min {min(og):.3f}"
                  f" · drum_pattern_consistency mean {statistics.fmean(od):.3f} · distinct grids per genre 1")
        same_3_4 = meter == "3/4" and old is not None
        if same_3_4:
            shapes = {g: tuple(sorted((n.start % (3 * PPQ), n.pitch) for n in old.pattern(g, "3/4", 2)))
                      for g in ("rock", "funk", "hip-hop")}
            print(f"        old 3/4 rock/funk/hip-hop distinct grids: {len(set(shapes.values()))} of 3")


def feels() -> None:
    print("/groove on the rock grid at 100 bpm, 8 bars, seeds 0..4: the feel's own onset shift per instrument "
          "(ms, mean ± sd of every stroke, swing excluded), the swing ratio reached, ghost strokes per bar")
    grid = _grid_score(drums.pattern("rock", "4/4", 8), "4/4", 8, "rock")
    for amount in (70, 100):
        for feel in groove.FEELS:
            shifts: dict[str, list[tuple[float, float]]] = {}
            ratios, ghosts = [], []
            for seed in range(5):
                _, facts = groove.perform(grid, feel, amount, np.random.default_rng(seed))
                ratios.append(facts["swing_ratio"])
                ghosts.append(facts["ghosts"] / 8)
                for fam, pair in facts["microtiming_ms"].items():
                    shifts.setdefault(fam, []).append(pair)
            cells = " ".join(f"{fam} {statistics.fmean(m for m, _ in v):+.1f}±{statistics.fmean(s for _, s in v):.1f}"
                             for fam, v in sorted(shifts.items()))
            print(f"  {feel:>9} @{amount:>3}: {cells} · swing {statistics.fmean(ratios):.2f}:1 · "
                  f"ghosts/bar {statistics.fmean(ghosts):.2f}")
    for tempo in (90, 120, 160, 200, 240, 300):
        print(f"  swing ratio at full amount, {tempo} bpm: {groove.swing_ratio('swing', tempo):.2f}:1", end=";")
    print()


def interpolation(old_rev: str) -> None:
    print("/interpolate on the issue's repro (A: lofi D minor 84 bpm seed 3, B: jazz F major 140 bpm seed 11), 4 steps")
    import itertools

    from generators.music.score import monophonic

    a = compose({**SPEC, "prompt": "wistful rainy lofi", "key": "D minor", "tempo": 84, "bars": 8}, 3)
    b = compose({**SPEC, "prompt": "smoky", "key": "F major", "genre": "jazz", "tempo": 140, "bars": 8}, 11)
    high = a.copy()  # the same tune an octave up (a flute's register): where the old octave arithmetic broke
    for part in high.parts:
        if part.role == "melody":
            part.notes = [replace(n, pitch=n.pitch + 12) for n in part.notes]
    centre = lambda s: float(np.median([n.pitch for n in monophonic(s.melody().notes)]))  # noqa: E731
    print(f"  A median pitch {centre(a):.0f} (A an octave up: {centre(high):.0f}), B median pitch {centre(b):.0f}")
    old = _old_module(old_rev, "interpolate")
    runs = [("new", morph)] + ([(f"old ({old_rev})", old.morph)] if old is not None else [])
    for (label, fn), (name, source), seed in itertools.product(runs, (("A", a), ("A+12", high)), range(5)):
        score = fn(source, b, 4, np.random.default_rng(seed))
        line = monophonic(score.melody().notes)
        span = 2 * score.bar_ticks
        leaps = [abs(y.pitch - x.pitch) for x, y in itertools.pairwise(line)]
        joins = [abs(y.pitch - x.pitch) for x, y in itertools.pairwise(line) if x.start // span != y.start // span]
        first = float(np.median([n.pitch for n in line if n.start < span]))
        print(f"  {label} {name}→B seed {seed}: first-step median {first:.0f}, largest leap {max(leaps)}, "
              f"joins {joins}, leaps >= 10: {sum(x >= 10 for x in leaps)}, "
              f"distinct velocities {len({n.vel for n in line})}")


def _timed(fn: Callable[[], object], runs: int) -> list[float]:
    fn()  # warm-up: imports, font and synth caches
    out = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t0)
    return out


def timing(runs: int) -> None:
    print(f"time, {runs} runs after one warm-up, this process (one core)")
    print("  " + summary("bare grid, 8 bars (drums.pattern)", _timed(
        lambda: drums.pattern("funk", "4/4", 8, rng=np.random.default_rng(1)), runs)))
    print("  " + summary("beat_score humanised, 8 bars", _timed(
        lambda: beat_score({"genre": "funk", "bars": 8}, 1), runs)))
    beat = BeatGenerator().generate({**SPEC, "genre": "funk", "bars": 8}, [], 1)
    print("  " + summary("/beat end to end, 8 bars (MIDI + OGG + PNG)", _timed(
        lambda: BeatGenerator().generate({**SPEC, "genre": "funk", "bars": 8}, [], 1), runs)))
    inputs = [InputFile(o.name, o.mime, o.data, "parent", "music", {}, "to", "music.beat", 1) for o in beat.outputs]
    gen = groove.GrooveMusic()
    print("  " + summary("/groove end to end, 8 bars (read MIDI, perform, MIDI + OGG + PNG)", _timed(
        lambda: gen.generate({**SPEC, "feel": "swing"}, inputs, 2), runs)))
    a = compose({**SPEC, "prompt": "wistful rainy lofi", "key": "D minor", "tempo": 84, "bars": 8}, 3)
    b = compose({**SPEC, "prompt": "smoky", "key": "F major", "genre": "jazz", "tempo": 140, "bars": 8}, 11)
    print("  " + summary("/interpolate morph, 4 steps (no audio)", _timed(
        lambda: morph(a, b, 4, np.random.default_rng(4)), runs)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=10)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--old", default=OLD_REV, help="git revision of the earlier generator to compare with")
    args = parser.parse_args()
    beats(args.seeds, args.old)
    feels()
    interpolation(args.old)
    timing(args.runs)


if __name__ == "__main__":
    main()
