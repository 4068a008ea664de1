"""/restyle and /blend: pictures repainted by a learned style-transfer network.

/restyle paints a member's picture in one of our eight drawing styles, one of the 26 painting
styles, or the style of another picture (``like:``).  Every target becomes a style vector and
``strength`` moves the picture's own style vector toward it, so any strength looks painted; none
is a cross-fade with the photo.  /blend paints two pictures in each other's styles as a 2×2 grid.
Results store raster recipes of their cells, so /vary and /upscale work on them like on any picture.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

import numpy as np
from PIL import Image

from generators.base import KIND_IMAGE, KIND_IMAGE_GRID, GeneratorError, InputFile, Output, Result
from generators.image import _transfer as transfer
from generators.image._dice import Dice
from generators.image._parents import parent_png, prompt_of, raster_recipe, tone_of
from generators.image._recipe import Recipe, recipe_json, render
from generators.image._transfer_alt import describe_painted
from generators.image._transfer_models import ARBITRARY_CREDIT, MULTISTYLE_CREDIT
from generators.image._transfer_styles import ALIASES, BY_NAME, NAMES
from generators.image._uploads import load_upload
from generators.image._words import STYLE_LABELS, STYLES
from generators.provenance import (
    COMPOSITE_SYNTHETIC,
    COMPOSITE_TRAINED,
    ModelCredit,
    png_provenance,
    with_models,
)

DEFAULT_STRENGTH = 70
#: The drawing style a painted result's recipe uses when /vary or /upscale redraws it.
REDRAW_STYLE = "watercolour"
#: /blend's cells: (content, style source, strength), A and B being the two pictures.
BLEND_CELLS = (("a", "b", 1.0), ("b", "a", 1.0), ("a", "b", 0.4), ("a", "b", 0.7))
BLEND_CELL_LONG = 512
SWATCH_LONG = 256  # a drawing style is rendered this big to read its style vector


class Target:
    """What a picture is restyled toward: a name for people, a style vector, the models used."""

    def __init__(self, name: str, words: str, vector: np.ndarray, credits: list[ModelCredit], redraw: str) -> None:
        self.name, self.words, self.vector, self.credits, self.redraw = name, words, vector, credits, redraw


def _strength(spec: Mapping[str, Any]) -> float:
    raw = spec.get("strength")
    value = DEFAULT_STRENGTH if raw is None else int(raw)
    return min(100, max(0, value)) / 100


def _style_name(spec: Mapping[str, Any], seed: int) -> str:
    value = str(spec.get("style") or "auto").strip().lower()
    value = ALIASES.get(value, value)
    if value in STYLES or value in BY_NAME:
        return value
    if value != "auto":
        raise GeneratorError(f"Unknown style {value!r}; pick a drawing or painting style (see /help restyle).")
    return Dice(seed).child("style").choice(NAMES)


def drawing_vector(rgb: np.ndarray, style: str, seed: int) -> np.ndarray:
    """The style vector of one of our drawing styles, as it draws this picture's tones."""
    small = Image.fromarray(rgb)
    small.thumbnail((SWATCH_LONG, SWATCH_LONG), Image.Resampling.BOX)
    tones = np.asarray(small)
    recipe = raster_recipe(small, style, seed)
    drawn = render(recipe, small.width, small.height, tone_override=tone_of(tones))
    return transfer.style_vector(np.ascontiguousarray(drawn, dtype=np.uint8))


def target_for(rgb: np.ndarray, spec: Mapping[str, Any], seed: int, like: np.ndarray | None) -> Target:
    if like is not None:
        if str(spec.get("style") or "auto").lower() != "auto":
            raise GeneratorError("Choose style: or like:, not both.")
        return Target("like", "in the style of another picture", transfer.style_vector(like), [ARBITRARY_CREDIT],
                      REDRAW_STYLE)
    name = _style_name(spec, seed)
    if name in STYLES:
        words = f"in our {STYLE_LABELS[name]} style"
        return Target(name, words, drawing_vector(rgb, name, seed), [ARBITRARY_CREDIT], name)
    painting = BY_NAME[name]
    words = f"in the {name} style ({painting.description})"
    return Target(name, words, transfer.painting_vector(rgb, painting.index), [MULTISTYLE_CREDIT, ARBITRARY_CREDIT],
                  REDRAW_STYLE)


def _picture(data: bytes) -> np.ndarray:
    return np.asarray(load_upload(data), dtype=np.uint8)


def _like(inputs: Sequence[InputFile]) -> np.ndarray | None:
    files = [f for f in inputs if f.slot == "like"]
    if not files:
        return None
    return _picture(parent_png(inputs, "like").data)


def _has_member_picture(png: bytes) -> bool:
    """True when a parent PNG says a member's upload is part of it (a composite source type)."""
    return any(marker in png for marker in (COMPOSITE_SYNTHETIC.encode(), COMPOSITE_TRAINED.encode()))


def _encode(generator: Any, spec: Mapping[str, Any], seed: int, image: Image.Image, cells: Sequence[Recipe],
            make: Mapping[str, Any], credits: Sequence[ModelCredit], alt: str, has_upload: bool = True) -> bytes:
    extra = {"style": str(make.get("style") or ""), "recipe": recipe_json(cells, make), "alt": alt,
             "models": "; ".join(c["name"] for c in credits)}
    if make.get("prompt") and not spec.get("prompt"):
        extra["prompt"] = str(make["prompt"])
    return png_provenance(image, spec=with_models(spec, credits), generator=generator.name, version=generator.version,
                          seed=seed, has_member_upload=has_upload, extra=extra)


