"""Corpus → compact note arrays, cached: the only module that imports music21 (training time only).

music21 parses an ABC tune in ~0.1 s, so each corpus file is parsed once and its tunes are
kept as integer arrays in one ``.npz`` per file under the cache folder
(``JAMROOM_CORPUS_CACHE``, default ``~/.cache/jamroom/music-corpus``). Times are in twelfths
of a quarter note ("units"), which holds sixteenths, eighth triplets and dotted values exactly.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import numpy as np

UNIT = 12  # time units per quarter note
#: Collections we read, with the files we skip and why.
COLLECTIONS: dict[str, str] = {
    "oneills1850": "O'Neill's Music of Ireland (1850)",
    "airdsAirs": "Aird's Airs (1778-1797)",
    "ryansMammoth": "Ryan's Mammoth Collection (1883)",
    "bach": "Bach chorales (four-part)",
    "essenFolksong": "Essen folk song collection",
}
#: Essen's test files repeat tunes from the other files; its variant file holds variants of them.
SKIPPED_FILES = frozenset({"test0.abc", "test1.abc", "testd.abc", "teste.abc", "variant0.abc"})
CACHE_VERSION = 2


@dataclass
class Tune:
    """One melody (and, for chorales, the four voices sampled on each beat)."""

    id: str
    collection: str
    title: str
    meter: str  # "6/8", or "" when the source has none
    tonic: int  # pitch class
    mode: str  # "major" / "minor"
    phase: int  # units before the first bar line (a pickup)
    onset: np.ndarray  # int32 units from the first note
    dur: np.ndarray  # int32 units
    pitch: np.ndarray  # int16 MIDI
    fermata: np.ndarray  # int8 per note: 1 where the source marks a phrase end
    beats: np.ndarray  # int16 (n, 4) S, A, T, B sounding on each quarter beat (-1 = rest); chorales only

    def content_hash(self) -> str:
        """Pitch-and-rhythm fingerprint for finding duplicate tunes across files."""
        blob = np.stack([np.diff(self.pitch, prepend=self.pitch[:1]), self.dur]).astype(np.int32).tobytes()
        return hashlib.sha1(blob).hexdigest()[:16]


def corpus_root() -> Path:
    import music21

    return Path(music21.__file__).parent / "corpus"


def cache_dir() -> Path:
    default = Path.home() / ".cache" / "jamroom" / "music-corpus"
    return Path(os.environ.get("JAMROOM_CORPUS_CACHE") or default)


def source_files(collection: str) -> list[Path]:
    folder = corpus_root() / collection
    if collection == "bach":
        return sorted(p for p in folder.iterdir() if p.suffix in (".mxl", ".xml"))
    return sorted(p for p in folder.glob("*.abc") if p.name not in SKIPPED_FILES)


def _units(ql: object) -> int:
    return round(float(Fraction(str(ql)) if not isinstance(ql, float) else ql) * UNIT)


def _meter_of(score: object) -> str:
    ts = score.recurse().getElementsByClass("TimeSignature").first()  # type: ignore[attr-defined]
    return ts.ratioString if ts is not None else ""


def _line(part: object) -> tuple[list[int], list[int], list[int], list[int], int]:
    """(onsets, durations, pitches, fermatas, phase) of a part's top line, ties joined, grace notes dropped."""
    stripped = part.stripTies(inPlace=False)  # type: ignore[attr-defined]
    measures = stripped.getElementsByClass("Measure")
    phase = 0
    if len(measures):
        first = measures[0]
        bar = _units(first.barDuration.quarterLength)
        length = _units(first.duration.quarterLength)
        if first.paddingLeft:
            phase = _units(first.paddingLeft)
        elif 0 < length < bar:
            phase = bar - length
    onsets, durs, pitches, fermatas = [], [], [], []
    for n in stripped.flatten().notes:
        if n.duration.isGrace or n.quarterLength <= 0:
            continue
        midi = max(p.midi for p in n.pitches)
        start = _units(n.offset)
        if onsets and start == onsets[-1]:
            pitches[-1] = max(pitches[-1], midi)
            continue
        onsets.append(start)
        durs.append(max(1, _units(n.quarterLength)))
        pitches.append(midi)
        fermatas.append(int(any(type(e).__name__ == "Fermata" for e in n.expressions)))
    return onsets, durs, pitches, fermatas, phase


