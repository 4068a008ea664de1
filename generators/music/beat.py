"""/beat: a drum groove on GM channel 10 in a genre's characteristic grid, with fills and a human feel."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

import numpy as np

from generators.base import GeneratorError, InputFile, Result
from generators.music import drums
from generators.music.mood import GENRE_TRAITS, canonical_genre
from generators.music.package import package
from generators.music.score import METERS, Score
from generators.music.theory import Key


def beat_score(spec: Mapping[str, Any], seed: int, *, humanised: bool = True) -> Score:
    """The beat as a Score; ``humanised=False`` gives the bare grid (what groove metrics should judge)."""
    rng = np.random.default_rng(seed)
    requested = spec.get("genre")
    genre = canonical_genre(requested) if requested else None
    if requested and genre not in drums.BEAT_GENRES:
        raise GeneratorError(f"genre must be one of {', '.join(drums.BEAT_GENRES)}; got '{str(requested)[:20]}'")
    if genre is None:
        genre = drums.BEAT_GENRES[int(rng.integers(len(drums.BEAT_GENRES)))]
    meter = str(spec.get("meter") or "4/4")
    if meter not in METERS:
        raise GeneratorError(f"meter must be one of {', '.join(METERS)}; got '{meter[:10]}'")
    bars = int(spec.get("bars") or 4)
    if not 1 <= bars <= 32:
        raise GeneratorError(f"bars must be 1–32, got {bars}")
    tempo = int(spec.get("tempo") or int(GENRE_TRAITS[genre]["tempo"]))  # type: ignore[call-overload]
    part = drums.drums_part(genre, meter, bars, rng, humanised=humanised)
    swing = 0.66 if drums.grid_for(genre, meter).steps_per_beat == 3 else 0.0
    return Score(Key(0, "major", "C"), tempo, meter, bars, [part], genre=genre, swing=swing)


class BeatGenerator:
    name: ClassVar[str] = "music.beat"
    version: ClassVar[str] = "1"
    command: ClassVar[str] = "beat"
    accepts: ClassVar[frozenset[str]] = frozenset()

    def generate(self, spec: Mapping[str, Any], inputs: Sequence[InputFile], seed: int) -> Result:
        score = beat_score(spec, seed)
        result = package(score, spec, generator=self.name, version=self.version, seed=seed, stem="beat",
                         summary=f"{score.genre} beat")
        facts = dict(result.facts)
        facts["key"] = "—"
        line = f"{score.genre} beat · {score.tempo} bpm · {score.meter} · {score.bars} bars · drums"
        return Result(result.kind, result.outputs, facts, line)


GENERATORS = [BeatGenerator]
