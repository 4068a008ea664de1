"""Nebula: domain-warped glowing gas with dust lanes and a star field, on near-black."""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageDraw
from scipy import ndimage

from generators.image._compose import SPACE
from generators.image._dice import TEXTURE
from generators.image._noise import F32, Canvas, blur, fbm, grain, normalise, resize, smoothstep
from generators.image._styles._ctx import Ctx

WORK_SHORT = 320  # the gas is smooth: warp it small, then add fine grain at full size
STARS = 260


def _gas(ctx: Ctx, work: Canvas) -> np.ndarray:
    d = ctx.dice
    warp_x = fbm(d.child("wx"), work, cells=1.5, octaves=4)
    warp_y = fbm(d.child("wy"), work, cells=1.5, octaves=4)
    base = fbm(d.child("gas"), work, cells=2.0, octaves=6, gain=0.55)
    strength = d.real(0.12, 0.22) * work.short
    yy, xx = np.mgrid[0 : work.height, 0 : work.width].astype(F32)
    warped = ndimage.map_coordinates(base, [yy + warp_y * strength, xx + warp_x * strength], order=1, mode="mirror")
    return normalise(warped)


def render(ctx: Ctx) -> np.ndarray:
    c = ctx.canvas
    d = ctx.dice
    scale = min(1.0, WORK_SHORT / c.short)
    work = Canvas(max(2, round(c.width * scale)), max(2, round(c.height * scale)), c.aspect)
    density = resize(_gas(ctx, work), c.width, c.height)
    density *= ctx.soft_tone(0.02) * F32(0.9) + F32(0.35)
    density -= F32(0.12)
    np.clip(density, 0, 1, out=density)
    dust = resize(normalise(fbm(d.child("dust"), work, cells=3.0, octaves=5)), c.width, c.height)
    density *= 1.0 - 0.75 * smoothstep(0.55, 0.85, dust)
    del dust
    density *= 1.0 + 0.12 * grain(d.child("fine"), c, 0.004)
    img = ctx.palette.ramp(np.clip(density * 1.15, 0, 1))
    emission = density**1.4
    emission *= F32(1.5)
    img *= emission[..., None]
    del emission, density
    img += (ctx.palette.colour(0) * 0.25).astype(F32)
    light = (ctx.palette.colour(-1) * 0.9 + 0.1).astype(F32)
    if ctx.subjects is not None:
        # Subjects stand against the gas as dark silhouettes with a lit rim, never as white blobs.
        rim = blur(ctx.subjects, c.px(0.006))
        edge = np.clip(rim * (1.0 - ctx.subjects) * 3.0, 0, 1)
        img *= (1.0 - 0.85 * ctx.subjects)[..., None]
        img += (edge[..., None] * light * 0.6).astype(F32)
        del rim, edge
    # The scene's bright bodies (moon, sun, lit windows) shine through the gas with a halo.
    body = smoothstep(0.8, 0.95, ctx.soft_tone(0.003))
    body += smoothstep(0.75, 0.95, ctx.soft_tone(0.03)) * F32(0.35)
    for ch in range(3):
        img[..., ch] += body * light[ch]
    del body
    if _starry(ctx):
        _stars(ctx, img)
    # Soft roll-off instead of clipping: bright gas saturates smoothly and never blows out to flat white.
    np.maximum(img, 0.0, out=img)
    img *= F32(1.6)
    np.negative(img, out=img)
    np.exp(img, out=img)
    np.subtract(1.0, img, out=img)
    img *= F32(1.0 / (1.0 - np.exp(-1.6 * 1.25)))
    return img


def _starry(ctx: Ctx) -> bool:
    """Stars only in a night or space scene ("sunset" gets none)."""
    roles = set(ctx.scene.roles())
    return ctx.scene.night or bool(roles & SPACE) or not roles


def _stars(ctx: Ctx, img: np.ndarray) -> None:
    c, d = ctx.canvas, ctx.dice
    stars = Image.new("F", (c.width, c.height), 0.0)
    draw = ImageDraw.Draw(stars)
    sd = d.child("stars", damp=TEXTURE)
    count = STARS
    xs, ys = sd.uniform(0, 1, count), sd.uniform(0, 1, count)
    size = sd.uniform(0, 1, count) ** 6 * 0.006 + 0.0012
    bright = sd.uniform(0.4, 1.0, count)
    for x, y, r, b in zip(xs, ys, size, bright, strict=True):
        rp = max(0.6, c.px(r))
        draw.ellipse((x * c.width - rp, y * c.height - rp, x * c.width + rp, y * c.height + rp), fill=float(b))
    star = np.asarray(stars, dtype=F32)
    star = np.maximum(star, blur(star, c.px(0.004)) * 2.5)
    tint = (0.6 + 0.4 * ctx.palette.colour(-1)).astype(F32)
    for ch in range(3):
        img[..., ch] += star * tint[ch]
