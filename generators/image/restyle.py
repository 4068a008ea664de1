"""/restyle and /blend: a member's own picture redrawn in a style, and two pictures merged.

A restyle keeps the upload's tones and colours and draws them in a style; ``strength`` sets how
much of the original shows through.  A blend joins two pictures' subjects and palettes into one
composition, and when their styles differ, draws one across part of the picture and the other
across the rest.  Both results store recipes, so /vary works on them like on any picture.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any, ClassVar

import numpy as np

from generators.base import KIND_IMAGE, KIND_IMAGE_GRID, GeneratorError, InputFile, Result
from generators.image._dice import Dice, derive
from generators.image._noise import F32, resize
from generators.image._palette import Palette, merge
from generators.image._parents import cells_of, palette_of, parent_png, prompt_of, tone_of
from generators.image._plan import image_result, summary_line
from generators.image._recipe import GRID_LONG, Recipe, ar_of, encode_source, render, size_for, source_tone
from generators.image._uploads import load_upload
from generators.image._words import MAX_SUBJECTS, STYLES


def _style(spec: Mapping[str, Any], seed: int, fallback: str | None = None) -> str:
    value = str(spec.get("style") or "auto").lower()
    if value in STYLES:
        return value
    return fallback or Dice(seed).child("style").choice(STYLES)


class RestyleGenerator:
    name: ClassVar[str] = "image.restyle"
    version: ClassVar[str] = "1"
    command: ClassVar[str] = "restyle"
    accepts: ClassVar[frozenset[str]] = frozenset()

    def generate(self, spec: Mapping[str, Any], inputs: Sequence[InputFile], seed: int) -> Result:
        uploads = [f for f in inputs if f.slot == "file"] or [f for f in inputs if f.origin == "upload"]
        if not uploads:
            raise GeneratorError("Attach a picture to restyle: file:<your PNG, JPEG or WebP>.")
        picture = load_upload(uploads[0].data)
        rgb = np.asarray(picture, dtype=np.uint8)
        style = _style(spec, seed)
        strength = min(100, max(0, int(spec.get("strength") if spec.get("strength") is not None else 70))) / 100
        palette = palette_of(rgb)
        tone = tone_of(rgb)
        recipe = Recipe(style, palette.hex(), palette.name, (), ar_of(picture.width, picture.height), int(seed),
                        source=encode_source(tone))
        styled = render(recipe, picture.width, picture.height, tone_override=tone).astype(F32)
        pixels = (styled * strength + rgb.astype(F32) * (1.0 - strength) + 0.5).astype(np.uint8)
        make = {"kind": "restyle", "strength": round(strength * 100)}
        summary = summary_line("your picture restyled", recipe, f"strength {round(strength * 100)}")
        return image_result(self, spec, seed, recipe, pixels, make, "restyle.png", summary, has_upload=True)


def _tone(recipe: Recipe, width: int, height: int) -> np.ndarray:
    """A picture's composition as tones, for blending pictures that came from uploads."""
    if recipe.source:
        return source_tone(recipe.source, width, height)
    grey = render(replace(recipe, second=""), width, height).astype(F32) @ np.array([0.2126, 0.7152, 0.0722], F32)
    return resize(grey / 255.0, width, height)


class BlendGenerator:
    name: ClassVar[str] = "image.blend"
    version: ClassVar[str] = "1"
    command: ClassVar[str] = "blend"
    accepts: ClassVar[frozenset[str]] = frozenset({KIND_IMAGE, KIND_IMAGE_GRID})

    def generate(self, spec: Mapping[str, Any], inputs: Sequence[InputFile], seed: int) -> Result:
        chosen = []
        for slot in ("a", "b"):
            parent = parent_png(inputs, slot)
            cells = cells_of(parent, seed, _style({}, seed))
            pick = int(spec.get(f"pick_{slot}") or 1)
            if not 1 <= pick <= len(cells):
                raise GeneratorError(f"pick_{slot} must be 1–{len(cells)} for that picture, got {pick}")
            chosen.append((cells[pick - 1], prompt_of(parent)))
        (a, prompt_a), (b, prompt_b) = chosen
        explicit = str(spec.get("style") or "auto").lower() in STYLES
        style = _style(spec, seed, a.style)
        second = "" if explicit or b.style == style else b.style
        palette = merge(Palette.from_hex(a.palette_name, a.palette), Palette.from_hex(b.palette_name, b.palette))
        subjects = tuple(dict.fromkeys((*a.subjects, *b.subjects)))[: MAX_SUBJECTS + 2]
        source = ""
        if a.source or b.source:
            w, h = size_for(a.ar, 256)
            source = encode_source(0.5 * _tone(a, w, h) + 0.5 * _tone(b, w, h))
        recipe = Recipe(style, palette.hex(), palette.name, subjects, a.ar, derive(seed, "blend"), source=source,
                        second=second)
        width, height = size_for(recipe.ar, GRID_LONG)
        pixels = render(recipe, width, height)
        prompt = " + ".join(p for p in (prompt_a, prompt_b) if p)
        make = {"kind": "blend", "prompt": prompt}
        return image_result(self, spec, seed, recipe, pixels, make, "blend.png", summary_line(prompt, recipe),
                            has_upload=bool(source))


GENERATORS = [RestyleGenerator, BlendGenerator]
