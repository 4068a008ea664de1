"""/melody: a short multi-part sketch from a prompt, key, tempo, meter and bars."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

from generators.base import InputFile, Result
from generators.music.package import package, title_of
from generators.music.sketch import compose


class MelodyGenerator:
    name: ClassVar[str] = "music.melody"
    version: ClassVar[str] = "1"
    command: ClassVar[str] = "melody"
    accepts: ClassVar[frozenset[str]] = frozenset()

    def generate(self, spec: Mapping[str, Any], inputs: Sequence[InputFile], seed: int) -> Result:
        score = compose(spec, seed)
        words = title_of(spec, "melody")
        return package(score, spec, generator=self.name, version=self.version, seed=seed, stem="melody",
                       summary=f"{words} · {score.genre}")


GENERATORS = [MelodyGenerator]
