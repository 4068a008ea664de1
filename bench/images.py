"""Image benchmark: speed, memory and how well the pictures follow their prompts.

Figures (all printed; the script asserts nothing):

* ``timing``: per style, CPU seconds of a /sketch grid (1024 px, PNG + provenance included) and
  of a 2048 px /upscale; then peak RSS.  Targets: grid < 1 s, upscale < 2 s on one core,
  RSS < 400 MB.
* ``sensitivity``: per style, mean luminance SSIM between same-seed grids of 10 prompts that share
  no subject (target < 0.5; the first generator scored 0.88–0.98).
* ``coverage``: share of the 200 prompts in ``bench/image_prompts.txt`` (synonyms, plurals, two
  subjects, scenes, no subject) whose picture draws a subject the prompt names, where "draws"
  means that subject's own mask covers ≥ 1 % of the cell (target ≥ 90 %).
* ``colour``: share of a coloured subject's pixels in its colour's hue, and with two colour words
  the second colour's share of all coloured pixels (target ≥ 15 %).
* ``variations``: how far /vary subtle and strong move the focal subject.
* ``edges``: fine detail (luminance minus its 1.5 px blur) of a 2048 px upscale against its
  512 px cell resized ×4: an upscale that draws more detail beats a resized copy.

Run from the repository root: ``python -m bench.images [--runs 3] [--only timing,coverage]``.
``--old DIR`` runs the same measurements on another checkout's ``generators`` (e.g. one made
with ``git archive <commit> generators bench | tar -x -C DIR``), for "old beside new" tables.
``--gallery DIR`` writes the gallery (every style on three prompts, 384 px JPEG grids).
"""

from __future__ import annotations

import os
import sys

# One core, as the targets say: keep numpy's helpers from spreading work over threads.
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")
if "--old" in sys.argv:
    sys.path.insert(0, sys.argv[sys.argv.index("--old") + 1])

import argparse  # noqa: E402
import io  # noqa: E402
import itertools  # noqa: E402
import resource  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
from PIL import Image, ImageDraw  # noqa: E402
from scipy import ndimage  # noqa: E402

from generators.base import InputFile  # noqa: E402
from generators.image._dice import Dice  # noqa: E402
from generators.image._noise import Canvas  # noqa: E402
from generators.image._plan import sketch_recipes  # noqa: E402
from generators.image._recipe import render, size_for  # noqa: E402
from generators.image._scene import draw_shapes  # noqa: E402
from generators.image._words import STYLES  # noqa: E402
from generators.image.sketch import SketchGenerator  # noqa: E402
from generators.image.vary import UpscaleGenerator  # noqa: E402

PROVENANCE = {"credits": ["ann · prompted"], "title": "bench", "disclosure": "AI-generated (benchmark)."}
TIMING_PROMPT = "a lighthouse on a rocky shore in a storm"
#: Ten prompts that share no subject (nor any subject word).
SENSITIVITY = (
    "a red fox in the snow", "a lighthouse on a rocky shore in a storm", "portrait of an old fisherman",
    "a crimson sailboat at sea", "a cello and a piano", "a castle with a dragon at night",
    "a bus in the city rain", "cherry blossoms by a temple", "an astronaut on the moon", "a cat asleep on a chair",
)
#: (prompt, subject, colour word) for colour by role; the two-colour prompts name both.
COLOURED = (
    ("a red fox in the snow", "fox", "red"), ("a blue whale in the sea", "whale", "blue"),
    ("a yellow car in the city", "car", "yellow"), ("a purple house on a hill", "house", "purple"),
    ("a green dragon at night", "dragon", "green"), ("an orange cat on a fence", "cat", "orange"),
)
TWO_COLOURS = (
    ("crimson and teal waves", "sea", "crimson", "teal"), ("a red and blue kite", "kite", "red", "blue"),
    ("a pink and gold sailboat", "sailboat", "pink", "gold"), ("a violet and lime guitar", "guitar", "violet", "lime"),
)
GALLERY = (
    "a lighthouse on a rocky shore in a storm",
    "a red fox in the snow at dawn",
    "a heron by the river at dusk",
)


def _spec(**values) -> dict:
    return {**values, "_provenance": dict(PROVENANCE)}


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _stats(values: list[float]) -> str:
    return f"p50 {statistics.median(values):.2f} s, max {max(values):.2f} s (n={len(values)})"


def _cpu(fn, runs: int) -> tuple[list[float], object]:
    times, last = [], None
    for _ in range(runs):
        t = time.process_time()
        last = fn()
        times.append(time.process_time() - t)
    return times, last


def _grey(rgb: np.ndarray) -> np.ndarray:
    return rgb.astype(np.float64) @ np.array([0.2126, 0.7152, 0.0722]) / 255.0


