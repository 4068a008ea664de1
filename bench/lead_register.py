"""QUALITY.md's "lead below chords" and "lead on its own instrument", old generator beside new.

    python bench/lead_register.py [--old DIR] [--n 60]

Generates /melody sketches over a fixed grid of genres, keys and prompts (seeds 2000+), reads the
written MIDI back with pretty_midi, and reports: the share of lead notes lower than the highest
chord note sounding at their onset (chorales: 0 %), and the share of sketches whose lead shares its
General MIDI program with the chords.  ``--old`` runs another checkout's generators (e.g.
`git archive 3ad4d5b generators bot | tar -x -C /tmp/oldj`).
"""

from __future__ import annotations

import argparse
import importlib
import io
import itertools
import sys
from pathlib import Path

GENRES = ("pop", "folk", "lofi", "jazz", "funk", "hip-hop", "classical", "rock")
KEYS = ("C major", "D minor", "F major", "A minor")
PROMPTS = ("wistful rainy", "high sparkly happy", "low deep heavy dark", "calm")


def measure(n: int) -> tuple[float, float, int]:
    import pretty_midi

    melody = importlib.import_module("generators.music.melody").MelodyGenerator()
    below = total = same = 0
    cases = list(itertools.islice(itertools.cycle(itertools.product(GENRES, KEYS, PROMPTS)), n))
    for i, (genre, key, prompt) in enumerate(cases):
        spec = {"prompt": prompt, "key": key, "genre": genre, "bars": 8, "tempo": 96,
                "_provenance": {}, "_synth": "builtin"}
        result = melody.generate(spec, [], 2000 + i)
        data = next(o.data for o in result.outputs if o.name.endswith(".mid"))
        parts = {inst.name.split(":")[0]: inst for inst in pretty_midi.PrettyMIDI(io.BytesIO(data)).instruments}
        lead, chords = parts.get("melody"), parts.get("chords")
        if lead is None or chords is None:
            continue
        same += lead.program == chords.program
        for note in lead.notes:
            sounding = [c.pitch for c in chords.notes if c.start <= note.start + 1e-6 < c.end]
            if sounding:
                total += 1
                below += note.pitch < max(sounding)
    return below / max(total, 1), same / max(n, 1), total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--old", help="a checkout whose generators/ to measure instead")
    parser.add_argument("--n", type=int, default=60, help="sketches (default 60)")
    args = parser.parse_args()
    root = Path(args.old).resolve() if args.old else Path(__file__).resolve().parents[1]
    sys.path.insert(0, str(root))
    below, same, notes = measure(args.n)
    source = importlib.import_module("generators.music.melody").__file__
    print(f"generators from {source}: {args.n} sketches, {notes} lead notes over chords")
    print(f"  lead below the top chord note: {below:.1%}   lead on the chords' instrument: {same:.1%}")


if __name__ == "__main__":
    main()
