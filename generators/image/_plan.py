"""From a command's spec to recipes, and from recipes to a finished, labelled PNG result."""

from __future__ import annotations

import colorsys
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from PIL import Image

from generators.base import KIND_IMAGE, KIND_IMAGE_GRID, Output, Result
from generators.image._dice import Dice
from generators.image._palette import COLOURS, NAMED, pick_palette
from generators.image._recipe import ARS, Recipe, cell_seeds, recipe_json, render_grid
from generators.image._vocab import ENVIRONMENT, SUBJECT_INFO
from generators.image._words import STYLE_LABELS, STYLES, Reading, read_prompt
from generators.provenance import png_provenance, with_models

PALETTES = tuple(NAMED)


def _choice(spec: Mapping[str, Any], key: str, allowed: Sequence[str]) -> str | None:
    value = spec.get(key)
    if value is None:
        return None
    value = str(value).strip().lower()
    return value if value in allowed else None


#: Which styles suit which content: (style, weight) added per cue; nebula only for space.
_SPACE = frozenset({"stars", "planet", "comet", "galaxy", "aurora", "eclipse", "earth", "rocket", "ufo",
                    "astronaut"})
_FAMILY_STYLES: dict[str, tuple[str, ...]] = {
    "quad": ("watercolour", "halftone", "mosaic", "bauhaus"), "bird": ("watercolour", "flow", "halftone"),
    "swim": ("watercolour", "flow", "mosaic"), "figure": ("halftone", "watercolour", "mosaic"),
    "building": ("halftone", "bauhaus", "mosaic", "contour"), "vehicle": ("halftone", "bauhaus", "glitch"),
    "boat": ("watercolour", "flow", "halftone"), "plant": ("watercolour", "mosaic", "flow"),
    "instrument": ("bauhaus", "halftone", "mosaic"), "thing": ("bauhaus", "halftone", "mosaic"),
    "land": ("contour", "watercolour", "flow"), "water": ("flow", "watercolour"),
    "weather": ("watercolour", "flow", "glitch"), "sky": ("watercolour", "flow"),
}
_MOOD_STYLES: dict[str, tuple[str, ...]] = {
    "calm": ("watercolour", "contour"), "serene": ("watercolour", "contour"), "peaceful": ("watercolour",),
    "wistful": ("watercolour",), "dreamy": ("watercolour", "flow"), "melancholy": ("watercolour", "contour"),
    "sad": ("watercolour",), "joyful": ("bauhaus", "halftone"), "happy": ("bauhaus", "halftone"),
    "angry": ("glitch", "halftone"), "energetic": ("glitch", "flow", "bauhaus"), "eerie": ("glitch", "contour"),
    "spooky": ("glitch", "halftone"), "gloomy": ("contour", "watercolour"), "cozy": ("watercolour", "mosaic"),
    "mysterious": ("contour", "flow"),
}


def auto_style(reading: Reading, dice: Dice) -> str:
    """A style that suits the subjects, mood and light (the seed only breaks ties)."""
    weights = {style: 0.4 for style in STYLES if style != "nebula"}
    for k, name in enumerate(reading.subjects):
        for style in _FAMILY_STYLES.get(SUBJECT_INFO[name].family, ()):
            weights[style] = weights.get(style, 0.0) + (2.0 if k == 0 else 1.0)
        if name in _SPACE:
            weights["nebula"] = weights.get("nebula", 0.0) + 3.0
    for style in _MOOD_STYLES.get(reading.mood or "", ()):
        weights[style] = weights.get(style, 0.0) + 2.5
    if reading.light == "neon":
        weights["glitch"] = weights.get("glitch", 0.0) + 2.5
    names = sorted(weights)
    pick = dice.real(0.0, sum(weights[n] for n in names))
    for name in names:
        pick -= weights[name]
        if pick <= 0:
            return name
    return names[-1]


def _leave_out(spec: Mapping[str, Any]) -> list[str]:
    value = spec.get("no")
    if value is None:
        return []
    if isinstance(value, str):
        return value.replace(",", " ").split()
    return [str(v) for v in value][:50]


def _hex_of(word: str) -> str:
    h, s, v = COLOURS[word]
    r, g, b = colorsys.hsv_to_rgb((h % 360) / 360.0, s, v)
    return f"#{round(r * 255):02x}{round(g * 255):02x}{round(b * 255):02x}"


def sketch_recipes(spec: Mapping[str, Any], seed: int) -> tuple[list[Recipe], dict[str, Any]]:
    """The four cells of a /sketch grid and the "make" record a /reroll repeats with a new seed."""
    prompt = str(spec.get("prompt") or "")
    leave_out = _leave_out(spec)
    reading = read_prompt(prompt, leave_out)
    dice = Dice(seed)
    # The prompt's own words (known and unknown) key the palette and style draws, not the seed alone.
    salted = dice.child(f"prompt:{','.join(reading.subjects)}:{reading.salt}") if reading.subjects or reading.salt \
        else dice
    style = _choice(spec, "style", STYLES) or reading.style or auto_style(reading, salted.child("style"))
    ar = _choice(spec, "ar", ARS) or "1:1"
    named = _choice(spec, "palette", PALETTES) or reading.palette
    if style == "bauhaus" and not (reading.loose or named or reading.mood or reading.tints):
        named = "bauhaus"
    if _choice(spec, "palette", PALETTES):
        palette = pick_palette((), named, None, (), salted.child("palette"))
    else:
        palette = pick_palette(reading.loose, named, reading.mood, reading.subjects, salted.child("palette"),
                               reading.light)
    tints = tuple((target, _hex_of(word)) for target, word in reading.tints)
    cells = [Recipe(style, palette.hex(), palette.name, reading.subjects, ar, s, words=reading.words, tints=tints,
                    light=reading.light or "", mods=reading.mods, salt=reading.salt) for s in cell_seeds(seed)]
    make = {"kind": "sketch", "prompt": prompt, "style": spec.get("style"), "ar": ar, "palette": spec.get("palette")}
    if leave_out:
        make["no"] = leave_out
    return cells, make


