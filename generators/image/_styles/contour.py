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
    # Arrays are dropped as soon as they are used: a 2048 px upscale holds 16 MB per plane.
    f = normalise(fbm(d.child("terrain"), c, cells=d.real(1.5, 2.5), octaves=5, gain=0.5))
    f *= F32(0.22 * LEVELS)
    f += ctx.soft_tone(0.005) * F32(0.78 * LEVELS)
    band = np.floor(f)
    band *= F32(0.8 / LEVELS)
    band += F32(0.2)
    fill = ctx.palette.ramp(band)
    del band
    paper = ctx.paper(0.55)[0, 0]
    fill *= F32(0.55)
    fill += paper * F32(0.45)
    gy, gx = np.gradient(f)
    slope = np.hypot(gx, gy)
    del gx, gy
    slope += F32(1e-6)
    nearest = np.round(f)
    dist = np.abs(f - nearest)
    dist /= slope  # distance to the nearest isoline, in pixels
    del slope, f
    index = (nearest.astype(np.int32) % INDEX_EVERY) == 0
    del nearest
    width = F32(max(0.8, c.px(LINE)))
    alpha = np.where(index, F32(2.2) * width, width)
    alpha *= F32(0.5)
    alpha += F32(0.5)
    alpha -= dist
    np.clip(alpha, 0.0, 1.0, out=alpha)
    ink = (ctx.palette.colour(0) * 0.7).astype(F32)
    return ctx.mix(fill, np.broadcast_to(ink, fill.shape), alpha)
