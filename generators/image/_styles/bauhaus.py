"""Geometric Bauhaus: a grid of flat blocks with circle, arc, stripe and triangle motifs, and the
scene's subjects as flat shapes on top."""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageDraw

from generators.image._noise import F32, fbm, grain
from generators.image._scene import draw_shapes
from generators.image._styles._ctx import Ctx

MOTIFS = ("circle", "half", "quarter", "stripes", "triangle", "solid", "ring", "empty")


def render(ctx: Ctx) -> np.ndarray:
    c = ctx.canvas
    d = ctx.dice
    supersample = 2 if c.short <= 768 else 1
    w, h = c.width * supersample, c.height * supersample
    cols = [tuple(int(v) for v in rgb) for rgb in ctx.palette.colours]
    paper = tuple(int(v * 0.35 + 255 * 0.65) for v in cols[-1])
    img = Image.new("RGB", (w, h), paper)
    draw = ImageDraw.Draw(img)
    layout = ctx.layout  # the blocks depend on the prompt's subjects and light, not the seed alone
    gd = layout.child("grid")
    ncols = gd.integer(2, 4, stable=True)
    nrows = max(2, round(ncols / c.aspect))
    xs = np.cumsum([0, *gd.uniform(0.6, 1.4, ncols)])
    ys = np.cumsum([0, *gd.uniform(0.6, 1.4, nrows)])
    xs, ys = xs / xs[-1] * w, ys / ys[-1] * h
    for i in range(ncols):
        for j in range(nrows):
            bd = layout.child(f"block{i}.{j}")
            x0, x1, y0, y1 = xs[i], xs[i + 1], ys[j], ys[j + 1]
            motif = bd.choice(MOTIFS, stable=True)
            fg = cols[bd.integer(0, len(cols) - 2, stable=True)]
            bg = cols[bd.integer(1, len(cols) - 1, stable=True)] if bd.chance(0.5, stable=True) else paper
            draw.rectangle((x0, y0, x1, y1), fill=bg)
            r = min(x1 - x0, y1 - y0) * bd.real(0.35, 0.5)
            cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
            if motif == "circle":
                draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=fg)
            elif motif == "ring":
                draw.ellipse((cx - r, cy - r, cx + r, cy + r), outline=fg, width=max(2, int(r * 0.25)))
            elif motif == "half":
                start = bd.choice((0, 90, 180, 270), stable=True)
                draw.pieslice((cx - r, cy - r, cx + r, cy + r), start, start + 180, fill=fg)
            elif motif == "quarter":
                corner = bd.integer(0, 3, stable=True)
                px, py = (x0, x1)[corner % 2], (y0, y1)[corner // 2]
                rr = min(x1 - x0, y1 - y0)
                start = (0, 90, 270, 180)[corner]
                draw.pieslice((px - rr, py - rr, px + rr, py + rr), start, start + 90, fill=fg)
            elif motif == "stripes":
                n = bd.integer(3, 6, stable=True)
                for k in range(n):
                    sy0 = y0 + (y1 - y0) * k / n
                    draw.rectangle((x0, sy0, x1, sy0 + (y1 - y0) / n * 0.5), fill=fg)
            elif motif == "triangle":
                draw.polygon([(x0, y1), (x1, y1), ((x0 + x1) / 2, y0)], fill=fg)
            elif motif == "solid":
                draw.rectangle((x0, y0, x1, y1), fill=fg)
    # Bold bars along the grid lines, as in a Bauhaus poster.
    bar = max(2, round(0.012 * min(w, h)))
    for x in xs[1:-1]:
        draw.rectangle((x - bar / 2, 0, x + bar / 2, h), fill=cols[0])
    for y in ys[1:-1]:
        draw.rectangle((0, y - bar / 2, w, y + bar / 2), fill=cols[0])
    levels = len(cols) - 1
    canvas = type(c)(w, h, c.aspect)
    draw_shapes(draw, ctx.scene.shapes, canvas, lambda sh: cols[min(levels, round(sh.tone * levels))])
    if supersample > 1:
        img = img.resize((c.width, c.height), Image.Resampling.BOX)
    # Screen-print texture: ink lies a little unevenly on the paper.
    texture = 1.0 + 0.07 * grain(d.child("print"), c, 0.005) + 0.04 * fbm(d.child("ink"), c, cells=8, octaves=3)
    return np.asarray(img, dtype=F32) / 255.0 * texture[..., None]
