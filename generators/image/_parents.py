"""Finding the picture a built-on command works from, and its recipes.

A parent artifact arrives as all its files; the picture is its PNG.  Its recipes come from the
PNG's own XMP; failing that, from the parent's spec and seed (a /sketch), and failing that from
its pixels (any other picture), so every image can be varied or blended.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

import numpy as np
from PIL import Image

from generators.base import GeneratorError, InputFile
from generators.image._noise import F32
from generators.image._palette import Palette
from generators.image._recipe import Recipe, ar_of, encode_source, read_recipes

MAX_PARENT_PIXELS = 40_000_000


def parent_png(inputs: Sequence[InputFile], slot: str) -> InputFile:
    """The picture among the files of the parent in ``slot``: a PNG, the grid or image itself."""
    files = [f for f in inputs if f.slot == slot and f.origin == "parent"]
    pictures = [f for f in files if f.mime == "image/png"] or [f for f in files if f.mime.startswith("image/")]
    if not pictures:
        if files:
            raise GeneratorError("That result has no picture to work from; pick an image or a grid.")
        raise GeneratorError("Nothing to work from: point to: at an image or a grid.")
    return pictures[0]


def parent_recipes(parent: InputFile) -> tuple[list[Recipe], dict[str, Any]] | None:
    found = read_recipes(parent.data)
    if found:
        return found
    if parent.generator in ("image.sketch", "image.reroll") and parent.spec.get("prompt") and parent.seed is not None:
        from generators.image._plan import sketch_recipes

        return sketch_recipes(parent.spec, int(parent.seed))
    return None


def decode_picture(data: bytes) -> Image.Image:
    """A parent's picture as RGB (our own PNGs; still bounded, since files can come from anywhere)."""
    try:
        with Image.open(io.BytesIO(data)) as im:
            if im.width * im.height > MAX_PARENT_PIXELS:
                raise GeneratorError("That picture is too large to work from.")
            im.load()
            return im.convert("RGB")
    except GeneratorError:
        raise
    except Exception:
        raise GeneratorError("That picture could not be read; it may be damaged.") from None


def palette_of(rgb: np.ndarray) -> Palette:
    """Five colours of a picture: the mean colour of each fifth of its pixels ordered by lightness."""
    small = rgb[:: max(1, rgb.shape[0] // 128), :: max(1, rgb.shape[1] // 128)].reshape(-1, 3).astype(F32)
    luma = small @ np.array([0.2126, 0.7152, 0.0722], dtype=F32)
    order = np.argsort(luma, kind="stable")
    parts = np.array_split(small[order], 5)
    cols = [tuple(round(float(v)) for v in part.mean(axis=0)) for part in parts if len(part)]
    while len(cols) < 5:
        cols.append(cols[-1])
    return Palette.of("from the picture", cols)


def tone_of(rgb: np.ndarray) -> np.ndarray:
    return (rgb.astype(F32) @ np.array([0.2126, 0.7152, 0.0722], dtype=F32)) / 255.0


def raster_recipe(image: Image.Image, style: str, seed: int, subjects: tuple[str, ...] = ()) -> Recipe:
    """A recipe that redraws a picture's tones in a style (for uploads and foreign pictures)."""
    rgb = np.asarray(image.convert("RGB"))
    palette = palette_of(rgb)
    return Recipe(style, palette.hex(), palette.name, subjects, ar_of(image.width, image.height), int(seed),
                  source=encode_source(tone_of(rgb)))


def cells_of(parent: InputFile, seed: int, style: str) -> list[Recipe]:
    """The parent's recipes, or raster recipes from its pixels (a grid's four quarters) when it has none."""
    found = parent_recipes(parent)
    if found:
        return found[0]
    image = decode_picture(parent.data)
    if parent.kind != "image-grid":
        return [raster_recipe(image, style, seed)]
    w, h = image.width // 2, image.height // 2
    boxes = [(0, 0, w, h), (w, 0, 2 * w, h), (0, h, w, 2 * h), (w, h, 2 * w, 2 * h)]
    return [raster_recipe(image.crop(box), style, seed) for box in boxes]


def prompt_of(parent: InputFile) -> str:
    """The words the parent picture was first made from, carried on so every file names them."""
    found = read_recipes(parent.data)
    if found and found[1].get("prompt"):
        return str(found[1]["prompt"])
    return str(parent.spec.get("prompt") or "")
