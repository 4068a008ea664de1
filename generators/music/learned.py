"""The shipped corpus model at run time: load it once, predict the next pitch and the next rhythm.

The model file (``model/jamroom-tunes.npz``) is made by ``python -m generators.music.train``;
this module needs only numpy, never music21. A :class:`PitchPredictor` blends the long-term
model (what the corpus does) with a short-term model of the piece at hand (what *this*
melody does), IDyOM-style, so /continue keeps a member's own intervals.
"""

from __future__ import annotations

import functools
import json
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from generators.base import GeneratorError
from generators.music import viewpoints as vp
from generators.music.ppm import Counts, Table, blend, combine
from generators.provenance import ModelCredit

MODEL_PATH = Path(__file__).parent / "model" / "jamroom-tunes.npz"
#: (table name, order, alphabet) of every table in the file.
TABLES = (("int", 4, vp.INTERVALS), ("deg", 3, vp.DEGREES), ("intpos", 2, vp.INTERVALS), ("ioi", 2, len(vp.IOIS)),
          ("chord", 2, 128), ("cadence", 1, 128), ("sop", 0, 12), ("bass", 0, 4))
PITCH_ORDERS = {"int": 4, "deg": 3, "intpos": 2}


@dataclass
class Model:
    tables: dict[str, Table]
    meta: dict[str, Any]

    @property
    def credit(self) -> ModelCredit:
        m = self.meta
        return ModelCredit(name=m["name"], version=str(m["version"]), learned_from=m["learned_from"],
                           licence=m["licence"])


def read_model(path: Path) -> Model:
    try:
        with np.load(path) as z:
            arrays = {name: z[name] for name in z.files}
    except (OSError, ValueError, zipfile.BadZipFile) as exc:
        raise GeneratorError("the music model file is missing or damaged; reinstall Jamroom") from exc
    meta = json.loads(str(arrays.pop("meta")))
    tables = {name: Table.from_arrays(name, order, alphabet, arrays) for name, order, alphabet in TABLES
              if f"{name}.k0" in arrays}
    return Model(tables, meta)


@functools.lru_cache(maxsize=2)
def load(path: str | None = None) -> Model:
    """The shipped model, loaded once per process."""
    return read_model(Path(path) if path else MODEL_PATH)


def credit() -> ModelCredit:
    return load().credit


class PitchPredictor:
    """P(next pitch) for one melody: corpus model × this melody's own short-term model."""

    def __init__(self, model: Model, tonic: int, mode: str, *, short_term: bool = True, bias: float = 0.0,
                 stm_weight: float | None = None) -> None:
        self.model = model
        self.stm_weight = stm_weight
        self.tonic = tonic % 12
        self.mode_tag = vp.MODE_IDS.get(mode, 0)
        self.bias = bias
        self.pitches: list[int] = []
        self.ints: list[int] = []
        self.degs: list[int] = []
        self.stm = ({name: Counts(order, self.model.tables[name].alphabet) for name, order in PITCH_ORDERS.items()}
                    if short_term else None)

    def _viewpoint(self, name: str, history: Sequence[int], tag: int) -> np.ndarray:
        long_term = blend(self.model.tables[name], history, tag)
        if self.stm is None:
            return long_term
        short_term = blend(self.stm[name], history, tag)
        if self.stm_weight is not None:  # generation: a fixed share, so a few repeats cannot snowball
            mixed = np.exp((1 - self.stm_weight) * np.log(long_term) + self.stm_weight * np.log(short_term))
            return mixed / mixed.sum()
        return combine([long_term, short_term], self.bias)

    def distribution(self, candidates: np.ndarray, strength: int = 1) -> np.ndarray:
        """Probabilities over ``candidates`` (MIDI pitches) for the next note."""
        cands = np.asarray(candidates, dtype=np.int64)
        degs = (cands - self.tonic) % 12
        p_deg = self._viewpoint("deg", self.degs, self.mode_tag)[degs]
        share = np.bincount(degs, minlength=12)[degs]
        dists = [p_deg / share]
        if self.pitches:
            rel = cands - self.pitches[-1]
            inside = np.abs(rel) <= vp.INTERVAL_LIMIT
            idx = np.clip(rel, -vp.INTERVAL_LIMIT, vp.INTERVAL_LIMIT) + vp.INTERVAL_LIMIT
            for name, tag in (("int", 0), ("intpos", strength)):
                p = self._viewpoint(name, self.ints, tag)[idx]
                dists.append(np.where(inside, p, 1e-9))
        dists = [d / d.sum() for d in dists]
        return combine(dists, self.bias)

    def observe(self, pitch: int, strength: int = 1) -> None:
        """Add a note (and the metric strength it fell on) to the history and the short-term model."""
        pitch = int(pitch)
        deg = vp.degree_symbol(pitch, self.tonic)
        if self.stm is not None:
            _count_one(self.stm["deg"], self.degs, deg, self.mode_tag)
        if self.pitches:
            sym = vp.interval_symbol(self.pitches[-1], pitch)
            if self.stm is not None:
                _count_one(self.stm["int"], self.ints, sym, 0)
                _count_one(self.stm["intpos"], self.ints, sym, strength)
            self.ints.append(sym)
        self.degs.append(deg)
        self.pitches.append(pitch)


def _count_one(counts: Counts, history: Sequence[int], symbol: int, tag: int) -> None:
    counts.add([symbol], tag, contexts=[list(history[max(0, len(history) - counts.order):])])


class RhythmPredictor:
    """P(next inter-onset interval | the last two and where in the bar it starts), with a short-term model."""

    def __init__(self, model: Model, meter_id: int, *, short_term: bool = True) -> None:
        self.model = model
        self.meter_id = meter_id
        self.history: list[int] = []
        self.stm = Counts(2, len(vp.IOIS)) if short_term else None

    def distribution(self, position: int) -> np.ndarray:
        tag = vp.rhythm_tag(self.meter_id, position)
        p = blend(self.model.tables["ioi"], self.history, tag)
        if self.stm is not None:
            p = combine([p, blend(self.stm, self.history, tag)])
        return p

    def observe(self, symbol: int, position: int) -> None:
        if self.stm is not None:
            _count_one(self.stm, self.history, symbol, vp.rhythm_tag(self.meter_id, position))
        self.history.append(symbol)


def bits_per_note(model: Model, pitches: Sequence[int], tonic: int, mode: str, onsets: Sequence[int],
                  phase: int, meter: str, *, short_term: bool = True, low: int = 36, high: int = 100) -> list[float]:
    """−log2 P(each pitch | the earlier ones), over the chromatic candidates ``low``..``high``."""
    predictor = PitchPredictor(model, tonic, mode, short_term=short_term)
    candidates = np.arange(low, high + 1)
    meter = meter if meter and meter in vp.METER_IDS else "4/4"
    out = []
    for pitch, position in zip(pitches, vp.positions(onsets, phase, meter), strict=True):
        pitch = int(pitch)
        cands = candidates if low <= pitch <= high else np.append(candidates, pitch)
        strong = vp.strength(position, meter)
        dist = predictor.distribution(cands, strong)
        out.append(float(-np.log2(dist[int(np.flatnonzero(cands == pitch)[0])])))
        predictor.observe(pitch, strong)
    return out
