"""From a command's spec to recipes, and from recipes to a finished, labelled PNG result."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from PIL import Image

from generators.base import KIND_IMAGE, KIND_IMAGE_GRID, Output, Result
from generators.image._dice import Dice
from generators.image._palette import NAMED, pick_palette
from generators.image._recipe import ARS, Recipe, cell_seeds, recipe_json, render_grid
from generators.image._words import STYLE_LABELS, STYLES, read_prompt
from generators.provenance import png_provenance

PALETTES = tuple(NAMED)


def _choice(spec: Mapping[str, Any], key: str, allowed: Sequence[str]) -> str | None:
    value = spec.get(key)
    if value is None:
        return None
    value = str(value).strip().lower()
    return value if value in allowed else None


def sketch_recipes(spec: Mapping[str, Any], seed: int) -> tuple[list[Recipe], dict[str, Any]]:
    """The four cells of a /sketch grid and the "make" record a /reroll repeats with a new seed."""
    prompt = str(spec.get("prompt") or "")
    reading = read_prompt(prompt)
    dice = Dice(seed)
    style = _choice(spec, "style", STYLES) or reading.style or dice.child("style").choice(STYLES)
    ar = _choice(spec, "ar", ARS) or "1:1"
    named = _choice(spec, "palette", PALETTES) or reading.palette
    if style == "bauhaus" and not (reading.colours or named or reading.mood):
        named = "bauhaus"
    if _choice(spec, "palette", PALETTES):
        palette = pick_palette((), named, None, (), dice.child("palette"))
    else:
        palette = pick_palette(reading.colours, named, reading.mood, reading.subjects, dice.child("palette"))
    cells = [Recipe(style, palette.hex(), palette.name, reading.subjects, ar, s) for s in cell_seeds(seed)]
    make = {"kind": "sketch", "prompt": prompt, "style": spec.get("style"), "ar": ar, "palette": spec.get("palette")}
    return cells, make


def describe(recipe: Recipe) -> dict[str, Any]:
    facts: dict[str, Any] = {"style": STYLE_LABELS[recipe.style], "palette": recipe.palette_name, "ar": recipe.ar}
    if recipe.subjects:
        facts["subjects"] = ", ".join(recipe.subjects)
    return facts


def encode(
    image: Image.Image,
    *,
    spec: Mapping[str, Any],
    generator: Any,
    seed: int,
    cells: Sequence[Recipe],
    make: Mapping[str, Any],
    has_upload: bool = False,
) -> bytes:
    first = cells[0]
    extra = {
        "style": first.style,
        "palette": first.palette_name,
        "ar": first.ar,
        "subjects": " ".join(first.subjects),
        "recipe": recipe_json(cells, make),
    }
    if make.get("prompt") and not spec.get("prompt"):
        extra["prompt"] = make["prompt"]
    return png_provenance(
        image, spec=spec, generator=generator.name, version=generator.version, seed=seed,
        has_member_upload=has_upload, extra=extra,
    )


def grid_result(
    generator: Any, spec: Mapping[str, Any], seed: int, cells: Sequence[Recipe], make: Mapping[str, Any],
    summary: str,
) -> Result:
    """Render four recipes as the 2×2 grid ``sketch.png``."""
    png = encode(render_grid(cells), spec=spec, generator=generator, seed=seed, cells=cells, make=make)
    facts = {**describe(cells[0]), "cells": 4}
    return Result(KIND_IMAGE_GRID, (Output("sketch.png", "image/png", png, primary=True),), facts, summary)


def image_result(
    generator: Any, spec: Mapping[str, Any], seed: int, recipe: Recipe, pixels: np.ndarray, make: Mapping[str, Any],
    name: str, summary: str, has_upload: bool = False,
) -> Result:
    """One picture (upscale, restyle, blend) as a single primary PNG."""
    image = Image.fromarray(pixels, "RGB")
    png = encode(image, spec=spec, generator=generator, seed=seed, cells=[recipe], make=make, has_upload=has_upload)
    facts = {**describe(recipe), "size": f"{image.width}×{image.height}"}
    return Result(KIND_IMAGE, (Output(name, "image/png", png, primary=True),), facts, summary)


def summary_line(text: str, recipe: Recipe, extra: str = "") -> str:
    text = " ".join(text.split())
    if len(text) > 80:
        text = text[:79].rstrip() + "…"
    parts = [p for p in (text, STYLE_LABELS[recipe.style], extra) if p]
    return " · ".join(parts)
