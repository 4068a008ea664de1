"""Flow field: thousands of strokes that follow a smooth angle field and the scene's contours."""

from __future__ import annotations

import math

import numpy as np
from PIL import Image, ImageDraw

from generators.image._dice import TEXTURE
from generators.image._noise import F32, Canvas, fbm
from generators.image._styles._ctx import Ctx

PARTICLES = 1400
STEPS = 56
STEP = 0.0045  # short-side units per step
WIDTH = 0.0042  # stroke width, short-side units


def _angle_field(ctx: Ctx, grid: Canvas) -> np.ndarray:
    d = ctx.dice
    noise = fbm(d.child("angle"), grid, cells=2.0, octaves=3)
    swirl = d.real(0.9, 1.8) * math.pi
    base = noise * swirl + d.real(0, 2 * math.pi)
    tone = ctx.tone_at(grid.width, grid.height)
    gy, gx = np.gradient(tone)
    along = np.arctan2(gy, gx) + math.pi / 2
    weight = np.clip(np.hypot(gx, gy) * grid.short * 3.0, 0.0, 0.85)
    vx = np.cos(base) * (1 - weight) + np.cos(along) * weight
    vy = np.sin(base) * (1 - weight) + np.sin(along) * weight
    return np.arctan2(vy, vx).astype(F32)


def render(ctx: Ctx) -> np.ndarray:
    c = ctx.canvas
    d = ctx.dice
    gh, gw = c.lattice_shape(160)
    grid = Canvas(gw, gh, c.aspect)
    angle = _angle_field(ctx, grid)
    # Positions in fractions of width/height; steps are in short-side units.
    sx, sy = (1.0 / c.aspect, 1.0) if c.aspect >= 1 else (1.0, c.aspect)
    pd = d.child("particles", damp=TEXTURE)
    x = pd.uniform(0, 1, PARTICLES)
    y = pd.uniform(0, 1, PARTICLES)
    shade = pd.uniform(-0.18, 0.18, PARTICLES)
    length = pd.uniform(0.5, 1.0, PARTICLES)
    path = np.empty((STEPS + 1, 2, PARTICLES))
    path[0] = (x, y)
    for k in range(STEPS):
        ix = np.clip((x * gw).astype(int), 0, gw - 1)
        iy = np.clip((y * gh).astype(int), 0, gh - 1)
        a = angle[iy, ix]
        x = x + np.cos(a) * STEP * sx
        y = y + np.sin(a) * STEP * sy
        path[k + 1] = (x, y)
    tone_small = ctx.tone_at(gw, gh)
    start_tone = tone_small[np.clip((path[0, 1] * gh).astype(int), 0, gh - 1),
                            np.clip((path[0, 0] * gw).astype(int), 0, gw - 1)]
    colours = ctx.palette.ramp(np.clip(start_tone * 0.8 + 0.2 + shade, 0, 1))
    background = ctx.palette.ramp(np.clip(ctx.tone * 0.45, 0, 1)) * 0.55
    # Small renders draw at a multiple of their size and shrink, so thin strokes keep their weight.
    ss = 2 if c.px(WIDTH) < 3.0 else 1
    img = Image.fromarray((np.clip(background, 0, 1) * 255).astype(np.uint8), "RGB")
    if ss > 1:
        img = img.resize((c.width * ss, c.height * ss), Image.Resampling.BILINEAR)
    draw = ImageDraw.Draw(img)
    width = max(1, round(c.px(WIDTH) * ss))
    scale = np.array([c.width * ss, c.height * ss])[:, None]
    order = np.argsort(start_tone, kind="stable")  # light strokes on top
    for p in order:
        n = max(2, int(STEPS * length[p]))
        pts = (path[:n, :, p] * scale[:, 0]).ravel().tolist()
        rgb = tuple(int(v * 255) for v in colours[p])
        draw.line(pts, fill=rgb, width=width)
    if ss > 1:
        img = img.resize((c.width, c.height), Image.Resampling.BOX)
    return np.asarray(img, dtype=F32) / 255.0
