"""Subjects -> a composition of simple shapes, and that composition as a tone field.

The scene is described in fractions of the picture (x of width, y of height), so every size
draws the same composition.  Most styles read the tone field (0 dark .. 1 light); the Bauhaus
style draws the shapes themselves as flat geometry.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from PIL import Image, ImageDraw

from generators.image._dice import TEXTURE, Dice
from generators.image._noise import F32, Canvas, blur

Point = tuple[float, float]


@dataclass(frozen=True)
class Shape:
    """A filled polygon, an ellipse (points = centre, radii) or a polyline (``width`` in short-side units)."""

    kind: str
    tone: float
    points: tuple[Point, ...]
    width: float = 0.0
    role: str = ""


@dataclass
class Scene:
    sky_top: float
    sky_bottom: float
    horizon: float | None
    shapes: list[Shape] = field(default_factory=list)
    night: bool = False

    def add(self, kind: str, tone: float, points: Sequence[Point], width: float = 0.0, role: str = "") -> None:
        self.shapes.append(Shape(kind, float(min(max(tone, 0.0), 1.0)), tuple(points), width, role))


class _Builder:
    """Helpers that know the aspect ratio, so round things stay round."""

    def __init__(self, scene: Scene, aspect: float) -> None:
        self.scene = scene
        # Radii are in short-side units; convert to fractions of width and height.
        self.rx = 1.0 / aspect if aspect >= 1 else 1.0
        self.ry = 1.0 if aspect >= 1 else aspect

    def disc(self, cx: float, cy: float, r: float, tone: float, role: str) -> None:
        self.scene.add("ellipse", tone, ((cx, cy), (r * self.rx, r * self.ry)), role=role)

    def blob(self, cx: float, cy: float, r: float, squash: float, angle: float, tone: float, role: str,
             n: int = 18) -> None:
        pts = []
        for k in range(n):
            t = 2 * math.pi * k / n
            x, y = math.cos(t) * r, math.sin(t) * r * squash
            xr = x * math.cos(angle) - y * math.sin(angle)
            yr = x * math.sin(angle) + y * math.cos(angle)
            pts.append((cx + xr * self.rx, cy + yr * self.ry))
        self.scene.add("poly", tone, pts, role=role)


def _ridge(dice: Dice, n: int, rough: float) -> np.ndarray:
    """A 1-D mountain profile 0..1 from a few random knots plus finer wobble."""
    knots = dice.uniform(0.0, 1.0, 7)
    xs = np.linspace(0, 1, n)
    base = np.interp(xs, np.linspace(0, 1, 7), knots)
    fine = np.interp(xs, np.linspace(0, 1, 25), dice.normal(25)) * rough
    return np.clip(base + fine, 0.0, 1.2)


def build_scene(subjects: Sequence[str], aspect: float, dice: Dice) -> Scene:
    """The composition for a set of subjects; without subjects, an abstract arrangement."""
    s = set(subjects)
    night = bool(s & {"moon", "stars", "night"}) and "sun" not in s
    grounded = bool(s & {"sea", "mountains", "city", "forest", "desert", "river", "flowers"})
    horizon = dice.child("horizon").real(0.55, 0.7) if grounded else None
    if night:
        scene = Scene(0.06, 0.3, horizon, night=True)
    elif "sun" in s:
        scene = Scene(0.5, 0.9, horizon)
    else:
        scene = Scene(0.35, 0.72, horizon)
    b = _Builder(scene, aspect)
    h = horizon if horizon is not None else 0.78
    if not (s - {"night", "crescent", "full"}):
        _abstract(b, dice.child("abstract"))
    if "stars" in s:
        d = dice.child("stars", damp=TEXTURE)
        for e in d.items(70, 140):
            b.disc(e.real(0, 1), e.real(0, h * 0.95), e.real(0.0015, 0.005), e.real(0.75, 1.0), "stars")
    for body in ("sun", "moon"):
        if body in s:
            d = dice.child(body)
            r = d.real(0.08, 0.15) if body == "sun" else d.real(0.06, 0.11)
            cy = max(r + 0.05, h - d.real(0.12, 0.35)) if horizon is not None else d.real(0.18, 0.4)
            cx = d.real(0.22, 0.78)
            glow = 0.5 * (scene.sky_top + scene.sky_bottom) + 0.15
            b.disc(cx, cy, r * 1.7, glow, body)
            b.disc(cx, cy, r, 1.0 if body == "sun" else 0.95, body)
            if body == "moon" and "crescent" in s and "full" not in s:
                b.disc(cx + r * 0.45 * b.rx, cy - r * 0.15 * b.ry, r * 0.9, scene.sky_top + 0.05, body)
    if "clouds" in s:
        d = dice.child("clouds")
        for e in d.items(2, 4):
            cx, cy, w = e.real(0.1, 0.9), e.real(0.12, h * 0.7), e.real(0.12, 0.25)
            tone = 0.82 if not night else 0.35
            for f in e.items(4, 7):
                b.blob(cx + f.real(-w, w) * b.rx, cy + f.real(-0.03, 0.03), f.real(0.04, 0.09), 0.6, 0.0,
                       tone + f.real(-0.05, 0.05), "clouds")
    if "birds" in s:
        d = dice.child("birds")
        for e in d.items(3, 8):
            x, y, w = e.real(0.1, 0.9), e.real(0.1, h * 0.6), e.real(0.012, 0.03)
            scene.add("line", 0.9 if night else 0.08,
                      ((x - w, y - w * 0.6), (x, y), (x + w, y - w * 0.6)), width=0.004, role="birds")
    if "mountains" in s:
        d = dice.child("mountains")
        for layer, tone in enumerate((0.5, 0.32) if not night else (0.22, 0.12)):
            prof = _ridge(d.child(f"layer{layer}"), 48, 0.08)
            top = h - (0.12 + 0.16 * (1 - layer * 0.4)) * prof - 0.02
            pts = [(i / 47, float(y)) for i, y in enumerate(top)]
            scene.add("poly", tone, [(-0.01, h + 0.01), *pts, (1.01, h + 0.01)], role="mountains")
    if "desert" in s:
        d = dice.child("desert")
        for k in range(3):
            base = h + k * (1 - h) / 3
            amp, ph, fr = d.real(0.02, 0.05), d.real(0, 6.28), d.real(1.0, 2.5)
            pts = [(i / 40, base - amp * math.sin(ph + fr * 6.28 * i / 40)) for i in range(41)]
            scene.add("poly", 0.55 + 0.1 * k, [*pts, (1.01, 1.01), (-0.01, 1.01)], role="desert")
    if "sea" in s:
        d = dice.child("sea")
        scene.add("poly", 0.18 if night else 0.38, [(-0.01, h), (1.01, h), (1.01, 1.01), (-0.01, 1.01)], role="sea")
        for e in d.items(8, 14):
            y = e.real(h + 0.02, 0.98)
            x0, length, amp = e.real(-0.1, 0.8), e.real(0.15, 0.5), e.real(0.004, 0.01)
            pts = [(x0 + length * i / 12, y + amp * math.sin(i * 1.3)) for i in range(13)]
            scene.add("line", (0.32 if night else 0.55), pts, width=0.004, role="sea")
        for body in ("sun", "moon"):
            if body in s:
                cx = next(sh.points[0][0] for sh in scene.shapes if sh.role == body)
                for k in range(8):
                    y = h + 0.015 + k * (1 - h) / 9
                    w = 0.06 * (1 - k / 10) * d.real(0.6, 1.2)
                    scene.add("line", 0.85, ((cx - w, y), (cx + w, y)), width=0.006, role="sea")
    if "river" in s:
        d = dice.child("river")
        left, right = [], []
        for i in range(11):
            t = i / 10
            cx = 0.5 + 0.18 * math.sin(d.real(0, 6.28) * 0.2 + t * 4) * (1 - t)
            y = 1.01 - t * (1.01 - h)
            w = 0.18 * (1 - t) + 0.01
            left.append((cx - w, y))
            right.append((cx + w, y))
        scene.add("poly", 0.7, [*left, *reversed(right)], role="river")
    if "city" in s:
        d = dice.child("city")
        x, k = -0.02, 0
        while x < 1.0 and k < 60:
            e = d.child(f"building{k}")
            w, top = e.real(0.035, 0.09), h - e.real(0.08, 0.38)
            tone = 0.1 if night else e.real(0.15, 0.3)
            scene.add("poly", tone, [(x, h + 0.01), (x, top), (x + w, top), (x + w, h + 0.01)], role="city")
            for f in e.items(2, 7):
                wx, wy = x + f.real(0.15, 0.75) * w, f.real(top + 0.02, h - 0.02)
                scene.add("poly", 0.85 if night else 0.6,
                          [(wx, wy), (wx + 0.008, wy), (wx + 0.008, wy + 0.012), (wx, wy + 0.012)], role="city")
            x += w + e.real(0.0, 0.015)
            k += 1
    if "forest" in s:
        d = dice.child("forest")
        trees = sorted(((e.real(0.0, 1.0), e.real(h + 0.02, 1.05), e.real(0.1, 0.28)) for e in d.items(18, 36)),
                       key=lambda t: t[1])
        for x, base, height in trees:
            tone = 0.28 - 0.2 * (base - h) / (1.05 - h) if not night else 0.06
            w = height * 0.35 * b.rx
            scene.add("poly", tone, [(x - w, base), (x, base - height), (x + w, base)], role="forest")
    if "flowers" in s:
        d = dice.child("flowers")
        for e in d.items(6, 14):
            x, y, r = e.real(0.05, 0.95), e.real(max(h, 0.6) + 0.05, 0.97), e.real(0.012, 0.03)
            scene.add("line", 0.25, ((x, y), (x, min(1.0, y + 0.12))), width=0.004, role="flowers")
            for k in range(6):
                a = 2 * math.pi * k / 6
                b.disc(x + math.cos(a) * r * b.rx, y + math.sin(a) * r * b.ry, r * 0.7, 0.88, "flowers")
            b.disc(x, y, r * 0.6, 0.45, "flowers")
    if "koi" in s:
        d = dice.child("koi")
        if "sea" not in s and "river" not in s:
            b.blob(0.5, 0.72, 0.42, 0.45, 0.0, 0.22 if night else 0.3, "koi")
        for e in d.items(2, 5):
            cx, cy, r, ang = e.real(0.2, 0.8), e.real(0.6, 0.88), e.real(0.04, 0.075), e.real(0, 6.28)
            b.blob(cx, cy, r, 0.38, ang, 0.92, "koi")
            tx, ty = cx - math.cos(ang) * r * 1.1 * b.rx, cy - math.sin(ang) * r * 1.1 * b.ry
            spread = 0.5
            tail = [(tx, ty)] + [
                (tx - math.cos(ang + sgn * spread) * r * 0.8 * b.rx, ty - math.sin(ang + sgn * spread) * r * 0.8 * b.ry)
                for sgn in (-1, 1)
            ]
            scene.add("poly", 0.85, tail, role="koi")
    if "rain" in s:
        d = dice.child("rain", damp=TEXTURE)
        slant = d.real(-0.25, 0.25)
        for e in d.items(90, 160):
            x, y, length = e.real(-0.1, 1.1), e.real(0, 1), e.real(0.04, 0.09)
            scene.add("line", 0.82, ((x, y), (x + slant * length, y + length)), width=0.002, role="rain")
    if "snow" in s:
        d = dice.child("snow", damp=TEXTURE)
        if horizon is None:
            scene.add("poly", 0.92, [(-0.01, 0.86), (1.01, 0.82), (1.01, 1.01), (-0.01, 1.01)], role="snow")
        for e in d.items(100, 180):
            b.disc(e.real(0, 1), e.real(0, 1), e.real(0.002, 0.006), 0.97, "snow")
    return scene


def _abstract(b: _Builder, d: Dice) -> None:
    """No subjects: a few large soft forms so every style still has a composition to work on."""
    for e in d.items(2, 4):
        b.blob(e.real(0.15, 0.85), e.real(0.15, 0.85), e.real(0.15, 0.35), e.real(0.4, 1.0), e.real(0, 3.14),
               e.real(0.1, 0.95), "abstract")


def draw_shapes(draw: ImageDraw.ImageDraw, shapes: Sequence[Shape], canvas: Canvas, fill_of) -> None:
    """Draw shapes on a Pillow canvas; ``fill_of(shape)`` gives each one's fill."""
    w, h = canvas.width, canvas.height
    for sh in shapes:
        fill = fill_of(sh)
        if sh.kind == "ellipse":
            (cx, cy), (rx, ry) = sh.points
            draw.ellipse((cx * w - rx * w, cy * h - ry * h, cx * w + rx * w, cy * h + ry * h), fill=fill)
        elif sh.kind == "poly":
            draw.polygon([(x * w, y * h) for x, y in sh.points], fill=fill)
        else:
            width = max(1, round(canvas.px(sh.width)))
            draw.line([(x * w, y * h) for x, y in sh.points], fill=fill, width=width, joint="curve")


def tone_field(scene: Scene, canvas: Canvas, softness: float = 0.002) -> np.ndarray:
    """The scene as light (1) and dark (0), softened by ``softness`` short-side units."""
    # Small canvases draw at twice the size and shrink, so hairlines (rain) keep their true weight.
    ss = 2 if canvas.short < 1024 else 1
    big = Canvas(canvas.width * ss, canvas.height * ss, canvas.aspect)
    _, y = big.coords()
    sky = scene.sky_top + (scene.sky_bottom - scene.sky_top) * y
    base = np.broadcast_to(sky, big.shape).astype(F32)
    img = Image.fromarray(np.ascontiguousarray(base), mode="F")
    draw_shapes(ImageDraw.Draw(img), scene.shapes, big, lambda sh: sh.tone)
    if ss > 1:
        img = img.resize((canvas.width, canvas.height), Image.Resampling.BOX)
    return blur(np.asarray(img, dtype=F32), canvas.px(softness))
