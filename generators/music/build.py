"""Built-on music generators: /vary, /layer, /continue, /harmonize and /drumify on a music artifact."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

import numpy as np

from generators.base import KIND_MUSIC, GeneratorError, InputFile, Result
from generators.music import chorale, develop
from generators.music.package import package
from generators.music.score import Score
from generators.music.source import midi_input, score_from_midi


def parent_score(inputs: Sequence[InputFile], slot: str | None = "to", *, tail: bool = False) -> Score:
    """The parent sketch's score, read from its .mid (our own files are trusted for roles and key)."""
    f = midi_input(inputs, slot)
    return score_from_midi(f.data, trusted=f.origin == "parent" and f.generator.startswith("music."), tail=tail)


class _BuiltOn:
    version: ClassVar[str] = "2"
    accepts: ClassVar[frozenset[str]] = frozenset({KIND_MUSIC})
    name: ClassVar[str]
    command: ClassVar[str]

    #: /continue follows a long source's last bars; the others work on its first 64.
    reads_tail: ClassVar[bool] = False

    def generate(self, spec: Mapping[str, Any], inputs: Sequence[InputFile], seed: int) -> Result:
        rng = np.random.default_rng(seed)
        score, stem, summary = self.transform(parent_score(inputs, tail=self.reads_tail), spec, rng)
        return package(score, spec, generator=self.name, version=self.version, seed=seed, stem=stem, summary=summary,
                       inputs=inputs)

    def transform(self, score: Score, spec: Mapping[str, Any], rng: np.random.Generator) -> tuple[Score, str, str]:
        raise NotImplementedError


class VaryMusic(_BuiltOn):
    name = "music.vary"
    command = "vary"

    def transform(self, score, spec, rng):
        amount = str(spec.get("amount") or "subtle")
        return develop.vary_score(score, amount, rng), "variation", f"{amount} variation"


class LayerMusic(_BuiltOn):
    name = "music.layer"
    command = "layer"

    def transform(self, score, spec, rng):
        part = str(spec.get("part") or "")
        if not part:
            raise GeneratorError("say which part to add: chords, bass, drums, counter-melody, arpeggio or pad")
        existed = score.part(part) is not None
        new = develop.layer_score(score, part, rng)
        return new, f"layer-{part}", f"{'new' if existed else 'added'} {part}"


class ContinueMusic(_BuiltOn):
    name = "music.continue"
    command = "continue"
    reads_tail = True

    def transform(self, score, spec, rng):
        new, added = develop.continue_score(score, int(spec.get("bars") or 4), rng)
        return new, "continued", f"continued by {added} bars in its own style"


class HarmonizeMusic(_BuiltOn):
    name = "music.harmonize"
    command = "harmonize"

    def transform(self, score, spec, rng):
        new, harmonization = develop.harmonize_score(score, rng)
        names = " ".join(chorale.chord_names(harmonization, new.key))
        return new, "harmonized", f"harmonized in four parts (alto, tenor, bass): {names}"


class DrumifyMusic(_BuiltOn):
    name = "music.drumify"
    command = "drumify"

    def transform(self, score, spec, rng):
        return develop.drumify_score(score, rng), "drumified", "drums from its rhythm"


GENERATORS = [VaryMusic, LayerMusic, ContinueMusic, HarmonizeMusic, DrumifyMusic]