def _beats(parts: list[object], end: int) -> np.ndarray:
    """The pitch of each voice sounding at every quarter beat (-1 for a rest)."""
    grid = np.full((end // UNIT + 1, 4), -1, dtype=np.int16)
    for v, part in enumerate(parts):
        for n in part.stripTies(inPlace=False).flatten().notes:  # type: ignore[attr-defined]
            if n.duration.isGrace:
                continue
            a = _units(n.offset)
            b = a + _units(n.quarterLength)
            first = -(-a // UNIT)
            for beat in range(first, min(len(grid), -(-b // UNIT))):
                grid[beat, v] = max(p.midi for p in n.pitches)
    return grid


def _tune(score: object, tune_id: str, collection: str, title: str, four_part: bool) -> Tune | None:
    parts = list(score.parts)  # type: ignore[attr-defined]
    if not parts:
        return None
    if four_part:
        named = {str(p.partName or "").lower(): p for p in parts}
        voices = [named.get(v) for v in ("soprano", "alto", "tenor", "bass")]
        if any(v is None for v in voices):
            if len(parts) < 4:
                return None
            voices = parts[-4:]
        top = voices[0]
    else:
        voices, top = [], parts[0]
    onsets, durs, pitches, fermatas, phase = _line(top)
    if len(pitches) < 8:
        return None
    k = score.analyze("key")  # type: ignore[attr-defined]
    mode = k.mode if k.mode in ("major", "minor") else "major"
    start = onsets[0]
    onset = np.array(onsets, dtype=np.int32) - start
    beats = _beats(voices, onsets[-1] + durs[-1]) if four_part else np.zeros((0, 4), dtype=np.int16)
    return Tune(tune_id, collection, title, _meter_of(score), int(k.tonic.pitchClass), mode,
                (phase + start) % max(1, UNIT * 64), onset, np.array(durs, dtype=np.int32),
                np.array(pitches, dtype=np.int16), np.array(fermatas, dtype=np.int8), beats)


def _abc_tunes(path: Path) -> list[tuple[str, str]]:
    """(X number, text) of each tune in an ABC book, with the book's header lines in front."""
    text = path.read_text(encoding="utf-8", errors="replace")
    blocks = re.split(r"(?m)^(?=X:)", text)
    header = "" if blocks[0].lstrip().startswith("X:") else blocks.pop(0)
    out = []
    for block in blocks:
        number = re.match(r"X:\s*(\S+)", block)
        if number:
            out.append((number.group(1), header + block))
    return out


def _parse_selected(path: Path, collection: str, keep: Callable[[str], bool]) -> list[Tune]:
    """Parse only the tunes whose id ``keep`` accepts (Essen: the held-out tunes, for evaluation)."""
    from music21 import converter

    tunes = []
    for number, text in _abc_tunes(path):
        tune_id = f"{collection}/{path.name}#{number}"
        if not keep(tune_id):
            continue
        try:
            s = converter.parse(text, format="abc", forceSource=True)
            title = str(getattr(s.metadata, "title", "") or path.stem)
            t = _tune(s, tune_id, collection, title, False)
        except Exception:  # a tune music21 cannot read is skipped, not fatal
            t = None
        if t is not None:
            tunes.append(t)
    return tunes


def _parse_file(path: Path, collection: str) -> list[Tune]:
    from music21 import converter, stream

    parsed = converter.parse(str(path), forceSource=True)
    four_part = collection == "bach"
    scores = list(parsed.scores) if isinstance(parsed, stream.Opus) else [parsed]
    tunes = []
    for i, s in enumerate(scores):
        number = getattr(s.metadata, "number", None) or str(i + 1)
        title = str(getattr(s.metadata, "title", "") or path.stem)
        tune_id = f"{collection}/{path.name}" if four_part else f"{collection}/{path.name}#{number}"
        try:
            t = _tune(s, tune_id, collection, title, four_part)
        except Exception:  # a tune music21 cannot read is skipped, not fatal
            t = None
        if t is not None:
            tunes.append(t)
    return tunes


def _save(path: Path, tunes: list[Tune]) -> None:
    meta = [{"id": t.id, "collection": t.collection, "title": t.title, "meter": t.meter, "tonic": t.tonic,
             "mode": t.mode, "phase": t.phase, "n": len(t.pitch), "beats": len(t.beats)} for t in tunes]
    path.parent.mkdir(parents=True, exist_ok=True)

    def cat(xs: list[np.ndarray], dt: type, shape: tuple[int, ...] = (0,)) -> np.ndarray:
        return np.concatenate(xs).astype(dt) if xs else np.zeros(shape, dt)

    tmp = path.with_suffix(".tmp.npz")
    np.savez_compressed(tmp, meta=np.array(json.dumps(meta)), version=np.array(CACHE_VERSION),
                        onset=cat([t.onset for t in tunes], np.int32), dur=cat([t.dur for t in tunes], np.int32),
                        pitch=cat([t.pitch for t in tunes], np.int16),
                        fermata=cat([t.fermata for t in tunes], np.int8),
                        beats=cat([t.beats for t in tunes], np.int16, (0, 4)))
    tmp.replace(path)


def _load(path: Path) -> list[Tune] | None:
    try:
        z = np.load(path)
        if int(z["version"]) != CACHE_VERSION:
            return None
        meta = json.loads(str(z["meta"]))
    except (OSError, ValueError, KeyError):
        return None
    tunes, i, b = [], 0, 0
    for m in meta:
        n, nb = m["n"], m["beats"]
        tunes.append(Tune(m["id"], m["collection"], m["title"], m["meter"], m["tonic"], m["mode"], m["phase"],
                          z["onset"][i:i + n], z["dur"][i:i + n], z["pitch"][i:i + n], z["fermata"][i:i + n],
                          z["beats"][b:b + nb]))
        i += n
        b += nb
    return tunes


def tunes_of(collection: str, limit_files: int | None = None, log: bool = False,
             keep: Callable[[str], bool] | None = None, keep_name: str = "",
             cached_only: bool = False) -> Iterator[Tune]:
    """Every tune of a collection (or those ``keep`` accepts), parsing only files not yet in the cache."""
    files = source_files(collection)
    if limit_files is not None:
        files = files[:limit_files]
    for path in files:
        cached = cache_dir() / collection / (path.name + (f".{keep_name}" if keep else "") + ".npz")
        tunes = _load(cached) if cached.exists() else None
        if tunes is None and cached_only:
            continue
        if tunes is None:
            if log:
                print(f"parsing {collection}/{path.name}", flush=True)
            tunes = _parse_selected(path, collection, keep) if keep else _parse_file(path, collection)
            _save(cached, tunes)
        yield from tunes
