"""Train the shipped music model: ``python -m generators.music.train`` (needs the dev extras for music21).

Corpus → cached note arrays (:mod:`generators.music.corpus_extract`) → duplicates removed →
the fixed held-out tenth set aside (:mod:`generators.music.heldout`) → PPM counts for the
melody viewpoints, the rhythm and the chorale harmony → one ``.npz`` written with fixed
zip dates and sorted entries, so the same command gives the same bytes.

Only collections whose terms allow it are learned from (see ``model/MODEL_CARD.md``); Essen
is parsed only for its held-out tunes, to measure on.
"""

from __future__ import annotations

import argparse
import io
import json
import sys
import time
import zipfile
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from generators.music import chord_vocab as cv
from generators.music import viewpoints as vp
from generators.music.heldout import HELDOUT_PATH, is_heldout
from generators.music.learned import MODEL_PATH, PITCH_ORDERS
from generators.music.ppm import Counts

MODEL_NAME = "jamroom-tunes"
MODEL_VERSION = "1"
SHIPPED = ("oneills1850", "airdsAirs", "ryansMammoth", "bach")
EVALUATED_ONLY = ("essenFolksong",)
LICENCES = {
    "oneills1850": "public domain (1850); ABC transcription by Norbert Paap, distributed with music21",
    "airdsAirs": "public domain (1778-1797); ABC transcription by Jack Campin, distributed with music21",
    "ryansMammoth": "public domain (1883); ABC transcriptions by contributors, distributed with music21",
    "bach": "public domain (J. S. Bach); encodings distributed with music21 (BSD corpus notice)",
    "essenFolksong": "unclear; non-commercial use with music21 only (not learned from, evaluation only)",
}
ALL = SHIPPED + EVALUATED_ONLY
_ZIP_DATE = (1980, 1, 1, 0, 0, 0)


def add_tagged(counts: Counts, symbols: Sequence[int], tags: Sequence[int], history: Sequence[int]) -> None:
    """Count each symbol after the symbols before it in ``history``, under its own tag."""
    for i, (s, tag) in enumerate(zip(symbols, tags, strict=True)):
        counts.add([s], tag, contexts=[list(history[max(0, i - counts.order):i])])


def load_tunes(collections: Sequence[str], subset: int | None, log: bool, cached_only: bool = False) -> list:
    from generators.music import corpus_extract as ce

    seen: set[str] = set()
    tunes = []
    for c in collections:
        keep = is_heldout if c in EVALUATED_ONLY else None
        found = sorted(ce.tunes_of(c, subset, log=log, keep=keep, keep_name="heldout", cached_only=cached_only),
                       key=lambda t: t.id)
        for t in found:
            h = t.content_hash()
            if h in seen:  # the same tune in another file or book: keep the first only
                continue
            seen.add(h)
            tunes.append(t)
    return tunes


def melody_counts(tunes: Sequence) -> dict[str, Counts]:
    tables = {name: Counts(order, vp.INTERVALS if name != "deg" else vp.DEGREES)
              for name, order in PITCH_ORDERS.items()}
    tables["ioi"] = Counts(2, len(vp.IOIS))
    for t in tunes:
        pitches = [int(p) for p in t.pitch]
        mode = vp.MODE_IDS[t.mode]
        tables["deg"].add(vp.degree_stream(pitches, t.tonic), mode)
        ints = vp.interval_stream(pitches)
        tables["int"].add(ints)
        meter = t.meter if t.meter in vp.METER_IDS else "4/4"
        pos = vp.positions(t.onset, t.phase, meter)
        add_tagged(tables["intpos"], ints, [vp.strength(p, meter) for p in pos[1:]], ints)
        if t.meter in vp.METER_IDS:
            iois = vp.ioi_stream(t.onset, t.dur)
            add_tagged(tables["ioi"], iois, [vp.rhythm_tag(vp.METER_IDS[meter], p) for p in pos], iois)
    return tables


