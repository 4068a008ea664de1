"""Watercolour wash: translucent glazes with pooled edges, laid dark-over-light on textured paper."""

from __future__ import annotations

import numpy as np

from generators.image._noise import F32, fbm, grain
from generators.image._styles._ctx import Ctx

LAYERS = 6
EDGE = 0.05  # width of a wash's soft edge, in field units


def render(ctx: Ctx) -> np.ndarray:
    c = ctx.canvas
    d = ctx.dice
    cols = ctx.palette.array()
    paper = ctx.paper(0.8)[0, 0]
    # Planes (3, H, W) keep every operation on contiguous memory; glazes multiply in place.
    img = np.empty((3, *c.shape), dtype=F32)
    for ch in range(3):
        img[ch] = paper[ch]
    dark = 1.0 - ctx.soft_tone(0.01)
    pigment = np.abs(grain(d.child("granules"), c, 0.005))
    pigment *= F32(0.6)
    pigment += F32(0.55)
    tmp = np.empty(c.shape, dtype=F32)
    for k in range(LAYERS):
        wd = d.child(f"wash{k}")
        depth = k / (LAYERS - 1)
        # Early layers are broad pale washes; later ones darker and only where the scene is dark.
        field = fbm(wd, c, cells=wd.real(1.5, 3.0), octaves=6, gain=0.55)
        field *= F32(0.32 / EDGE)
        field += dark * F32((0.6 + 0.9 * depth) / EDGE)
        field -= F32((0.35 + 0.55 * depth) / EDGE)
        np.clip(field, 0.0, 1.0, out=field)
        mask = field * field * (3.0 - 2.0 * field)  # smoothstep
        # Pooled pigment at the rim (4·m·(1-m)) plus the body of the wash, granulated.
        np.multiply(mask, 1.0 - mask, out=tmp)
        tmp *= F32(4.0 * 0.22)
        mask *= F32(0.42 - 0.12 * depth)
        mask += tmp
        mask *= pigment
        colour = cols[min(len(cols) - 2, round((1 - depth) * (len(cols) - 2)))]
        for ch in range(3):
            np.multiply(mask, F32(-(1.0 - colour[ch])), out=tmp)
            tmp += F32(1.0)
            img[ch] *= tmp
        del field, mask
    # Light areas: a faint sky wash so no part of the paper stays untouched; then paper texture.
    sky = np.clip((0.6 - dark) / 0.6, 0.0, 1.0)
    sky = sky * sky * (3.0 - 2.0 * sky) * F32(0.25)
    texture = np.abs(grain(d.child("paper"), c, 0.004))
    texture *= F32(-0.08)
    texture += F32(1.0)
    blot = fbm(d.child("bloom"), c, cells=6, octaves=3)
    np.clip(blot, 0.0, None, out=blot)
    texture -= blot * F32(0.05)
    for ch in range(3):
        np.multiply(sky, F32(-(1.0 - cols[-2][ch])), out=tmp)
        tmp += F32(1.0)
        tmp *= texture
        img[ch] *= tmp
    return np.moveaxis(img, 0, -1)
