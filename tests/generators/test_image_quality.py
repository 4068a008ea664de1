"""How the pictures look, judged by numbers: cells differ, variations stay near, colours land on the
subjects they name, the recipe lists only what was drawn, the lighthouse shows in every style,
styles differ in structure (SSIM), and an upscale is the same picture as its cell."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from scipy import ndimage
from test_image_support import (
    as_inputs,
    cell_picture,
    cells,
    distance,
    dominant_hue,
    grey,
    hue_share,
    pixels,
    primary,
    shrink,
    sketch,
    sketch_once,
    spec,
    ssim,
    subject_masks,
    thumb,
)

from generators.image._palette import COLOURS
from generators.image._plan import sketch_recipes
from generators.image._recipe import ARS, read_recipes, render
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


def test_a_colour_word_that_colours_no_subject_steers_the_palette():
    """A loose colour word ("crimson dreams") still sets the palette: ≥ 90 % of seeds, auto style."""
    hits = [_red(dominant_hue(pixels(sketch("crimson dreams", seed)))) for seed in range(10)]
    assert sum(hits) >= 9, hits


@pytest.mark.parametrize(("word", "low", "high"), [("emerald", 100, 180), ("cobalt", 200, 250)])
def test_other_loose_colour_words_steer_hue_too(word, low, high):
    hues = [dominant_hue(cell_picture(f"{word} reverie at night", seed, style, size=256))
            for seed, style in enumerate(STYLES)]
    assert sum(low <= h <= high for h in hues) >= 7, hues


# Colours by role: "a red fox in the snow" makes the fox red and not the snow.  Measured at 256 px,
# seed 5: the fox is 100 % red-hued in every style, the rest of the picture 0 %.
@pytest.mark.parametrize("style", STYLES)
def test_a_named_colour_covers_its_subject_and_not_the_rest(style):
    recipes, _ = sketch_recipes({"prompt": "a red fox in the snow", "style": style}, 5)
    rgb = render(recipes[0], 256, 256)
    fox = subject_masks(recipes[0], 256, 256)["fox"]
    assert hue_share(rgb, fox, 0.0) >= 0.6
    assert hue_share(rgb, ~fox, 0.0) <= 0.2


# Two colour words both show: the second one's share of the coloured pixels is ≥ 15 % (measured
# 0.67–0.85 across styles and seeds for "crimson and teal waves"; the first generator had 0 % teal).
@pytest.mark.parametrize("style", ["halftone", "watercolour", "bauhaus"])
def test_two_colour_words_both_show(style):
    everywhere = np.ones((256, 256), dtype=bool)
    for seed in range(3):
        recipes, _ = sketch_recipes({"prompt": "crimson and teal waves", "style": style}, seed)
        rgb = render(recipes[0], 256, 256)
        crimson = hue_share(rgb, everywhere, COLOURS["crimson"][0])
        teal = hue_share(rgb, everywhere, COLOURS["teal"][0])
        assert crimson > 0.05 and teal / (crimson + teal) >= 0.15, (seed, crimson, teal)


PROMPTS = ("a red fox in the snow", "a lighthouse on a rocky shore in a storm", "portrait of an old fisherman",
           "a castle and a dragon at night", "a cat with a guitar under the stars", "a teal whale and a coral reef",
           "a heron by the river at dusk", "a bus in the city rain", "an astronaut floating past saturn")


@pytest.mark.parametrize("prompt", PROMPTS)
def test_the_recipe_lists_only_subjects_that_were_drawn(prompt):
    """Each subject the recipe names covers ≥ 1 % of its cell on its own, in every cell."""
    recipes, _ = sketch_recipes({"prompt": prompt}, 11)
    assert recipes[0].subjects, prompt
    for recipe in recipes:
        for name, mask in subject_masks(recipe, 256, 256).items():
            assert mask.mean() >= 0.01, (prompt, name, mask.mean())
        assert len(recipe.words) == len(recipe.subjects)


# The "done when": a lighthouse, rocks and a storm in every style.  The lighthouse's outline
# carries ≥ 1.5× the picture's mean luminance gradient (measured 1.7–7.0 over styles × seeds).
@pytest.mark.parametrize("style", STYLES)
def test_a_lighthouse_on_a_rocky_shore_in_a_storm_in_every_style(style):
    result = sketch_once("a lighthouse on a rocky shore in a storm", 4, style)
    found = read_recipes(primary(result))
    assert found is not None
    recipes = found[0]
    assert {"lighthouse", "rocks", "storm"} <= set(recipes[0].subjects)
    for recipe, cell in zip(recipes, cells(pixels(result)), strict=True):
        h, w = cell.shape[:2]
        masks = subject_masks(recipe, w, h)
        assert all(masks[name].mean() >= 0.01 for name in ("lighthouse", "rocks", "storm"))
        g = grey(cell)
        gy, gx = np.gradient(g)
        magnitude = np.hypot(gx, gy)
        house = masks["lighthouse"]
        rim = ndimage.binary_dilation(house, iterations=2) & ~ndimage.binary_erosion(house, iterations=2)
        assert magnitude[rim].mean() >= 1.5 * magnitude.mean()


def test_unknown_words_still_change_the_picture():
    a, b = cell_picture("quantum marmalade", 3, "flow", size=256), cell_picture("velvet thunderclap", 3, "flow",
                                                                                size=256)
    assert distance(a, b) > 0.03


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
