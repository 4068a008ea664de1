"""Glitch: a posterised scene, pixel-sorted in luminance runs, with torn bands, split channels and
scanlines."""

from __future__ import annotations

import numpy as np

from generators.image._noise import F32, fbm, grain, normalise
from generators.image._styles._ctx import Ctx

LEVELS = 6


def _shift(rows: np.ndarray, shift: int, axis: int = 1) -> np.ndarray:
    """Shift along ``axis`` repeating the edge pixels (no wrap-around: nothing enters from the far side)."""
    if shift == 0:
        return rows
    n = rows.shape[axis]
    shift = max(-n + 1, min(n - 1, shift))
    index = np.clip(np.arange(n) - shift, 0, n - 1)
    return np.take(rows, index, axis=axis)


def _sort_runs(img: np.ndarray, lum: np.ndarray, lo: float, hi: float, keep: np.ndarray | None) -> np.ndarray:
    """Sort pixels by brightness inside each run of a row whose brightness lies in (lo, hi); pixels in
    ``keep`` (the subjects) are never part of a run, so sorting can't smear a subject away."""
    inside = (lum > lo) & (lum < hi)
    if keep is not None:
        inside &= keep < 0.5
    starts = np.ones_like(inside)
    starts[:, 1:] = inside[:, 1:] != inside[:, :-1]
    run = np.cumsum(starts, axis=1).astype(np.float64)
    key = run * 2.0 + np.where(inside, lum * 0.999, 0.5)
    order = np.argsort(key, axis=1, kind="stable")
    return np.take_along_axis(img, order[..., None], axis=1)


def render(ctx: Ctx) -> np.ndarray:
    c = ctx.canvas
    layout = ctx.layout  # noise, sort band and tears depend on the prompt too, not the seed alone
    noise = normalise(fbm(layout.child("field"), c, cells=2.0, octaves=5 + round(ctx.detail - 1)))
    field = np.clip(0.78 * ctx.tone + 0.22 * noise, 0, 1)
    keep = ctx.subjects
    if keep is not None:
        field = np.where(keep > 0.5, ctx.tone, field)
    poster = np.floor(field * LEVELS) / (LEVELS - 1)
    img = ctx.palette.ramp(np.clip(poster, 0, 1))
    vertical = layout.chance(0.35, stable=True)
    if vertical:
        img, field = img.transpose(1, 0, 2), field.T
        keep = keep.T if keep is not None else None
    lo, hi = layout.real(0.2, 0.4), layout.real(0.65, 0.9)
    img = _sort_runs(img, field, lo, hi, keep)
    if vertical:
        img = img.transpose(1, 0, 2)
    img = np.ascontiguousarray(img)
    bd = layout.child("bands")
    for band in bd.items(5, 12):
        y0 = int(band.real(0, 1) * c.height)
        y1 = min(c.height, y0 + max(1, int(band.real(0.005, 0.06) * c.height)))
        shift = int(band.real(-0.12, 0.12) * c.width)
        img[y0:y1] = _shift(img[y0:y1], shift)
        if band.chance(0.3, stable=True):
            img[y0:y1] = img[y0:y1, :, ::-1] * 0.6 + img[y0:y1] * 0.4
    split = max(1, round(c.px(0.006)))
    out = img.copy()
    out[..., 0] = _shift(img[..., 0], split)
    out[..., 2] = _shift(img[..., 2], -split)
    period = c.px(layout.real(0.009, 0.016))
    rows = np.arange(c.height, dtype=F32) + 0.5
    scan = 1.0 - 0.05 * (1.0 + np.sin(rows / period * 2 * np.pi + layout.real(0, 6.3)))
    static = grain(layout.child("static"), c, 0.004)[..., None] * 0.04
    out *= scan[:, None, None]
    out += static
    return out
