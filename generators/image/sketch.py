"""/sketch and /reroll: a 2×2 grid of four takes on a prompt."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any, ClassVar

from generators.base import KIND_IMAGE_GRID, GeneratorError, InputFile, Result
from generators.image._dice import derive
from generators.image._parents import parent_png, parent_recipes
from generators.image._plan import grid_result, sketch_recipes, summary_line
from generators.image._recipe import cell_seeds


class SketchGenerator:
    """Four variants of a prompt in one style, palette and composition family."""

    name: ClassVar[str] = "image.sketch"
    version: ClassVar[str] = "1"
    command: ClassVar[str] = "sketch"
    accepts: ClassVar[frozenset[str]] = frozenset()

    def generate(self, spec: Mapping[str, Any], inputs: Sequence[InputFile], seed: int) -> Result:
        cells, make = sketch_recipes(spec, seed)
        return grid_result(self, spec, seed, cells, make, summary_line(str(spec.get("prompt") or ""), cells[0]))


class RerollGenerator:
    """The parent grid's request again with a new seed: same prompt, style and shape, new takes."""

    name: ClassVar[str] = "image.reroll"
    version: ClassVar[str] = "1"
    command: ClassVar[str] = "reroll"
    accepts: ClassVar[frozenset[str]] = frozenset({KIND_IMAGE_GRID})

    def generate(self, spec: Mapping[str, Any], inputs: Sequence[InputFile], seed: int) -> Result:
        parent = parent_png(inputs, "to")
        if parent.seed is not None and int(parent.seed) == int(seed):
            seed = derive(seed, "reroll") % 2**31
        found = parent_recipes(parent)
        make = dict(found[1]) if found else {}
        if make.get("kind") == "vary" and found:
            # New takes on the same variation: each cell keeps its base and gets a fresh last nudge.
            amount = float(make.get("amount", 0.3))
            cells = [
                replace(old, jitter=old.jitter[:-1]).varied(s, amount)
                for old, s in zip(found[0], cell_seeds(seed), strict=False)
            ]
            return grid_result(self, spec, seed, cells, make, summary_line("reroll of a variation", cells[0]))
        source = {**parent.spec, **{k: v for k, v in make.items() if k in ("prompt", "style", "ar", "palette")}}
        if found:
            # Same request, new takes: a style the seed chose ("auto") stays the one members saw.
            source["style"] = found[0][0].style
        if not source.get("prompt") and not found:
            raise GeneratorError("That grid has no prompt to reroll; try /sketch instead.")
        cells, make = sketch_recipes(source, seed)
        return grid_result(self, spec, seed, cells, make, summary_line(str(source.get("prompt") or ""), cells[0]))


GENERATORS = [SketchGenerator, RerollGenerator]