def _colour_name(colour: str) -> str:
    """The colour word nearest to a hex colour (for alt text)."""
    r, g, b = (int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5))
    h, s, v = colorsys.rgb_to_hsv(r, g, b)

    def distance(word: str) -> float:
        wh, ws, wv = COLOURS[word]
        dh = min(abs(h * 360 - wh), 360 - abs(h * 360 - wh)) / 180
        return dh * dh * 4 * min(s, ws) + (s - ws) ** 2 + (v - wv) ** 2

    return min(COLOURS, key=distance)


_MASS = frozenset({"snow", "rain", "fog", "wind", "lightning", "grass", "wheat", "bamboo", "seaweed", "bread",
                   "sea", "beach", "field", "desert", "path", "sun", "moon", "city", "sky"})


def _article(phrase: str) -> str:
    last = phrase.split()[-1]
    if last in _MASS:
        return "the " + phrase if last in ("sea", "beach", "sun", "moon", "city", "sky", "path") else phrase
    if phrase.endswith("s") and not phrase.endswith(("ss", "us")):
        return phrase
    return ("an " if phrase[0] in "aeiou" else "a ") + phrase


def alt_text(recipe: Recipe) -> str:
    """One sentence for screen readers: subjects (with their colours), light, style, composition."""
    tints: dict[str, list[str]] = {}
    for target, colour in recipe.tints:
        tints.setdefault(target, []).append(_colour_name(colour))
    parts = []
    known = [name for name in recipe.subjects if name in SUBJECT_INFO]
    for name in known:
        colour = " and ".join(tints.get(name, ()))
        parts.append(_article(f"{colour} {name}".strip()))
    if not parts:
        text = "abstract forms"
    elif len(parts) == 1:
        text = parts[0]
    else:
        text = ", ".join(parts[:-1]) + " and " + parts[-1]
    light = {"dawn": " at dawn", "noon": " by day", "dusk": " at dusk", "night": " at night",
             "neon": " in neon light"}.get(recipe.light or ("night" if "night" in recipe.subjects else ""), "")
    sky = f" under a {' and '.join(tints['sky'])} sky" if "sky" in tints else ""
    style = STYLE_LABELS[recipe.style]
    where = ""
    if known and SUBJECT_INFO[known[0]].family not in ENVIRONMENT and not recipe.source:
        scene = recipe.scene()
        xs = [sh.points[0][0] for sh in scene.shapes if sh.role == known[0]]
        if xs:
            side = "left" if sum(xs) / len(xs) < 0.5 else "right"
            where = f"; the {known[0]} on the {side} third"
    colours = f" in {recipe.palette_name} colours" if recipe.palette_name else ""
    return f"{text}{light}{sky}, {style}{colours}{where}"


def describe(recipe: Recipe) -> dict[str, Any]:
    facts: dict[str, Any] = {"style": STYLE_LABELS[recipe.style], "palette": recipe.palette_name, "ar": recipe.ar,
                             "alt": alt_text(recipe)}
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
        "subjects": ", ".join(first.subjects),
        "recipe": recipe_json(cells, make),
    }
    if first.words:
        extra["subject_words"] = ", ".join(f"{s} ({w})" for s, w in zip(first.subjects, first.words, strict=False))
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
    """Render four recipes as the 2×2 grid ``sketch.png`` (repainted when ``finish`` is "painterly")."""
    image = render_grid(cells)
    facts: dict[str, Any] = {**describe(cells[0]), "cells": 4}
    if str(spec.get("finish") or "").lower() == "painterly":
        image, spec, credits = _painterly(image, spec, seed)
        if credits:
            facts["models"] = credits
            facts["finish"] = "painterly"
    png = encode(image, spec=spec, generator=generator, seed=seed, cells=cells, make=make)
    return Result(KIND_IMAGE_GRID, (Output("sketch.png", "image/png", png, primary=True),), facts, summary)


def _painterly(image: Image.Image, spec: Mapping[str, Any], seed: int) -> tuple[Image.Image, Mapping[str, Any], list]:
    """The learned painterly finish (images-transfer's network), when it is installed."""
    try:
        from generators.image import _transfer
    except ImportError:
        return image, spec, []
    finish = getattr(_transfer, "painterly", None)
    credits = list(getattr(_transfer, "PAINTERLY_CREDITS", []))
    if finish is None:
        return image, spec, []
    strength = spec.get("strength")
    amount = min(100, max(0, int(strength))) / 100 if strength is not None else 0.7
    return finish(image, amount, seed), with_models(spec, credits), credits


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
