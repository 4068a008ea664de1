"""Flow field: evenly spaced, tapered strokes that follow a smooth angle field and the subjects' outlines.

Strokes start on a jittered grid inside a margin and are traced both ways from their start, so
no edge is left bare; a stroke stops where it would crowd another (an occupancy grid in picture
units), which keeps the spacing even.  The angle field is noise turned along the edges of the
composition (its high-pass gradient, so a sky's gentle gradient can't comb every stroke flat).
Everything is computed in picture units, so an upscale traces the same strokes, and adds a
second, finer layer between them.
"""

from __future__ import annotations

import math

import numpy as np
from PIL import Image, ImageDraw

from generators.image._dice import TEXTURE, Dice
from generators.image._noise import F32, Canvas, blur, fbm
from generators.image._styles._ctx import Ctx

SPACING = 0.026  # distance between stroke starts, short-side units
STEPS = 24  # steps each way from a start
STEP = 0.0055  # short-side units per step
WIDTH = 0.0052  # widest part of a stroke, short-side units
MARGIN = 0.035  # strokes stay this far inside the picture
FIELD = 160  # lattice of the angle field, cells on the short side


def _angle_field(ctx: Ctx, grid: Canvas, dice: Dice) -> np.ndarray:
    noise = fbm(dice.child("angle"), grid, cells=2.0, octaves=3)
    swirl = dice.real(0.9, 1.8) * math.pi
    base = noise * swirl + dice.real(0, 2 * math.pi)
    tone = ctx.tone_at(grid.width, grid.height)
    edges = tone - blur(tone, grid.short * 0.06)  # high-pass: outlines, not the sky's slow gradient
    gy, gx = np.gradient(blur(edges, 2.5))  # wide enough to smooth over rain streaks
    along = np.arctan2(gy, gx) + math.pi / 2
    weight = np.clip(np.hypot(gx, gy) * grid.short * 1.5, 0.0, 0.9)
    vx = np.cos(base) * (1 - weight) + np.cos(along) * weight
    vy = np.sin(base) * (1 - weight) + np.sin(along) * weight
    return np.arctan2(vy, vx).astype(F32)


def _trace(angle: np.ndarray, x: np.ndarray, y: np.ndarray, sign: float, sx: float, sy: float,
           step: float, steps: int) -> np.ndarray:
    gh, gw = angle.shape
    out = np.empty((steps + 1, 2, len(x)))
    out[0] = (x, y)
    for k in range(steps):
        ix = np.clip((x * gw).astype(int), 0, gw - 1)
        iy = np.clip((y * gh).astype(int), 0, gh - 1)
        a = angle[iy, ix]
        x = x + sign * np.cos(a) * step * sx
        y = y + sign * np.sin(a) * step * sy
        out[k + 1] = (x, y)
    return out


def _strokes(ctx: Ctx, dice: Dice, angle: np.ndarray, tone: np.ndarray, spacing: float, step: float, steps: int,
             ) -> list[np.ndarray]:
    """Stroke polylines (n×2, fractions of width/height), evenly spaced and inside the margin."""
    c = ctx.canvas
    sx, sy = (1.0 / c.aspect, 1.0) if c.aspect >= 1 else (1.0, c.aspect)
    nx, ny = max(2, round(1.0 / (spacing * sx))), max(2, round(1.0 / (spacing * sy)))
    gx, gy = np.meshgrid((np.arange(nx) + 0.5) / nx, (np.arange(ny) + 0.5) / ny)
    jitter = dice.uniform(-0.5, 0.5, (2, ny, nx))
    x0 = (gx + jitter[0] / nx).ravel()
    y0 = (gy + jitter[1] / ny).ravel()
    order = np.argsort(dice.uniform(0, 1, x0.size), kind="stable")
    x0, y0 = x0[order], y0[order]
    ahead = _trace(angle, x0, y0, 1.0, sx, sy, step, steps)
    behind = _trace(angle, x0, y0, -1.0, sx, sy, step, steps)
    paths = np.concatenate([behind[::-1], ahead[1:]], axis=0)  # (2·steps+1, 2, n)
    mx, my = MARGIN * sx, MARGIN * sy
    inside = (paths[:, 0] > mx) & (paths[:, 0] < 1 - mx) & (paths[:, 1] > my) & (paths[:, 1] < 1 - my)
    # Occupancy in cells half the spacing wide: a stroke may not enter a cell another one holds.
    cw, ch = max(2, round(2.0 / (spacing * sx))), max(2, round(2.0 / (spacing * sy)))
    cells = (np.clip((paths[:, 1] * ch).astype(int), 0, ch - 1) * cw
             + np.clip((paths[:, 0] * cw).astype(int), 0, cw - 1))
    owner = np.full(cw * ch, -1, dtype=np.int64)
    # A stroke also ends where the scene's tone changes: it stays inside its subject or its sky.
    th, tw = tone.shape
    local = tone[np.clip((paths[:, 1] * th).astype(int), 0, th - 1), np.clip((paths[:, 0] * tw).astype(int), 0, tw - 1)]
    mid = steps
    out = []
    for p in range(paths.shape[2]):
        cell, ok = cells[:, p], inside[:, p]
        if not ok[mid] or owner[cell[mid]] >= 0:
            continue
        free = ok & ((owner[cell] < 0) | (owner[cell] == p)) & (np.abs(local[:, p] - local[mid, p]) < 0.12)
        lo = mid
        while lo > 0 and free[lo - 1]:
            lo -= 1
        hi = mid
        while hi < len(cell) - 1 and free[hi + 1]:
            hi += 1
        if hi - lo < 4:
            continue
        owner[cell[lo : hi + 1]] = p
        out.append(paths[lo : hi + 1, :, p])
    return out


