"""Shared helpers for the image tests (no tests here): run generators, split grids, judge pictures."""

from __future__ import annotations

import functools
import io
from collections.abc import Mapping
from typing import Any

import numpy as np
from PIL import Image
from scipy import ndimage

from generators.base import InputFile, Result
from generators.image.sketch import SketchGenerator

PROVENANCE = {"credits": ["ann · prompted"], "title": "crimson koi under a full moon",
              "disclosure": "AI-generated with Jamroom (algorithmic, no trained model)."}


def spec(**values: Any) -> dict[str, Any]:
    return {**values, "_provenance": dict(PROVENANCE)}


def sketch(prompt: str, seed: int, **options: Any) -> Result:
    return SketchGenerator().generate(spec(prompt=prompt, **options), [], seed)


def primary(result: Result) -> bytes:
    [out] = [o for o in result.outputs if o.primary]
    return out.data


def pixels(result_or_png: Result | bytes) -> np.ndarray:
    data = primary(result_or_png) if isinstance(result_or_png, Result) else result_or_png
    with Image.open(io.BytesIO(data)) as im:
        return np.asarray(im.convert("RGB"))


def as_inputs(result: Result, slot: str = "to", generator: str = "image.sketch", seed: int = 1,
              parent_spec: Mapping[str, Any] | None = None) -> list[InputFile]:
    """A result as the core hands it to a child job: every file, with the parent's kind and spec."""
    return [InputFile(o.name, o.mime, o.data, "parent", result.kind, dict(parent_spec or {}), slot, generator, seed)
            for o in result.outputs]


def upload(data: bytes, name: str = "photo.png", mime: str = "image/png") -> list[InputFile]:
    return [InputFile(name, mime, data, "upload", "", {}, "file")]


def cells(grid: np.ndarray) -> list[np.ndarray]:
    """The four cells of a 2×2 grid, left to right, top to bottom."""
    h, w = grid.shape[0] // 2, grid.shape[1] // 2
    return [grid[r * h:(r + 1) * h, c * w:(c + 1) * w] for r in range(2) for c in range(2)]


def distance(a: np.ndarray, b: np.ndarray) -> float:
    """Mean per-pixel distance of two RGB pictures, 0 (same) .. 1 (black vs white)."""
    return float(np.abs(a.astype(np.float32) - b.astype(np.float32)).mean() / 255.0)


def thumb(a: np.ndarray, size: int = 64) -> np.ndarray:
    """A small area-averaged copy: what the composition looks like, without stroke-level detail."""
    return np.asarray(Image.fromarray(a).resize((size, size), Image.Resampling.BOX))


def grey(a: np.ndarray) -> np.ndarray:
    return a.astype(np.float64) @ np.array([0.2126, 0.7152, 0.0722]) / 255.0


def shrink(a: np.ndarray, width: int, height: int) -> np.ndarray:
    return np.asarray(Image.fromarray(a).resize((width, height), Image.Resampling.BOX))


def _ssim_reference(a: np.ndarray, b: np.ndarray, data_range: float = 1.0) -> float:
    """scikit-image's default SSIM (7×7 uniform window, sample covariance), for machines without it."""
    win, k1, k2 = 7, 0.01, 0.03
    a, b = a.astype(np.float64), b.astype(np.float64)
    cov_norm = win * win / (win * win - 1.0)
    ux, uy = ndimage.uniform_filter(a, win), ndimage.uniform_filter(b, win)
    uxx, uyy = ndimage.uniform_filter(a * a, win), ndimage.uniform_filter(b * b, win)
    uxy = ndimage.uniform_filter(a * b, win)
    vx, vy, vxy = cov_norm * (uxx - ux * ux), cov_norm * (uyy - uy * uy), cov_norm * (uxy - ux * uy)
    c1, c2 = (k1 * data_range) ** 2, (k2 * data_range) ** 2
    s = ((2 * ux * uy + c1) * (2 * vxy + c2)) / ((ux * ux + uy * uy + c1) * (vx + vy + c2))
    pad = (win - 1) // 2
    return float(s[pad:-pad, pad:-pad].mean())


def ssim(a: np.ndarray, b: np.ndarray) -> float:
    """Structural similarity of two greyscale pictures in 0..1 (scikit-image when installed)."""
    try:
        from skimage.metrics import structural_similarity
    except ImportError:
        return _ssim_reference(a, b)
    return float(structural_similarity(a, b, data_range=1.0))


def dominant_hue(rgb: np.ndarray) -> float:
    """The hue (degrees) with the most colour in it: a histogram weighted by saturation × value."""
    hsv = np.asarray(Image.fromarray(rgb).convert("HSV"), dtype=np.float64) / 255.0
    weight = hsv[..., 1] * hsv[..., 2]
    hist, edges = np.histogram(hsv[..., 0].ravel() * 360.0, bins=36, range=(0, 360), weights=weight.ravel())
    k = int(np.argmax(hist))
    return float((edges[k] + edges[k + 1]) / 2)


@functools.lru_cache(maxsize=64)
def sketch_once(prompt: str, seed: int, style: str = "auto", ar: str = "1:1") -> Result:
    """A sketch made once per test session (several tests judge the same grid)."""
    return sketch(prompt, seed, style=style, ar=ar)


def cell_picture(prompt: str, seed: int, style: str, index: int = 0, size: int = 512) -> np.ndarray:
    """One cell of a /sketch grid drawn alone (cheaper than the grid when one cell is judged)."""
    from generators.image._plan import sketch_recipes
    from generators.image._recipe import render, size_for

    recipes, _ = sketch_recipes({"prompt": prompt, "style": style}, seed)
    width, height = size_for(recipes[index].ar, size)
    return render(recipes[index], width, height)


def subject_masks(recipe: Any, width: int, height: int) -> dict[str, np.ndarray]:
    """Each subject the recipe lists, drawn alone from its own shapes (True where it is)."""
    from PIL import ImageDraw

    from generators.image._noise import Canvas
    from generators.image._scene import draw_shapes

    scene = recipe.scene()
    canvas = Canvas(width, height, recipe.aspect)
    masks = {}
    for name in recipe.subjects:
        mask = Image.new("L", (width, height), 0)
        draw_shapes(ImageDraw.Draw(mask), [sh for sh in scene.shapes if sh.role == name], canvas, lambda sh: 255)
        masks[name] = np.asarray(mask) > 127
    return masks


def hue_share(rgb: np.ndarray, mask: np.ndarray, hue: float, within: float = 30.0) -> float:
    """Share of the masked pixels whose hue is within ``within`` degrees of ``hue`` (saturation > 0.2)."""
    hsv = np.asarray(Image.fromarray(rgb).convert("HSV"), dtype=np.float64) / 255.0
    h = hsv[..., 0] * 360.0
    near = (np.minimum(np.abs(h - hue), 360.0 - np.abs(h - hue)) <= within) & (hsv[..., 1] > 0.2)
    return float((near & mask).sum() / max(1, mask.sum()))