class RestyleGenerator:
    name: ClassVar[str] = "image.restyle"
    version: ClassVar[str] = "2"
    command: ClassVar[str] = "restyle"
    accepts: ClassVar[frozenset[str]] = frozenset()

    def generate(self, spec: Mapping[str, Any], inputs: Sequence[InputFile], seed: int) -> Result:
        uploads = [f for f in inputs if f.slot == "file"] or [f for f in inputs if f.origin == "upload"]
        if not uploads:
            raise GeneratorError("Attach a picture to restyle: file:<your PNG, JPEG or WebP>.")
        rgb = _picture(uploads[0].data)
        target = target_for(rgb, spec, seed, _like(inputs))
        strength = _strength(spec)
        own = transfer.style_vector(rgb)
        pixels = transfer.paint(rgb, transfer.mix(own, target.vector, strength))
        percent = round(strength * 100)
        image = Image.fromarray(pixels, "RGB")
        recipe = raster_recipe(image, target.redraw, seed)
        make = {"kind": "restyle", "style": target.name, "strength": percent}
        alt = describe_painted("a member's picture", target.words, pixels)
        png = _encode(self, spec, seed, image, [recipe], make, target.credits, alt)
        facts = {"style": target.name, "strength": percent, "size": f"{image.width}×{image.height}",
                 "models": list(target.credits), "alt": alt}
        summary = f"your picture restyled · {target.name} · strength {percent}"
        return Result(KIND_IMAGE, (Output("restyle.png", "image/png", png, primary=True),), facts, summary)


def _cell(parent: InputFile, pick: int) -> np.ndarray:
    """The chosen picture of a parent: the whole image, or one quarter of a 2×2 grid."""
    rgb = _picture(parent.data)
    if parent.kind != KIND_IMAGE_GRID:
        return rgb
    h, w = rgb.shape[0] // 2, rgb.shape[1] // 2
    row, col = divmod(pick - 1, 2)
    return np.ascontiguousarray(rgb[row * h:(row + 1) * h, col * w:(col + 1) * w])


def _fit(rgb: np.ndarray, width: int, height: int) -> np.ndarray:
    """The picture cropped to the cell's shape around its centre and resized to it."""
    h, w = rgb.shape[:2]
    scale = max(width / w, height / h)
    cw, ch = min(w, round(width / scale)), min(h, round(height / scale))
    top, left = (h - ch) // 2, (w - cw) // 2
    crop = Image.fromarray(rgb[top:top + ch, left:left + cw])
    return np.asarray(crop.resize((width, height), Image.Resampling.LANCZOS))


def cell_size(rgb: np.ndarray) -> tuple[int, int]:
    h, w = rgb.shape[:2]
    scale = BLEND_CELL_LONG / max(h, w)
    return max(16, round(w * scale)) // 4 * 4, max(16, round(h * scale)) // 4 * 4


class BlendGenerator:
    name: ClassVar[str] = "image.blend"
    version: ClassVar[str] = "2"
    command: ClassVar[str] = "blend"
    accepts: ClassVar[frozenset[str]] = frozenset({KIND_IMAGE, KIND_IMAGE_GRID})

    def generate(self, spec: Mapping[str, Any], inputs: Sequence[InputFile], seed: int) -> Result:
        pictures: dict[str, np.ndarray] = {}
        prompts: list[str] = []
        member_picture = False
        for slot in ("a", "b"):
            parent = parent_png(inputs, slot)
            member_picture = member_picture or _has_member_picture(parent.data)
            pick = int(spec.get(f"pick_{slot}") or 1)
            cells = 4 if parent.kind == KIND_IMAGE_GRID else 1
            if not 1 <= pick <= cells:
                raise GeneratorError(f"pick_{slot} must be 1–{cells} for that picture, got {pick}")
            pictures[slot] = _cell(parent, pick)
            prompts.append(prompt_of(parent))
        width, height = cell_size(pictures["a"])
        fitted = {slot: _fit(rgb, width, height) for slot, rgb in pictures.items()}
        vectors = {slot: transfer.style_vector(rgb) for slot, rgb in fitted.items()}
        grid = Image.new("RGB", (2 * width, 2 * height))
        recipes: list[Recipe] = []
        for n, (content, style, strength) in enumerate(BLEND_CELLS):
            vector = transfer.mix(vectors[content], vectors[style], strength)
            painted = Image.fromarray(transfer.paint(fitted[content], vector), "RGB")
            grid.paste(painted, ((n % 2) * width, (n // 2) * height))
            recipes.append(raster_recipe(painted, REDRAW_STYLE, seed + n))
        prompt = " + ".join(p for p in prompts if p)
        credits = [ARBITRARY_CREDIT]
        make = {"kind": "blend", "prompt": prompt, "style": "blend"}
        alt = describe_painted(f"a 2×2 grid of {prompt or 'two pictures'}", "in each other's styles: first A in "
                               "B's style, then B in A's, then A moved 40 % and 70 % toward B's",
                               np.asarray(grid))
        png = _encode(self, spec, seed, grid, recipes, make, credits, alt, has_upload=member_picture)
        facts = {"cells": 4, "size": f"{grid.width}×{grid.height}", "models": list(credits), "alt": alt,
                 "style": "each other's styles"}
        if prompt:
            facts["prompt"] = prompt
        summary = "two pictures in each other's styles · A in B's · B in A's · A 40 % and 70 % toward B"
        return Result(KIND_IMAGE_GRID, (Output("blend.png", "image/png", png, primary=True),), facts, summary)


GENERATORS = [RestyleGenerator, BlendGenerator]
