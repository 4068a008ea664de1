"""/melody: a short multi-part sketch from a prompt, key, tempo, meter and bars."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

from generators.base import InputFile, Result
from generators.music.describe import alt_text
from generators.music.package import package, title_of
from generators.music.sketch import compose_sketch


class MelodyGenerator:
    name: ClassVar[str] = "music.melody"
    version: ClassVar[str] = "2"
    command: ClassVar[str] = "melody"
    accepts: ClassVar[frozenset[str]] = frozenset()

    def generate(self, spec: Mapping[str, Any], inputs: Sequence[InputFile], seed: int) -> Result:
        score, info = compose_sketch(spec, seed)
        words = title_of(spec, "melody")
        chords = " ".join(_dedupe_runs(info.chords))[:200]
        form = "".join(info.form)
        prompt = str(spec.get("prompt") or "")
        alt = alt_text(score, prompt, extra=f"form {form}, chords {' '.join(_dedupe_runs(info.romans))[:120]}")
        return package(score, spec, generator=self.name, version=self.version, seed=seed, stem="melody",
                       summary=f"{words} · {score.genre} · form {form} · chords {chords}", alt=alt)


def _dedupe_runs(names: tuple[str, ...]) -> list[str]:
    """The chord changes of the first pass through the form (repeats shown once)."""
    out: list[str] = []
    for n in names:
        if not out or out[-1] != n:
            out.append(n)
    return out[:16]


GENERATORS = [MelodyGenerator]
