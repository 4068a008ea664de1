"""/vary and /upscale: built on a grid or a picture, redrawn from its recipe.

A variation keeps every choice of its cell and nudges them (see ``_dice``), so it stays closer to
its cell than the cell's siblings are.  An upscale redraws the cell at up to 2048 px from the same
recipe: the same picture with finer lines, dots and grain, not a resized copy.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

from generators.base import KIND_IMAGE, KIND_IMAGE_GRID, GeneratorError, InputFile, Result
from generators.image._dice import Dice
from generators.image._parents import cells_of, parent_png, prompt_of
from generators.image._plan import grid_result, image_result, summary_line
from generators.image._recipe import UPSCALE_LONG, cell_seeds, render, size_for
from generators.image._words import STYLES

#: How far a variation moves each random choice (0 = identical, 1 = unrelated).
AMOUNTS = {"subtle": 0.15, "strong": 0.45}


def _pick(spec: Mapping[str, Any], key: str = "pick") -> int | None:
    value = spec.get(key)
    return None if value is None else int(value)


class VaryGenerator:
    name: ClassVar[str] = "image.vary"
    version: ClassVar[str] = "1"
    command: ClassVar[str] = "vary"
    accepts: ClassVar[frozenset[str]] = frozenset({KIND_IMAGE_GRID, KIND_IMAGE})

    def generate(self, spec: Mapping[str, Any], inputs: Sequence[InputFile], seed: int) -> Result:
        parent = parent_png(inputs, "to")
        cells = cells_of(parent, seed, Dice(seed).child("style").choice(STYLES))
        amount_name = str(spec.get("amount") or "subtle").lower()
        amount = AMOUNTS.get(amount_name, AMOUNTS["subtle"])
        pick = _pick(spec)
        if len(cells) == 1:
            bases, label = [cells[0]] * 4, "variations"
        elif pick is None:
            bases, label = list(cells[:4]), "a variation of each cell"
        else:
            if not 1 <= pick <= len(cells):
                raise GeneratorError(f"pick must be 1–{len(cells)} for that grid, got {pick}")
            bases, label = [cells[pick - 1]] * 4, f"variations of cell {pick}"
        varied = [base.varied(s, amount) for base, s in zip(bases, cell_seeds(seed), strict=False)]
        make = {"kind": "vary", "amount": amount, "pick": pick, "prompt": prompt_of(parent)}
        return grid_result(self, spec, seed, varied, make, summary_line(label, varied[0], amount_name))


class UpscaleGenerator:
    name: ClassVar[str] = "image.upscale"
    version: ClassVar[str] = "1"
    command: ClassVar[str] = "upscale"
    accepts: ClassVar[frozenset[str]] = frozenset({KIND_IMAGE_GRID})

    def generate(self, spec: Mapping[str, Any], inputs: Sequence[InputFile], seed: int) -> Result:
        parent = parent_png(inputs, "to")
        pick = _pick(spec)
        if pick is None:
            raise GeneratorError("Which cell? Add pick:1–4 (left to right, top to bottom).")
        cells = cells_of(parent, seed, Dice(seed).child("style").choice(STYLES))
        if not 1 <= pick <= len(cells):
            raise GeneratorError(f"pick must be 1–{len(cells)} for that grid, got {pick}")
        recipe = cells[pick - 1]
        width, height = size_for(recipe.ar, UPSCALE_LONG)
        pixels = render(recipe, width, height)
        make = {"kind": "upscale", "pick": pick, "prompt": prompt_of(parent)}
        return image_result(self, spec, seed, recipe, pixels, make, "upscale.png",
                            summary_line(f"cell {pick} upscaled", recipe, f"{width}×{height}"))


GENERATORS = [VaryGenerator, UpscaleGenerator]
