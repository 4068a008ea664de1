"""Bits per note of the shipped music model on the held-out tunes (Essen, Bach sopranos, the fiddle books).

    nice python bench/music_model.py [--model PATH] [--limit N] [--no-short-term]

Needs the corpus cache made by ``python -m generators.music.train`` (music21, dev extras). Also prints
model load time and size. Figures go in docs/music.md and the model card.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from generators.music import learned
from generators.music.heldout import heldout_ids
from generators.music.train import ALL, load_tunes


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", default=str(learned.MODEL_PATH))
    parser.add_argument("--limit", type=int, default=200, help="held-out tunes per collection")
    parser.add_argument("--no-short-term", action="store_true")
    parser.add_argument("--cached-only", action="store_true")
    parser.add_argument("--heldout", default=None, help="held-out list (default: the committed one)")
    args = parser.parse_args()
    started = time.perf_counter()
    model = learned.read_model(Path(args.model))
    print(f"model {args.model}: {Path(args.model).stat().st_size / 1e6:.2f} MB, "
          f"load {1000 * (time.perf_counter() - started):.0f} ms")
    wanted = set(heldout_ids(Path(args.heldout)) if args.heldout else heldout_ids())
    tunes = [t for t in load_tunes(ALL, None, False, args.cached_only) if t.id in wanted]
    for collection in ALL:
        chosen = [t for t in tunes if t.collection == collection][: args.limit]
        if not chosen:
            continue
        bits: list[float] = []
        per_tune = []
        t0 = time.perf_counter()
        for t in chosen:
            b = learned.bits_per_note(model, t.pitch, t.tonic, t.mode, t.onset, t.phase, t.meter,
                                      short_term=not args.no_short_term)
            bits.extend(b)
            per_tune.append(sum(b) / len(b))
        label = "Bach sopranos" if collection == "bach" else collection
        print(f"{label:14s} {len(chosen):4d} tunes {len(bits):6d} notes  {statistics.mean(bits):.3f} bits/note "
              f"(tune median {statistics.median(per_tune):.3f})  "
              f"{1e6 * (time.perf_counter() - t0) / len(bits):.0f} µs/note")


if __name__ == "__main__":
    main()