def _ssim(a: np.ndarray, b: np.ndarray) -> float:
    """scikit-image's default SSIM (7×7 uniform window), written out so the bench needs no skimage."""
    win, c1, c2 = 7, 0.01**2, 0.03**2
    cov = win * win / (win * win - 1.0)
    ux, uy = ndimage.uniform_filter(a, win), ndimage.uniform_filter(b, win)
    vx = cov * (ndimage.uniform_filter(a * a, win) - ux * ux)
    vy = cov * (ndimage.uniform_filter(b * b, win) - uy * uy)
    vxy = cov * (ndimage.uniform_filter(a * b, win) - ux * uy)
    s = ((2 * ux * uy + c1) * (2 * vxy + c2)) / ((ux * ux + uy * uy + c1) * (vx + vy + c2))
    return float(s[3:-3, 3:-3].mean())


def _png_rgb(data: bytes) -> np.ndarray:
    with Image.open(io.BytesIO(data)) as im:
        return np.asarray(im.convert("RGB"))


def _scene_of(recipe):
    """The recipe's composition (the first generator had no ``Recipe.scene``)."""
    if hasattr(recipe, "scene"):
        return recipe.scene()
    from generators.image._scene import build_scene

    return build_scene(recipe.subjects, recipe.aspect, Dice(recipe.seed, recipe.jitter).child("scene"))


def subject_masks(recipe, width: int, height: int) -> dict[str, np.ndarray]:
    """Each listed subject's own shapes drawn alone (True where it is)."""
    scene = _scene_of(recipe)
    canvas = Canvas(width, height, recipe.aspect)
    out = {}
    for name in recipe.subjects:
        shapes = [sh for sh in scene.shapes if sh.role == name]
        mask = Image.new("L", (width, height), 0)
        draw_shapes(ImageDraw.Draw(mask), shapes, canvas, lambda sh: 255)
        out[name] = np.asarray(mask) > 127
    return out


def timing(styles: list[str], runs: int) -> None:
    sketcher = SketchGenerator()
    print(f"timing: prompt {TIMING_PROMPT!r}, CPU seconds, OMP_NUM_THREADS={os.environ['OMP_NUM_THREADS']}")
    for style in styles:
        grid_times, grid = _cpu(lambda s=style: sketcher.generate(_spec(prompt=TIMING_PROMPT, style=s), [], 1), runs)
        inputs = [InputFile(o.name, o.mime, o.data, "parent", grid.kind, {}, "to", "image.sketch", 1)
                  for o in grid.outputs]
        up_times, _ = _cpu(lambda i=inputs: UpscaleGenerator().generate(_spec(pick=1), i, 2), runs)
        print(f"  {style:11s} grid 1024: {_stats(grid_times)};  upscale 2048: {_stats(up_times)}")
    print(f"  peak RSS: {_rss_mb():.0f} MB")


def sensitivity(styles: list[str]) -> None:
    print("sensitivity: mean luminance SSIM between same-seed grids of 10 prompts sharing no subject "
          "(512 px grids; target < 0.5)")
    sketcher = SketchGenerator()
    for style in styles:
        greys = []
        for prompt in SENSITIVITY:
            grid = _png_rgb(sketcher.generate(_spec(prompt=prompt, style=style), [], 21).outputs[0].data)
            greys.append(_grey(np.asarray(Image.fromarray(grid).resize((512, 512), Image.Resampling.BOX))))
        scores = [_ssim(a, b) for a, b in itertools.combinations(greys, 2)]
        print(f"  {style:11s} mean {statistics.fmean(scores):.3f}  max {max(scores):.3f}")


def _prompts() -> list[str]:
    path = Path(__file__).with_name("image_prompts.txt")
    return [line.strip() for line in path.read_text().splitlines() if line.strip() and not line.startswith("#")]


def coverage() -> None:
    prompts = _prompts()
    drawn = named = 0
    missed = []
    for k, prompt in enumerate(prompts):
        cells, _ = sketch_recipes({"prompt": prompt}, k)
        recipe = cells[0]
        masks = subject_masks(recipe, 256, 256)
        visible = [s for s, m in masks.items() if m.mean() >= 0.01]
        if recipe.subjects:
            named += 1
        if visible:
            drawn += 1
        else:
            missed.append(prompt)
    print(f"coverage: {drawn}/{len(prompts)} prompts draw a subject they name ({100 * drawn / len(prompts):.1f} %); "
          f"{named} list one in the recipe")
    print(f"  not drawn: {missed[:12]}{' …' if len(missed) > 12 else ''}")


def _hue_share(rgb: np.ndarray, mask: np.ndarray, word: str) -> float:
    from generators.image._palette import COLOURS

    want = COLOURS[word][0]
    hsv = np.asarray(Image.fromarray(rgb).convert("HSV"), dtype=np.float64) / 255.0
    hue, sat = hsv[..., 0] * 360, hsv[..., 1]
    near = np.minimum(np.abs(hue - want), 360 - np.abs(hue - want)) <= 30
    return float((near & (sat > 0.2) & mask).sum() / max(1, mask.sum()))


