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


def pick_inks(cols: np.ndarray) -> np.ndarray:
    """Three inks by role: the key (darkest colour) and the two most colourful, most different
    colours of the rest (the lightest colour is the paper), rather than the three darkest."""
    key = cols[0]
    rest = cols[1:-1] if len(cols) > 3 else cols[1:]

    def chroma(c: np.ndarray) -> float:
        return float(c.max() - c.min())

    first = max(range(len(rest)), key=lambda i: (chroma(rest[i]), -i))
    second = max((i for i in range(len(rest)) if i != first),
                 key=lambda i: chroma(rest[i]) + float(np.abs(rest[i] - rest[first]).sum()), default=first)
    return np.stack([rest[first], rest[second], key * 0.8]).astype(F32)


def separate(target: np.ndarray, paper: np.ndarray, inks: np.ndarray) -> list[np.ndarray]:
    """How much of each ink prints where, so paper × Π(ink^coverage) ≈ target (Beer–Lambert, per pixel)."""
    eps = F32(1e-3)
    absorb = -np.log(np.clip(inks, eps, 1.0))  # (3 inks, 3 channels)
    want = -np.log(np.clip(target / np.clip(paper, eps, 1.0), eps, 1.0))  # H×W×3
    solve = np.linalg.pinv(absorb.T.astype(np.float64)).astype(F32)  # channels -> inks
    cover = want @ solve.T
    return [np.clip(cover[..., k], 0.0, 1.0) for k in range(3)]


def render(ctx: Ctx) -> np.ndarray:
    c = ctx.canvas
    d = ctx.dice
    x = np.arange(c.width, dtype=F32)[None, :]
    y = np.arange(c.height, dtype=F32)[:, None]
    pitch = c.px(PITCH)
    noise = normalise(fbm(d.child("tint"), c, cells=2.0, octaves=4))
    tone = np.clip(0.85 * ctx.tone + 0.15 * noise, 0, 1)
    img = ctx.paper(0.7)
    paper = img[0, 0].copy()
    inks = pick_inks(ctx.palette.array())
    target = ctx.palette.ramp(tone)
    coverages = separate(target, paper, inks)
    del target, tone
    base_angle = d.real(0, math.pi / 2)
    angles = (base_angle + math.radians(15), base_angle + math.radians(75), base_angle + math.radians(45))
    # Small dots are sampled at several points per pixel, as a shrunk large print would average them.
    n = 4 if pitch < 6 else 3 if pitch < 8 else 2 if pitch < 14 else 1
    steps = [(k + 0.5) / n - 0.5 for k in range(n)]
    offsets = [(ox, oy) for ox in steps for oy in steps]
    for colour, coverage, angle in zip(inks, coverages, angles, strict=True):
        ink = _screen(x + offsets[0][0], y + offsets[0][1], coverage, angle, pitch)
        for ox, oy in offsets[1:]:
            ink += _screen(x + ox, y + oy, coverage, angle, pitch)
        ink *= F32(1.0 / len(offsets))
        for ch in range(3):
            img[..., ch] *= 1.0 - ink * F32(1.0 - colour[ch])
    return img
