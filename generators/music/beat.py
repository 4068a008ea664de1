"""/beat: a drum groove on GM channel 10 — the seed picks one of the genre's variations, fills close phrases.

The grid is then played with the /groove model's "straight" feel (per-instrument timing, accents,
a few ghost strokes), so a beat and a grooved beat share one idea of a human drummer.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

import numpy as np

from generators.base import GeneratorError, InputFile, Result
from generators.music import drums, groove
from generators.music.mood import GENRE_TRAITS, canonical_genre
from generators.music.package import package
from generators.music.score import METERS, Part, Score
from generators.music.theory import DRUM_CHANNEL, Key

#: How hard /beat humanises its grid (the /groove "straight" feel at this amount).
BEAT_FEEL_AMOUNT = 45


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
    if meter not in METERS or meter not in drums.DRUM_METERS:
        offered = [m for m in METERS if m in drums.DRUM_METERS]
        raise GeneratorError(f"meter must be one of {', '.join(offered)}; got '{meter[:10]}'")
    bars = int(spec.get("bars") or 4)
    if not 1 <= bars <= 32:
        raise GeneratorError(f"bars must be 1–32, got {bars}")
    tempo = int(spec.get("tempo") or int(GENRE_TRAITS[genre]["tempo"]))  # type: ignore[call-overload]
    notes = drums.pattern(genre, meter, bars, rng=rng)
    part = Part("drums", 0, notes, DRUM_CHANNEL, "drums")
    swing = 0.66 if drums.grid_for(genre, meter).steps_per_beat == 3 else 0.0
    score = Score(Key(0, "major", "C"), tempo, meter, bars, [part], genre=genre, swing=swing)
    if humanised:
        score, _ = groove.perform(score, "straight", BEAT_FEEL_AMOUNT, rng)
    return score


def describe(score: Score) -> str:
    """Alt text: genre, tempo, meter, length and the instruments heard."""
    names = sorted({drum_name(n.pitch) for p in score.parts for n in p.notes}, key=_NAME_ORDER.index)
    return (f"a {score.genre} drum beat at {score.tempo} bpm in {score.meter}, {score.bars} bars, "
            f"for {', '.join(names)}; a fill closes each four-bar phrase")


_NAMES = {36: "kick", 35: "kick", 38: "snare", 40: "snare", 37: "rim", 39: "clap", 42: "closed hat",
          44: "pedal hat", 46: "open hat", 51: "ride", 53: "ride bell", 49: "crash", 57: "crash", 50: "high tom",
          48: "high tom", 47: "mid tom", 45: "low tom", 43: "low tom", 41: "low tom", 70: "shaker", 56: "cowbell",
          75: "claves"}
_NAME_ORDER = ["kick", "snare", "rim", "clap", "closed hat", "pedal hat", "open hat", "ride", "ride bell", "crash",
               "high tom", "mid tom", "low tom", "shaker", "cowbell", "claves", "percussion"]


def drum_name(pitch: int) -> str:
    """A drummer's word for a GM drum note."""
    return _NAMES.get(pitch, "percussion")


class BeatGenerator:
    name: ClassVar[str] = "music.beat"
    version: ClassVar[str] = "2"
    command: ClassVar[str] = "beat"
    accepts: ClassVar[frozenset[str]] = frozenset()

    def generate(self, spec: Mapping[str, Any], inputs: Sequence[InputFile], seed: int) -> Result:
        score = beat_score(spec, seed)
        result = package(score, spec, generator=self.name, version=self.version, seed=seed, stem="beat",
                         summary=f"{score.genre} beat")
        facts = dict(result.facts)
        facts["key"] = "—"
        facts["alt"] = describe(score)
        line = f"{score.genre} beat · {score.tempo} bpm · {score.meter} · {score.bars} bars · drums"
        return Result(result.kind, result.outputs, facts, line)


GENERATORS = [BeatGenerator]
