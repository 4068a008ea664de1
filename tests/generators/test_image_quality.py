"""How the pictures look, judged by numbers: cells differ, variations stay near, colour words steer
hue, styles differ in structure (SSIM), and an upscale is the same picture as its cell."""

from __future__ import annotations

import itertools

import pytest
from test_image_support import (
    as_inputs,
    cell_picture,
    cells,
    distance,
    dominant_hue,
    grey,
    pixels,
    shrink,
    sketch,
    sketch_once,
    spec,
    ssim,
    thumb,
)

from generators.image._recipe import ARS
from generators.image._words import STYLES
from generators.image.vary import UpscaleGenerator, VaryGenerator

KOI = "crimson koi under a full moon"

#: Mean per-pixel distance (0..1) every pair of cells in a grid must exceed.  Measured over
#: 8 styles × 5 prompts × 2 seeds (480 cell pairs at 512 px): the closest pair was 0.056 (nebula,
#: a dark style), the 5th percentile 0.064, the median 0.13–0.32 by style.  A cell against itself
#: with ±8/255 noise scores ~0.02, so 0.03 separates "clearly different" from "nearly the same".
CELLS_DIFFER = 0.03


@pytest.mark.parametrize("style", STYLES)
def test_the_four_cells_of_a_grid_differ_clearly(style):
    prompt = (KOI, "neon city in the rain", "a quiet field")[STYLES.index(style) % 3]
    grid = cells(pixels(sketch_once(prompt, 21, style)))
    for a, b in itertools.combinations(grid, 2):
        assert distance(a, b) > CELLS_DIFFER


# Variations nudge every random choice of their cell (subtle 0.15, strong 0.3 in Gaussian
# space) while siblings draw fresh ones.  Compared as 16×16 area-averaged thumbnails (the
# composition, not stroke-level texture), the distance to the nearest sibling over the distance
# to the own cell measured at least 1.15 (subtle) and 1.08 (strong) over 8 styles × 5 prompts ×
# 2 seeds; here every variation must simply be nearer its own cell than any sibling.
@pytest.mark.parametrize("style", STYLES)
@pytest.mark.parametrize("amount", ["subtle", "strong"])
def test_variations_stay_closer_to_their_cell_than_to_its_siblings(style, amount):
    parent = sketch_once("sea and mountains at sunset", 5, style)
    grid = [thumb(c, 16) for c in cells(pixels(parent))]
    pick = 2
    varied = VaryGenerator().generate(spec(pick=pick, amount=amount), as_inputs(parent, seed=5), 77)
    for v in (thumb(c, 16) for c in cells(pixels(varied))):
        own = distance(v, grid[pick - 1])
        assert own > 0, "a variation should not be a copy"
        assert own < min(distance(v, g) for i, g in enumerate(grid) if i != pick - 1)


def _red(hue: float) -> bool:
    return hue >= 330 or hue <= 20


def test_crimson_steers_the_dominant_hue_to_red():
    """≥ 90 % of seeds; with style auto the seeds also cover the styles (measured: 48/48 red)."""
    hits = [_red(dominant_hue(pixels(sketch(KOI, seed)))) for seed in range(10)]
    assert sum(hits) >= 9, hits


@pytest.mark.parametrize(("word", "low", "high"), [("emerald", 100, 180), ("cobalt", 200, 250)])
def test_other_colour_words_steer_hue_too(word, low, high):
    hues = [dominant_hue(cell_picture(f"{word} forest at night", seed, style, size=256))
            for seed, style in enumerate(STYLES)]
    assert sum(low <= h <= high for h in hues) >= 7, hues


# For one prompt and seed, every pair of styles has SSIM (greyscale, scikit-image defaults)
# below 0.5; measured max 0.35 (contour vs Bauhaus) over 5 prompts × 3 seeds.
@pytest.mark.parametrize("prompt", [KOI, "misty forest at dawn with birds"])
def test_every_pair_of_styles_differs_in_structure(prompt):
    pictures = {style: grey(cell_picture(prompt, 3, style)) for style in STYLES}
    for a, b in itertools.combinations(STYLES, 2):
        assert ssim(pictures[a], pictures[b]) < 0.5, (a, b)


# An upscale redraws its cell at 2048 px; shrunk back (area average) it matches the cell with
# SSIM ≥ 0.8.  Measured over 8 styles × 5 aspect ratios × 3 prompts: min 0.82 (halftone at 16:9,
# dots near the pixel size of a small cell), most styles ≥ 0.9.
@pytest.mark.parametrize("style", STYLES)
def test_an_upscale_shrunk_to_its_cell_matches_the_cell(style):
    ar = ARS[STYLES.index(style) % len(ARS)]  # every aspect ratio, some twice
    parent = sketch_once(KOI, 9, style, ar)
    cell = cells(pixels(parent))[2]
    big = pixels(UpscaleGenerator().generate(spec(pick=3), as_inputs(parent, seed=9), 10))
    assert max(big.shape[:2]) == 2048
    small = shrink(big, cell.shape[1], cell.shape[0])
    assert ssim(grey(cell), grey(small)) >= 0.8
