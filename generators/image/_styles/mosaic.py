"""Voronoi mosaic: glass tiles coloured by the scene beneath them, with dark leading between."""

from __future__ import annotations

import numpy as np
from scipy.spatial import cKDTree

from generators.image._dice import TEXTURE
from generators.image._noise import F32, Canvas, blur, resize, smoothstep
from generators.image._styles._ctx import Ctx

TILES = 420
WORK_SHORT = 512  # larger renders compute the cells here and interpolate (the cells are smooth)
GROUT = 0.008  # width of the leading in d2-d1 (about half this in short-side units)


def render(ctx: Ctx) -> np.ndarray:
    c = ctx.canvas
    d = ctx.dice.child("tiles", damp=TEXTURE)
    sx, sy = (c.aspect, 1.0) if c.aspect >= 1 else (1.0, 1.0 / c.aspect)
    # Points in short-side units; extra candidates stay only where the scene has edges, so small
    # tiles gather around subjects.  Accept/reject (not inverse sampling) keeps this stable when
    # the edge map changes a little between sizes.
    pts = np.stack([d.uniform(0, sx, TILES), d.uniform(0, sy, TILES)], axis=1)
    soft = blur(ctx.tone, c.px(0.006))
    gy, gx = np.gradient(soft)
    edge = np.hypot(gx, gy) * c.short
    cand = np.stack([d.uniform(0, sx, TILES), d.uniform(0, sy, TILES)], axis=1)
    ci = np.clip((cand[:, 0] / sx * c.width).astype(int), 0, c.width - 1)
    cj = np.clip((cand[:, 1] / sy * c.height).astype(int), 0, c.height - 1)
    keep = d.uniform(0, 1, TILES) < np.clip(edge[cj, ci] * 0.5, 0.0, 0.9)
    del gx, gy, edge
    pts = np.concatenate([pts, cand[keep]])
    if ctx.subjects is not None:
        # Small tiles inside the subjects, so a fox is made of many pieces, not lost in three.
        more = np.stack([d.uniform(0, sx, TILES // 2), d.uniform(0, sy, TILES // 2)], axis=1)
        mi = np.clip((more[:, 0] / sx * c.width).astype(int), 0, c.width - 1)
        mj = np.clip((more[:, 1] / sy * c.height).astype(int), 0, c.height - 1)
        pts = np.concatenate([pts, more[ctx.subjects[mj, mi] > 0.5]])
    scale = min(1.0, WORK_SHORT / c.short)
    work = Canvas(max(2, round(c.width * scale)), max(2, round(c.height * scale)), c.aspect)
    xs = (np.arange(work.width) + 0.5) / work.width * sx
    ys = (np.arange(work.height) + 0.5) / work.height * sy
    grid = np.stack(np.meshgrid(xs, ys), axis=-1).reshape(-1, 2)
    dist, idx = cKDTree(pts).query(grid, k=2)
    gap = (dist[:, 1] - dist[:, 0]).reshape(work.shape).astype(F32)
    near = dist[:, 0].reshape(work.shape).astype(F32)
    label = idx[:, 0].reshape(work.shape).astype(F32)
    if work.shape != c.shape:
        gap = resize(gap, c.width, c.height)
        near = resize(near, c.width, c.height)
        label = resize(label, c.width, c.height, smooth=False)
    label = label.astype(np.int32)
    del dist, idx, grid
    # Tile colour: the scene's tone at the tile's centre, nudged per tile.
    px = np.clip((pts[:, 0] / sx * c.width).astype(int), 0, c.width - 1)
    py = np.clip((pts[:, 1] / sy * c.height).astype(int), 0, c.height - 1)
    tile_tone = np.clip(soft[py, px] + d.uniform(-0.06, 0.06, len(pts)), 0, 1)
    tile_rgb = ctx.palette.ramp(tile_tone.astype(F32))
    del soft
    img = tile_rgb[label]
    del label
    shine = 1.12 - 0.35 * smoothstep(0.0, 0.06, near)
    del near
    img *= shine[..., None]
    del shine
    # d2 - d1 grows about twice as fast as the distance to the edge: one pixel is 2/short of it.
    lead = np.clip((gap - GROUT) * c.short / 2.0 + 0.5, 0.0, 1.0)
    del gap
    ink = ctx.palette.colour(0) * 0.35
    return ctx.mix(np.broadcast_to(ink, img.shape), img, lead)
