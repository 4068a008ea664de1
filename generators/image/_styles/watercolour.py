"""Watercolour wash: translucent glazes with pooled edges, laid dark-over-light on textured paper."""

from __future__ import annotations

import numpy as np

from generators.image._noise import F32, fbm, grain, smoothstep
from generators.image._styles._ctx import Ctx

LAYERS = 6


def render(ctx: Ctx) -> np.ndarray:
    c = ctx.canvas
    d = ctx.dice
    img = ctx.paper(0.8)
    cols = ctx.palette.array()
    soft = ctx.soft_tone(0.01)
    granules = np.abs(grain(d.child("granules"), c, 0.005))
    for k in range(LAYERS):
        wd = d.child(f"wash{k}")
        noise = fbm(wd, c, cells=wd.real(1.5, 3.0), octaves=6, gain=0.55)
        depth = k / (LAYERS - 1)
        # Early layers are broad pale washes; later ones darker and only where the scene is dark.
        field = (1.0 - soft) * (0.6 + 0.9 * depth) + 0.32 * noise - (0.35 + 0.55 * depth)
        mask = smoothstep(0.0, 0.05, field)
        edge = mask * (1.0 - mask) * 4.0
        alpha = ((mask * (0.42 - 0.12 * depth) + edge * 0.22) * (0.55 + 0.6 * granules)).astype(F32)
        colour = cols[min(len(cols) - 2, round((1 - depth) * (len(cols) - 2)))]
        img *= 1.0 - alpha[..., None] * (1.0 - colour)
    # Light areas: a faint sky wash so no part of the paper stays untouched.
    sky = smoothstep(0.4, 1.0, soft) * 0.25
    img *= 1.0 - sky[..., None] * (1.0 - cols[-2])
    texture = grain(d.child("paper"), c, 0.004)
    blot = fbm(d.child("bloom"), c, cells=6, octaves=3)
    img *= (1.0 - 0.08 * np.abs(texture) - 0.05 * np.clip(blot, 0, None))[..., None]
    return np.clip(img, 0.0, 1.0)
