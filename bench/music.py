"""Music benchmark: composition, audio render + encode speed, /melody end to end, peak RSS, per backend.

Run: ``python -m bench.music [--runs 20] [--backends builtin,fluidsynth]``.  Prints figures for
docs/performance.md; asserts nothing.  Targets (issue 4): generation < 50 ms; render + encode
≥ 40× real time on one core; /melody 8 bars end to end p50 < 0.8 s; worker RSS < 400 MB.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

from bench.common import peak_rss_mb, summary
from generators.audio import backends
from generators.audio.encode import ogg_vorbis
from generators.audio.loudness import master
from generators.audio.sequence import SAMPLE_RATE
from generators.music import pianoroll
from generators.music.melody import MelodyGenerator
from generators.music.midi_write import write_midi
from generators.music.package import to_sequence
from generators.music.sketch import compose

PROVENANCE = {"credits": ["ann · prompted"], "title": "bench", "disclosure": "AI-generated (benchmark)."}
SKETCH = {"prompt": "wistful rainy lofi", "key": "D minor", "bars": 8, "genre": "lofi"}


def _timed(fn, runs: int) -> list[float]:
    out = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t)
    return out


def _thirty_seconds():
    """A four-part sketch exactly 30 s long: 16 bars of 4/4 at 128 bpm."""
    return compose({"prompt": "groovy", "bars": 16, "tempo": 128, "genre": "funk"}, 7)


def bench_generation(runs: int) -> None:
    score = compose(SKETCH, 1)
    print(f"  sketch: {score.bars} bars, parts {score.roles()}, {sum(len(p.notes) for p in score.parts)} notes")
    print("  " + summary("compose (8 bars, 4 parts)", _timed(lambda: compose(SKETCH, 1), runs)))
    print("  " + summary("compose + write .mid", _timed(
        lambda: write_midi(compose(SKETCH, 1), title="b", provenance=["x"]), runs)))
    print("  " + summary("piano-roll PNG draw", _timed(lambda: pianoroll.draw(score), runs)))


def bench_audio(backend: str, runs: int) -> None:
    score = _thirty_seconds()
    seq = to_sequence(score)
    audio, used = backends.render(seq, backend, None)
    seconds = len(audio) / SAMPLE_RATE
    if used != backend:
        print(f"  {backend}: not available here (rendered with {used}); skipped")
        return
    renders, masters, encodes = [], [], []
    for _ in range(runs):
        t0 = time.perf_counter()
        audio, _ = backends.render(seq, backend, None)
        t1 = time.perf_counter()
        mastered = master(audio, SAMPLE_RATE)
        t2 = time.perf_counter()
        ogg_vorbis(mastered, {"title": "bench"})
        t3 = time.perf_counter()
        renders.append(t1 - t0)
        masters.append(t2 - t1)
        encodes.append(t3 - t2)
    total = [a + b + c for a, b, c in zip(renders, masters, encodes, strict=True)]
    med = statistics.median(total)
    print(f"  {backend}: {seconds:.1f} s of audio (score {score.duration_s:.1f} s + tail)")
    print(f"    render p50 {statistics.median(renders) * 1000:.0f} ms, loudness+limit p50 "
          f"{statistics.median(masters) * 1000:.0f} ms, OGG encode p50 {statistics.median(encodes) * 1000:.0f} ms")
    print(f"    render + master + encode p50 {med * 1000:.0f} ms = {seconds / med:.1f}× real time")


def bench_melody(backend: str, runs: int) -> None:
    gen = MelodyGenerator()
    times = []
    for i in range(runs):
        spec = {**SKETCH, "_provenance": PROVENANCE, "_synth": backend}
        t = time.perf_counter()
        result = gen.generate(spec, [], 1000 + i)
        times.append(time.perf_counter() - t)
    size = sum(len(o.data) for o in result.outputs)
    print("  " + summary(f"/melody end to end ({result.facts['synth']}, {result.facts['tempo']} bpm, "
                         f"three files {size / 1024:.0f} KiB)", times))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--backends", default=",".join(backends.available()))
    args = parser.parse_args()
    print(f"music benchmark · {os.cpu_count()} CPUs visible · backends present: {', '.join(backends.available())}")
    print("generation:")
    bench_generation(max(args.runs, 20))
    for backend in args.backends.split(","):
        print(f"backend {backend}:")
        bench_audio(backend, args.runs)
        bench_melody(backend, args.runs)
    print(f"peak RSS: {peak_rss_mb():.0f} MB")


if __name__ == "__main__":
    main()