def chorale_runs(t) -> tuple[list[int], list[int], list[int]]:
    """(chord labels per change, first beat of each, beats with a fermata) of one chorale."""
    labels, starts = [], []
    for b, row in enumerate(t.beats):
        chord = cv.label_of([int(x) for x in row], t.tonic)
        if chord is None:
            continue
        if not labels or labels[-1] != chord:
            labels.append(chord)
            starts.append(b)
    fermatas = sorted({int(o) // vp.UNIT for o, f in zip(t.onset, t.fermata, strict=True) if f})
    return labels, starts, fermatas


def harmony_counts(chorales: Sequence) -> dict[str, Counts]:
    tables = {"chord": Counts(2, 128), "cadence": Counts(1, 128), "sop": Counts(0, 12), "bass": Counts(0, 4)}
    for t in chorales:
        mode = vp.MODE_IDS[t.mode]
        labels, starts, fermatas = chorale_runs(t)
        tables["chord"].add(labels, mode)
        for f in fermatas:
            i = max((k for k, s in enumerate(starts) if s <= f), default=None)
            if i is not None and i > 0:
                tables["cadence"].add([labels[i]], mode, contexts=[[labels[i - 1]]])
        for row in t.beats:
            pitches = [int(x) for x in row]
            chord = cv.label_of(pitches, t.tonic)
            if chord is None or pitches[0] < 0:
                continue
            tables["sop"].add([(pitches[0] - t.tonic) % 12], chord)
            pcs = cv.pitch_classes(chord, t.tonic)
            if pitches[3] >= 0 and pitches[3] % 12 in pcs:
                tables["bass"].add([pcs.index(pitches[3] % 12)], chord)
    return tables


def write_model(path: Path, arrays: dict[str, np.ndarray], meta: dict) -> None:
    """A .npz numpy can load, with fixed dates and sorted entries: same inputs, same bytes."""
    arrays = {**arrays, "meta": np.array(json.dumps(meta, sort_keys=True, ensure_ascii=False))}
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for name in sorted(arrays):
            body = io.BytesIO()
            np.lib.format.write_array(body, np.asarray(arrays[name]), allow_pickle=False)
            info = zipfile.ZipInfo(name + ".npy", date_time=_ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zf.writestr(info, body.getvalue())
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(buffer.getvalue())


def learned_from(counts: dict[str, int]) -> str:
    names = {"oneills1850": "O'Neill's 1850", "airdsAirs": "Aird's Airs", "ryansMammoth": "Ryan's Mammoth",
             "bach": "Bach chorales"}
    total = sum(counts.values())
    listed = ", ".join(f"{names[c]} ({n:,})" for c, n in counts.items() if n)
    return f"learned from {total:,} public-domain tunes and chorales: {listed}"


def train(subset: int | None, out: Path, heldout_out: Path, log: bool = True,
          collections: Sequence[str] = SHIPPED + EVALUATED_ONLY, cached_only: bool = False) -> dict:
    started = time.perf_counter()
    tunes = load_tunes(collections, subset, log, cached_only)
    train_set = [t for t in tunes if t.collection in SHIPPED and not is_heldout(t.id)]
    heldout = [t for t in tunes if is_heldout(t.id)]
    chorales = [t for t in train_set if t.collection == "bach"]
    tables = {**melody_counts(train_set), **harmony_counts(chorales)}
    arrays: dict[str, np.ndarray] = {}
    for name, counts in sorted(tables.items()):
        arrays.update(counts.freeze(min_count=2 if name in ("int", "deg") else 1).to_arrays(name))
    per_collection = {c: sum(t.collection == c for t in train_set) for c in SHIPPED if c in collections}
    meta = {
        "name": MODEL_NAME,
        "version": MODEL_VERSION,
        "learned_from": learned_from(per_collection),
        "licence": "public-domain sources",
        "collections": per_collection,
        "licences": {c: LICENCES[c] for c in per_collection},
        "notes": sum(len(t.pitch) for t in train_set),
        "heldout": {c: sum(t.collection == c for t in heldout) for c in SHIPPED + EVALUATED_ONLY},
        "subset": subset,
        "command": " ".join(["python -m generators.music.train", *([f"--subset {subset}"] if subset else []),
                             *([f"--collections {','.join(collections)}"] if tuple(collections) != ALL else [])]),
    }
    write_model(out, arrays, meta)
    lines = ["# Held-out tunes: never in a shipped model. sha1(tune id)[:8] as an integer, mod 10, == 0;",
             "# after removing duplicates (same intervals and rhythm) and Essen's test/variant files.",
             *sorted(t.id for t in heldout)]
    heldout_out.parent.mkdir(parents=True, exist_ok=True)
    heldout_out.write_text("\n".join(lines) + "\n")
    meta["seconds"] = round(time.perf_counter() - started, 1)
    meta["bytes"] = out.stat().st_size
    return meta


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m generators.music.train", description=__doc__.splitlines()[0])
    parser.add_argument("--subset", type=int, default=None, help="read only the first N files of each collection")
    parser.add_argument("--out", type=Path, default=MODEL_PATH, help="model file to write")
    parser.add_argument("--heldout-out", type=Path, default=HELDOUT_PATH, help="held-out list to write")
    parser.add_argument("--collections", default=",".join(ALL), help="comma-separated collections to read")
    parser.add_argument("--cached-only", action="store_true", help="use only corpus files already extracted")
    parser.add_argument("--quiet", action="store_true")
    args = parser.parse_args(argv)
    collections = tuple(c for c in ALL if c in args.collections.split(","))
    if not collections:
        print(f"--collections must name some of {', '.join(ALL)}", file=sys.stderr)
        return 2
    try:
        import music21  # noqa: F401
    except ImportError:
        print("training needs music21: pip install -e '.[dev]'", file=sys.stderr)
        return 2
    meta = train(args.subset, args.out, args.heldout_out, log=not args.quiet, collections=collections,
                 cached_only=args.cached_only)
    print(json.dumps(meta, indent=1, sort_keys=True))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