def colour(styles: list[str]) -> None:
    print("colour by role: share of the subject's pixels within ±30° of its colour's hue (saturation > 0.2), "
          "mean over 6 prompts; and, on a subject given two colours, the second colour's share of the pixels "
          "in either colour, mean over 4 prompts")
    for style in styles:
        shares, seconds = [], []
        for prompt, subject, word in COLOURED:
            cells, _ = sketch_recipes({"prompt": prompt, "style": style}, 5)
            rgb = render(cells[0], 384, 384)
            mask = subject_masks(cells[0], 384, 384).get(subject)
            shares.append(_hue_share(rgb, mask, word) if mask is not None and mask.any() else 0.0)
        for prompt, subject, first, second in TWO_COLOURS:
            cells, _ = sketch_recipes({"prompt": prompt, "style": style}, 5)
            rgb = render(cells[0], 384, 384)
            where = subject_masks(cells[0], 384, 384).get(subject)
            if where is None or not where.any():
                seconds.append(0.0)
                continue
            a, b = _hue_share(rgb, where, first), _hue_share(rgb, where, second)
            seconds.append(b / (a + b) if a + b > 0 else 0.0)
        print(f"  {style:11s} named colour on its subject {statistics.fmean(shares):.2f} "
              f"(min {min(shares):.2f});  second colour {statistics.fmean(seconds):.2f} (min {min(seconds):.2f})")


def _fine_detail(grey: np.ndarray) -> float:
    """Mean luminance difference from a 1.5 px Gaussian blur: the detail a resize can't invent."""
    return float(np.abs(grey - ndimage.gaussian_filter(grey, 1.5)).mean())


def edges(styles: list[str]) -> None:
    print("upscale detail: mean |luminance − its 1.5 px blur| of the 2048 px upscale vs the 512 px cell resized "
          "×4 (bicubic); ratio > 1 means the upscale drew detail a resize can't")
    for style in styles:
        cells, _ = sketch_recipes({"prompt": TIMING_PROMPT, "style": style}, 3)
        recipe = cells[0]
        cw, ch = size_for(recipe.ar, 512)
        cell = render(recipe, cw, ch)
        bw, bh = size_for(recipe.ar, 2048)
        resized = np.asarray(Image.fromarray(cell).resize((bw, bh), Image.Resampling.BICUBIC))
        up = render(recipe, bw, bh)
        a, b = _fine_detail(_grey(resized)), _fine_detail(_grey(up))
        print(f"  {style:11s} resized {a:.4f} | upscale {b:.4f} | ratio {b / a:.2f}")


def variations() -> None:
    """How far /vary subtle and strong move the focal subject (centroid shift, share of the width)."""
    from generators.image.vary import AMOUNTS

    print("variations: mean shift of the focal subject's centre (fraction of the picture), 6 prompts × 4 takes")
    for name, amount in AMOUNTS.items():
        shifts = []
        for k, prompt in enumerate(SENSITIVITY[:6]):
            cells, _ = sketch_recipes({"prompt": prompt, "style": "flow"}, k)
            base = cells[0]
            focal = base.subjects[0]
            origin = subject_masks(base, 256, 256)[focal]
            for take in range(4):
                moved = subject_masks(base.varied(1000 + take, amount), 256, 256)[focal]
                a, b = np.argwhere(origin).mean(axis=0), np.argwhere(moved).mean(axis=0)
                shifts.append(float(np.hypot(*(a - b))) / 256)
        print(f"  {name:6s} (amount {amount}): mean {statistics.fmean(shifts):.3f}, max {max(shifts):.3f}")


def gallery(root: Path, styles: list[str]) -> None:
    """Every style on three prompts: 384 px JPEG grids (seed 7), named style-N.jpg."""
    root.mkdir(parents=True, exist_ok=True)
    sketcher = SketchGenerator()
    for style in styles:
        for n, prompt in enumerate(GALLERY, start=1):
            grid = sketcher.generate(_spec(prompt=prompt, style=style), [], 7)
            image = Image.fromarray(_png_rgb(grid.outputs[0].data)).resize((384, 384), Image.Resampling.LANCZOS)
            path = root / f"{style}-{n}.jpg"
            image.save(path, "JPEG", quality=80, optimize=True)
            print(f"  {path}  /sketch prompt:{prompt!r} style:{style} seed:7")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--styles", default=",".join(STYLES))
    parser.add_argument("--only", default="timing,sensitivity,coverage,colour,edges,variations")
    parser.add_argument("--old", default=None, help="measure another checkout's generators (path)")
    parser.add_argument("--gallery", type=Path, default=None, help="write the gallery here and stop")
    args = parser.parse_args()
    styles = [s for s in args.styles.split(",") if s in STYLES]
    print(f"generators from {Path(sys.modules['generators'].__file__).parent.parent}")
    if args.gallery:
        gallery(args.gallery, styles)
        return
    only = set(args.only.split(","))
    for name, fn in (("timing", lambda: timing(styles, args.runs)), ("sensitivity", lambda: sensitivity(styles)),
                     ("coverage", coverage), ("colour", lambda: colour(styles)), ("edges", lambda: edges(styles)),
                     ("variations", variations)):
        if name in only:
            fn()
    print(f"peak RSS: {_rss_mb():.0f} MB")


if __name__ == "__main__":
    main()