def _draw(draw: ImageDraw.ImageDraw, pts: np.ndarray, scale: np.ndarray, width: float, rgb: tuple) -> None:
    """A stroke that swells from thin ends to ``width`` in its middle."""
    n = len(pts)
    xy = pts * scale
    pieces = 5
    for k in range(pieces):
        a, b = k * (n - 1) // pieces, (k + 1) * (n - 1) // pieces
        if b <= a:
            continue
        taper = math.sin(math.pi * (k + 0.5) / pieces)
        w = max(1, round(width * (0.35 + 0.65 * taper)))
        draw.line(xy[a : b + 1].ravel().tolist(), fill=rgb, width=w, joint="curve")


def render(ctx: Ctx) -> np.ndarray:
    c = ctx.canvas
    d = ctx.dice
    gh, gw = c.lattice_shape(FIELD)
    angle = _angle_field(ctx, Canvas(gw, gh, c.aspect), d)
    tone_small = ctx.tone_at(gw, gh)
    layers = [(d.child("particles", damp=TEXTURE), SPACING, STEP, STEPS, WIDTH, 1.0)]
    if ctx.detail > 1.5:
        # An upscale has room for more: a finer, quieter layer of short strokes under the main ones
        # (close to the ground's own colour, so shrunk back it is still the same picture).
        layers.insert(0, (d.child("fine", damp=TEXTURE), SPACING / 2, STEP * 0.7, STEPS // 2, WIDTH * 0.4, 0.0))
    background = ctx.palette.ramp(np.clip(ctx.tone * 0.9, 0, 1)) * 0.7
    ss = 2 if c.px(WIDTH) < 4.0 else 1
    img = Image.fromarray((np.clip(background, 0, 1) * 255).astype(np.uint8), "RGB")
    if ss > 1:
        img = img.resize((c.width * ss, c.height * ss), Image.Resampling.BILINEAR)
    draw = ImageDraw.Draw(img)
    scale = np.array([c.width * ss, c.height * ss], dtype=np.float64)
    for dice, spacing, step, steps, width, contrast in layers:
        strokes = _strokes(ctx, dice, angle, tone_small, spacing, step, steps)
        if not strokes:
            continue
        shade = dice.child("shade").uniform(-0.12, 0.12, len(strokes))
        mids = np.array([s[len(s) // 2] for s in strokes])
        tone = tone_small[np.clip((mids[:, 1] * gh).astype(int), 0, gh - 1),
                          np.clip((mids[:, 0] * gw).astype(int), 0, gw - 1)]
        colours = ctx.palette.ramp(np.clip(tone * 0.9 + (0.12 + shade) * contrast, 0, 1).astype(F32))
        if contrast < 1.0:
            colours = colours * F32(0.8)
        for p in np.argsort(tone, kind="stable"):  # light strokes on top
            rgb = tuple(int(v * 255) for v in colours[p])
            _draw(draw, strokes[p], scale, c.px(width) * ss, rgb)
    if ss > 1:
        img = img.resize((c.width, c.height), Image.Resampling.BOX)
    return np.asarray(img, dtype=F32) / 255.0
