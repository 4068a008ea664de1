"""Watercolour: stacked translucent glazes, each a deformed copy of the scene's darker parts, with
wet (pooled) edges, soft granulation and paper texture.

Layer k covers what is darker than a threshold that falls with k, so the sky gets one or two pale
washes and a subject five: darks are built up glaze over glaze, as a painter would.  Each layer's
outline is pushed about by its own low-frequency noise (never fine fractal noise, which reads as
terrazzo), and pigment pools just inside it (the wash minus its blur).
"""

from __future__ import annotations

import numpy as np

from generators.image._noise import F32, Canvas, blur, fbm, grain, resize
from generators.image._styles._ctx import Ctx

LAYERS = 5
EDGE = 0.035  # softness of a wash's outline, in tone units
WOBBLE = 0.07  # how far each layer's outline wanders, in tone units
POOL = 0.006  # width of the pooled rim, short-side units
WORK_SHORT = 1024  # washes are shaped at most this size (short side), then resized


def render(ctx: Ctx) -> np.ndarray:
    c = ctx.canvas
    d = ctx.dice
    cols = ctx.palette.array()
    paper = ctx.paper(0.85)[0, 0]
    img = np.empty((3, *c.shape), dtype=F32)
    for ch in range(3):
        img[ch] = paper[ch]
    # The washes are smooth, so large renders shape them at half size (the same field, four times
    # cheaper) and add the fine things (granulation, paper) at full size.
    work = c if c.short <= WORK_SHORT else Canvas(max(2, c.width // 2), max(2, c.height // 2), c.aspect)
    lh, lw = c.lattice_shape(256)
    tone = resize(blur(ctx.tone_at(lw, lh), 0.004 * min(lw, lh)), work.width, work.height)
    extra = round(ctx.detail - 1)  # an upscale adds octaves: finer wobble in the outlines
    tmp = np.empty(c.shape, dtype=F32)
    # Granulation settles in the paper's valleys, so one texture serves every glaze (and costs once).
    granules = grain(d.child("granules"), c, 0.0035)
    granules *= F32(0.18)
    if extra:
        granules += grain(d.child("fine granules"), c, 0.0035 / (1 + extra)) * F32(0.1)  # finer grains too
    granules += F32(1.0)
    ripple = fbm(d.child("ripple"), work, cells=24.0, octaves=extra) * F32(0.12 * WOBBLE) if extra else None
    for k in range(LAYERS):
        wd = d.child(f"wash{k}")
        threshold = 0.93 - k * 0.16
        field = fbm(wd, work, cells=wd.real(2.5, 4.0), octaves=3, gain=0.45)
        field *= F32(WOBBLE)
        if ripple is not None:
            field += ripple  # an upscale's outlines get a finer ripple (the same washes, more detail)
        field -= tone
        field += F32(threshold + EDGE)
        field *= F32(0.5 / EDGE)
        np.clip(field, 0.0, 1.0, out=field)
        mask = field * field
        field *= F32(-2.0)
        field += F32(3.0)
        mask *= field  # smoothstep(-EDGE, EDGE, threshold - tone + wobble)
        del field
        rim = mask - blur(mask, work.px(POOL))
        np.clip(rim, 0.0, 1.0, out=rim)
        strength = 0.3 + 0.06 * k
        alpha = mask * F32(strength) + rim * F32(0.9)
        del mask, rim
        if work is not c:
            alpha = resize(alpha, c.width, c.height)
        alpha *= granules
        colour = cols[max(0, len(cols) - 2 - round(k * (len(cols) - 2) / (LAYERS - 1)))]
        for ch in range(3):
            np.multiply(alpha, F32(-(1.0 - colour[ch])), out=tmp)
            tmp += F32(1.0)
            img[ch] *= tmp
        del alpha
    # Paper: a little tooth and a few soft cockles, the same at every size.
    texture = grain(d.child("paper"), c, 0.003)
    texture *= F32(-0.035)
    texture += F32(1.0)
    cockle = fbm(d.child("cockle"), c, cells=3, octaves=2)
    texture += cockle * F32(0.02)
    for ch in range(3):
        img[ch] *= texture
    return np.moveaxis(img, 0, -1)
