"""Contour map: a height field from the scene plus terrain noise, drawn as banded isolines."""

from __future__ import annotations

import numpy as np

from generators.image._noise import F32, fbm, normalise
from generators.image._styles._ctx import Ctx

LEVELS = 18
LINE = 0.0028  # short-side units
INDEX_EVERY = 5


def render(ctx: Ctx) -> np.ndarray:
    c = ctx.canvas
    d = ctx.dice
    terrain = normalise(fbm(d.child("terrain"), c, cells=d.real(1.5, 2.5), octaves=5, gain=0.5))
    height = 0.6 * ctx.soft_tone(0.012) + 0.4 * terrain
    f = (height * LEVELS).astype(F32)
    band = np.floor(f) / LEVELS
    paper = ctx.paper(0.55)
    fill = ctx.mix(paper, ctx.palette.ramp(np.clip(band * 0.8 + 0.2, 0, 1)), np.full(c.shape, 0.55, F32))
    gy, gx = np.gradient(f)
    slope = np.hypot(gx, gy) + 1e-6
    dist = np.abs(f - np.round(f)) / slope  # distance to the nearest isoline, in pixels
    level = np.round(f).astype(np.int32)
    width = np.where(level % INDEX_EVERY == 0, 2.2, 1.0) * max(0.8, c.px(LINE))
    alpha = np.clip(width / 2 + 0.5 - dist, 0.0, 1.0)
    ink = ctx.palette.colour(0) * 0.7
    return np.clip(ctx.mix(fill, np.broadcast_to(ink, fill.shape), alpha), 0.0, 1.0)
