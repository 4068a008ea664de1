"""Halftone print: the scene screened as rotated dot grids in two or three inks on paper."""

from __future__ import annotations

import math

import numpy as np

from generators.image._noise import F32, fbm, normalise
from generators.image._styles._ctx import Ctx

PITCH = 0.02  # dot spacing, short-side units


def _screen(x: np.ndarray, y: np.ndarray, coverage: np.ndarray, angle: float, pitch_px: float) -> np.ndarray:
    """Ink amount 0..1 of a dot screen at ``angle`` whose dots grow with ``coverage``."""
    ca, sa = F32(math.cos(angle) / pitch_px), F32(math.sin(angle) / pitch_px)
    u = x * ca + y * sa
    u -= np.floor(u)
    u -= F32(0.5)
    v = y * ca - x * sa
    v -= np.floor(v)
    v -= F32(0.5)
    u *= u
    v *= v
    u += v
    del v
    np.sqrt(u, out=u)
    u *= F32(-pitch_px)  # minus the distance to the dot centre, in pixels
    radius = np.sqrt(np.clip(coverage, 0, 1))
    radius *= F32(pitch_px * 0.72)
    u += radius
    u += F32(0.5)
    return np.clip(u, 0.0, 1.0, out=u)


def render(ctx: Ctx) -> np.ndarray:
    c = ctx.canvas
    d = ctx.dice
    x = np.arange(c.width, dtype=F32)[None, :]
    y = np.arange(c.height, dtype=F32)[:, None]
    pitch = c.px(PITCH)
    noise = normalise(fbm(d.child("tint"), c, cells=2.0, octaves=4))
    dark = np.clip(1.0 - (0.8 * ctx.tone + 0.2 * noise), 0, 1)
    img = ctx.paper(0.7)
    cols = ctx.palette.array()
    base_angle = d.real(0, math.pi / 2)
    inks = (
        (cols[2], np.clip(noise * 0.9 + dark * 0.3 - 0.1, 0, 1), base_angle + math.radians(45)),
        (cols[1], np.clip(dark * 1.1 - 0.2, 0, 1), base_angle + math.radians(75)),
        (cols[0] * 0.8, np.clip(dark * 1.3 - 0.55, 0, 1), base_angle + math.radians(15)),
    )
    # Small dots are sampled at four points per pixel, as a shrunk large print would average them.
    n = 3 if pitch < 8 else 2 if pitch < 14 else 1
    steps = [(k + 0.5) / n - 0.5 for k in range(n)]
    offsets = [(ox, oy) for ox in steps for oy in steps]
    for colour, coverage, angle in inks:
        ink = _screen(x + offsets[0][0], y + offsets[0][1], coverage, angle, pitch)
        for ox, oy in offsets[1:]:
            ink += _screen(x + ox, y + oy, coverage, angle, pitch)
        ink *= F32(1.0 / len(offsets))
        for ch in range(3):
            img[..., ch] *= 1.0 - ink * F32(1.0 - colour[ch])
    return img
