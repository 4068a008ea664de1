"""Image benchmark: per style, a /sketch grid (1024 px), a /vary grid, and /upscale at 1024 and
2048 px, each including PNG encoding with provenance; then peak RSS.

Run: ``python -m bench.images [--runs 5] [--styles flow,nebula]``; add ``--gallery DIR`` to
also write one sample grid per style (``--runs 0 --gallery docs/gallery`` makes only the gallery).  Prints
figures for docs/performance.md; asserts nothing.  Targets (issue 5): grid p50 < 1.0 s, upscale
p50 < 2.5 s on one core, RSS < 500 MB.
"""

from __future__ import annotations

import os

# One core, as the targets say: keep numpy's helpers from spreading work over threads.
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

from bench.common import peak_rss_mb, summary  # noqa: E402
from generators.base import InputFile, Result  # noqa: E402
from generators.image._words import STYLES  # noqa: E402
from generators.image.sketch import SketchGenerator  # noqa: E402
from generators.image.vary import UpscaleGenerator, VaryGenerator  # noqa: E402

PROVENANCE = {"credits": ["ann · prompted"], "title": "bench", "disclosure": "AI-generated (benchmark)."}
PROMPT = "crimson koi under a full moon"
GALLERY_PROMPTS = {
    "flow": "windy sea under a golden sun",
    "watercolour": "misty forest and mountains at dawn",
    "mosaic": "crimson koi under a full moon",
    "contour": "mountains and a river, earthy",
    "nebula": "violet stars and a crescent moon",
    "bauhaus": "sun over the city and the sea",
    "glitch": "neon city in the rain",
    "halftone": "birds over the sea at sunset",
}


def _spec(**values) -> dict:
    return {**values, "_provenance": dict(PROVENANCE)}


def _inputs(result: Result, generator: str, seed: int) -> list[InputFile]:
    return [InputFile(o.name, o.mime, o.data, "parent", result.kind, {}, "to", generator, seed) for o in result.outputs]


def _timed(fn, runs: int) -> tuple[list[float], Result]:
    times, last = [], None
    for _ in range(runs):
        t = time.perf_counter()
        last = fn()
        times.append(time.perf_counter() - t)
    assert last is not None
    return times, last


def _upscale_at(long_side: int):
    """An upscale of cell 1 at ``long_side`` px with PNG encoding: 2048 is /upscale itself; 1024
    renders the same recipe smaller through the same encoder, for comparison."""
    from generators.image._plan import image_result
    from generators.image._recipe import read_recipes, render, size_for

    def run(parent: Result) -> Result:
        if long_side == 2048:
            return UpscaleGenerator().generate(_spec(pick=1), _inputs(parent, "image.sketch", 1), 2)
        found = read_recipes(parent.outputs[0].data)
        assert found is not None
        recipe = found[0][0]
        width, height = size_for(recipe.ar, long_side)
        return image_result(UpscaleGenerator, _spec(), 2, recipe, render(recipe, width, height), {}, "up.png", "")

    return run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--styles", default=",".join(STYLES))
    parser.add_argument("--gallery", type=Path, default=None, help="also write one sample per style here")
    args = parser.parse_args()
    styles = [s for s in args.styles.split(",") if s in STYLES]
    sketcher, varier = SketchGenerator(), VaryGenerator()
    print(f"image bench: {args.runs} runs per figure, prompt {PROMPT!r}, OMP_NUM_THREADS="
          f"{os.environ['OMP_NUM_THREADS']}")
    for style in styles if args.runs > 0 else ():
        grid_times, grid = _timed(lambda s=style: sketcher.generate(_spec(prompt=PROMPT, style=s), [], 1), args.runs)
        vary_times, _ = _timed(lambda g=grid: varier.generate(_spec(pick=2), _inputs(g, "image.sketch", 1), 3),
                               args.runs)
        up1_times, _ = _timed(lambda g=grid: _upscale_at(1024)(g), args.runs)
        up2_times, up = _timed(lambda g=grid: _upscale_at(2048)(g), args.runs)
        print(summary(f"{style:11s} sketch 1024 grid", grid_times))
        print(summary(f"{style:11s} vary 1024 grid  ", vary_times))
        print(summary(f"{style:11s} upscale 1024    ", up1_times))
        print(summary(f"{style:11s} upscale 2048    ", up2_times))
        print(f"{style:11s} sizes: grid {len(grid.outputs[0].data) / 1e6:.2f} MB, "
              f"upscale {len(up.outputs[0].data) / 1e6:.2f} MB")
    print(f"peak RSS: {peak_rss_mb():.0f} MB")
    if args.gallery:
        args.gallery.mkdir(parents=True, exist_ok=True)
        for style in styles:
            grid = sketcher.generate(_spec(prompt=GALLERY_PROMPTS[style], style=style), [], 7)
            (args.gallery / f"{style}.png").write_bytes(grid.outputs[0].data)
            print(f"gallery: {args.gallery / f'{style}.png'}  /sketch prompt:{GALLERY_PROMPTS[style]!r} "
                  f"style:{style} seed:7")


if __name__ == "__main__":
    main()
