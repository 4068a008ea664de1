"""A compact shape language: one parametric drawing per subject family, so 300 subjects are data.

Each family draws a side-view silhouette from a handful of primitives (ellipses, polygons,
thick lines) on a free local grid (u right, v up); :meth:`Pen.normalised` then fits the drawing
into a box one unit on its long side, base at v = 0, centred on u = 0.  Every primitive carries
a tone offset (−1 darker .. +1 lighter than the subject's own tone) so windows, sails and eyes
read inside a silhouette, while styles that only see the silhouette still get the whole shape.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

Point = tuple[float, float]


@dataclass(frozen=True)
class Prim:
    """One primitive in local units: ``poly`` (points), ``ell`` (centre, radii) or ``line`` (points, width)."""

    kind: str
    points: tuple[Point, ...]
    width: float = 0.0
    shade: float = 0.0


@dataclass
class Pen:
    prims: list[Prim] = field(default_factory=list)

    def ell(self, u: float, v: float, ru: float, rv: float, shade: float = 0.0) -> None:
        self.prims.append(Prim("ell", ((u, v), (abs(ru), abs(rv))), shade=shade))

    def disc(self, u: float, v: float, r: float, shade: float = 0.0) -> None:
        self.ell(u, v, r, r, shade)

    def poly(self, pts: list[Point], shade: float = 0.0) -> None:
        self.prims.append(Prim("poly", tuple(pts), shade=shade))

    def rect(self, u0: float, v0: float, u1: float, v1: float, shade: float = 0.0) -> None:
        self.poly([(u0, v0), (u1, v0), (u1, v1), (u0, v1)], shade)

    def line(self, pts: list[Point], width: float, shade: float = 0.0) -> None:
        self.prims.append(Prim("line", tuple(pts), width=width, shade=shade))

    def tilted(self, u: float, v: float, ru: float, rv: float, angle: float, shade: float = 0.0, n: int = 16) -> None:
        """A rotated ellipse, as a polygon."""
        ca, sa = math.cos(angle), math.sin(angle)
        pts = []
        for k in range(n):
            t = 2 * math.pi * k / n
            x, y = math.cos(t) * ru, math.sin(t) * rv
            pts.append((u + x * ca - y * sa, v + x * sa + y * ca))
        self.poly(pts, shade)

    def normalised(self) -> list[Prim]:
        """The drawing fitted to a box whose long side is 1, base at v = 0, centred on u = 0."""
        us: list[float] = []
        vs: list[float] = []
        for p in self.prims:
            if p.kind == "ell":
                (u, v), (ru, rv) = p.points
                us += [u - ru, u + ru]
                vs += [v - rv, v + rv]
            else:
                pad = p.width / 2
                us += [q[0] - pad for q in p.points] + [q[0] + pad for q in p.points]
                vs += [q[1] - pad for q in p.points] + [q[1] + pad for q in p.points]
        u0, u1, v0, v1 = min(us), max(us), min(vs), max(vs)
        scale = 1.0 / max(u1 - u0, v1 - v0, 1e-6)
        mid = (u0 + u1) / 2

        def fit(q: Point) -> Point:
            return ((q[0] - mid) * scale, (q[1] - v0) * scale)

        out = []
        for p in self.prims:
            if p.kind == "ell":
                (u, v), (ru, rv) = p.points
                out.append(Prim("ell", (fit((u, v)), (ru * scale, rv * scale)), shade=p.shade))
            else:
                out.append(Prim(p.kind, tuple(fit(q) for q in p.points), p.width * scale, p.shade))
        return out


Params = Mapping[str, Any]


def quadruped(p: Params, pen: Pen) -> None:
    """Four-legged animals facing right: body, legs, neck, head, snout, ears, tail, horns."""
    length, height, leg = p.get("length", 0.7), p.get("height", 0.3), p.get("leg", 0.28)
    neck, head, snout = p.get("neck", 0.12), p.get("head", 0.12), p.get("snout", 0.08)
    body_v = leg + height / 2
    pen.ell(0, body_v, length / 2, height / 2)
    thick = p.get("thick", 0.06)
    for du in (-0.36, -0.24, 0.24, 0.36):
        u = du * length
        shade = -0.25 if du in (-0.24, 0.24) else 0.0
        pen.rect(u - thick / 2, 0, u + thick / 2, body_v, shade)
    hu, hv = length * 0.48 + neck * 0.35, body_v + height * 0.3 + neck
    pen.poly([(length * 0.28, body_v + height * 0.35), (hu + head * 0.3, hv), (hu - head * 0.3, hv - head),
              (length * 0.3, body_v - height * 0.2)])
    pen.ell(hu, hv, head, head * 0.85)
    if snout:
        pen.ell(hu + head * 0.7 + snout * 0.4, hv - head * 0.3, snout * 0.8 + head * 0.2, head * 0.45)
    pen.disc(hu + head * 0.35, hv + head * 0.2, head * 0.14, -0.8)
    ears = p.get("ears", "point")
    if ears == "point":
        for du in (-0.45, 0.1):
            pen.poly([(hu + du * head, hv + head * 0.5), (hu + (du + 0.45) * head, hv + head * 0.6),
                      (hu + (du + 0.1) * head, hv + head * 1.5)])
    elif ears == "round":
        for du in (-0.55, 0.35):
            pen.disc(hu + du * head, hv + head * 0.8, head * 0.35)
    elif ears == "long":
        for du in (-0.35, 0.1):
            pen.tilted(hu + du * head, hv + head * 1.6, head * 0.22, head * 1.0, -0.2)
    elif ears == "flap":
        pen.tilted(hu - head * 0.6, hv - head * 0.2, head * 0.7, head * 0.9, 0.3, -0.15)
    tail = p.get("tail", "thin")
    tu, tv = -length * 0.5, body_v + height * 0.15
    if tail == "bushy":
        pen.tilted(tu - length * 0.2, tv - height * 0.2, length * 0.25, height * 0.28, 0.35, 0.25)
    elif tail == "thin":
        pen.line([(tu, tv), (tu - length * 0.15, tv - height * 0.3), (tu - length * 0.22, tv - height * 0.8)],
                 thick * 0.5)
    elif tail == "long":
        pen.line([(tu, tv), (tu - length * 0.35, tv - height * 0.5), (tu - length * 0.6, tv - height * 0.3)],
                 thick * 0.8)
    elif tail == "tuft":
        pen.disc(tu - length * 0.04, tv + height * 0.1, height * 0.15)
    horns = p.get("horns", "")
    if horns == "antler":
        for du in (-0.3, 0.2):
            base = (hu + du * head, hv + head * 0.7)
            top = (base[0] - head * 0.6, base[1] + head * 2.2)
            pen.line([base, top], thick * 0.35)
            for k in (0.35, 0.65):
                mid = (base[0] + (top[0] - base[0]) * k, base[1] + (top[1] - base[1]) * k)
                pen.line([mid, (mid[0] + head * 0.6, mid[1] + head * 0.5)], thick * 0.3)
    elif horns == "horn":
        pen.poly([(hu + head * 0.9, hv), (hu + head * 1.3, hv + head * 1.2), (hu + head * 1.25, hv - head * 0.1)])
    elif horns == "curl":
        pen.tilted(hu - head * 0.3, hv + head * 0.3, head * 0.5, head * 0.45, 0.0, -0.3)
    elif horns == "pair":
        for du in (-0.3, 0.3):
            pen.line([(hu + du * head, hv + head * 0.7), (hu + du * head - head * 0.5, hv + head * 1.4)], thick * 0.4)
    if p.get("trunk"):
        pen.line([(hu + head * 0.8, hv - head * 0.2), (hu + head * 1.1, hv - head * 1.4),
                  (hu + head * 0.9, hv - head * 2.2)], thick * 1.4)
    if p.get("hump"):
        pen.ell(-length * 0.05, body_v + height * 0.45, length * 0.22, height * 0.35)
    if p.get("mane"):
        pen.disc(hu - head * 0.1, hv - head * 0.1, head * 1.5, 0.2)
        pen.ell(hu, hv, head, head * 0.85)
    if p.get("stripes"):
        for k in range(5):
            u = -length * 0.3 + k * length * 0.14
            pen.line([(u, body_v + height * 0.45), (u + 0.02, body_v - height * 0.4)], thick * 0.35, -0.6)
    if p.get("wings"):
        pen.poly([(-length * 0.1, body_v + height * 0.3), (-length * 0.5, body_v + height * 2.0),
                  (length * 0.25, body_v + height * 1.4)], 0.15)
    if p.get("shell"):
        pen.ell(-length * 0.02, body_v + height * 0.2, length * 0.48, height * 0.7, 0.2)


def bird(p: Params, pen: Pen) -> None:
    """Birds (and winged insects): standing with folded wings, or flying with wings spread."""
    body, neck, beak, leg = p.get("body", 0.5), p.get("neck", 0.1), p.get("beak", 0.1), p.get("leg", 0.12)
    if p.get("insect"):
        pen.ell(0, 0.5, 0.25, 0.05)
        for side in (1, -1):
            pen.tilted(0.05, 0.5 + side * 0.18, 0.24, 0.14, side * 0.5, 0.25)
            pen.tilted(-0.12, 0.5 + side * 0.12, 0.16, 0.1, -side * 0.4, 0.1)
        return
    if p.get("flying"):
        pen.ell(0, 0.5, body * 0.5, body * 0.14)
        span = p.get("span", 1.0)
        for side in (1, -1):
            pen.poly([(-body * 0.15, 0.5), (-body * 0.05 - span * 0.25, 0.5 + side * span * 0.5),
                      (body * 0.25, 0.5 + side * span * 0.2), (body * 0.2, 0.5)], 0.1 * side)
        pen.disc(body * 0.5, 0.52, body * 0.12)
        pen.poly([(body * 0.6, 0.53), (body * 0.6 + beak, 0.5), (body * 0.6, 0.48)])
        pen.poly([(-body * 0.45, 0.5), (-body * 0.8, 0.56), (-body * 0.8, 0.44)])
        return
    bv = leg + body * 0.3
    pen.ell(0, bv, body * 0.5, body * 0.3)
    pen.tilted(-body * 0.1, bv + body * 0.05, body * 0.4, body * 0.18, 0.25, -0.25)
    hu, hv = body * 0.4 + neck * 0.4, bv + body * 0.25 + neck
    if neck > 0.15:
        pen.line([(body * 0.35, bv + body * 0.1), (hu - neck * 0.1, hv - neck * 0.5), (hu, hv)], body * 0.11)
    pen.disc(hu, hv, body * 0.17)
    pen.disc(hu + body * 0.06, hv + body * 0.05, body * 0.035, -0.8)
    pen.poly([(hu + body * 0.12, hv + body * 0.05), (hu + body * 0.12 + beak, hv - beak * 0.2),
              (hu + body * 0.1, hv - body * 0.08)], 0.3)
    pen.poly([(-body * 0.45, bv + body * 0.05), (-body * 0.5 - p.get("tail", 0.15), bv + body * 0.25),
              (-body * 0.5 - p.get("tail", 0.15), bv - body * 0.05)])
    if p.get("crest"):
        pen.poly([(hu - body * 0.1, hv + body * 0.12), (hu - body * 0.25, hv + body * 0.45), (hu + body * 0.05, hv)])
    if p.get("fan"):
        pen.ell(-body * 0.6, bv + body * 0.6, body * 0.55, body * 0.8, 0.3)
    if p.get("upright"):
        pen.ell(0, bv + body * 0.2, body * 0.3, body * 0.5)
        pen.ell(body * 0.05, bv + body * 0.1, body * 0.18, body * 0.38, 0.5)
    for du in (-0.08, 0.08):
        pen.line([(du, bv - body * 0.2), (du, 0)], body * 0.04)


def swimmer(p: Params, pen: Pen) -> None:
    """Fish and sea creatures: a body with tail and fins, or one of a few special forms."""
    form = p.get("form", "fish")
    if form == "octopus":
        pen.ell(0, 0.7, 0.22, 0.25)
        for k in range(6):
            u = -0.2 + k * 0.08
            pen.line([(u, 0.55), (u * 1.8, 0.3), (u * 2.2 + 0.05, 0.05)], 0.05)
        return
    if form == "jelly":
        pen.poly([(-0.3, 0.6)] + [(0.3 * math.cos(t), 0.6 + 0.3 * math.sin(t)) for t in
                                  (math.pi * k / 10 for k in range(11))])
        for k in range(5):
            u = -0.22 + k * 0.11
            pen.line([(u, 0.6), (u + 0.05, 0.35), (u - 0.03, 0.05)], 0.025, 0.2)
        return
    if form == "star":
        pts = []
        for k in range(10):
            r = 0.5 if k % 2 == 0 else 0.2
            t = math.pi / 2 + math.pi * k / 5
            pts.append((r * math.cos(t), 0.5 + r * math.sin(t)))
        pen.poly(pts)
        return
    if form == "crab":
        pen.ell(0, 0.35, 0.3, 0.17)
        for side in (1, -1):
            for k in range(3):
                pen.line([(side * 0.2, 0.3 - k * 0.03), (side * (0.38 + k * 0.05), 0.22), (side * (0.42 + k * 0.05),
                                                                                          0.05)], 0.03)
            pen.line([(side * 0.22, 0.42), (side * 0.35, 0.6)], 0.04)
            pen.ell(side * 0.38, 0.66, 0.1, 0.07)
        return
    if form == "seahorse":
        pen.line([(0, 0.9), (0.05, 0.7), (-0.05, 0.45), (0.05, 0.25), (-0.05, 0.1), (0.05, 0.05)], 0.12)
        pen.ell(0.05, 0.92, 0.1, 0.07)
        pen.line([(0.1, 0.92), (0.25, 0.88)], 0.05)
        return
    if form == "shell":
        for k in range(7):
            t = math.pi * (0.15 + 0.7 * k / 6)
            pen.poly([(0, 0.05), (0.45 * math.cos(t) - 0.03, 0.5 * math.sin(t)),
                      (0.45 * math.cos(t) + 0.05, 0.5 * math.sin(t))], 0.2 * (k % 2))
        pen.disc(0, 0.25, 0.3)
        return
    elong = p.get("elong", 0.35)
    pen.ell(0, 0.5, 0.5, 0.5 * elong)
    fork = p.get("fork", 0.18)
    pen.poly([(-0.45, 0.5), (-0.45 - fork * 1.2, 0.5 + fork), (-0.45 - fork * 0.7, 0.5),
              (-0.45 - fork * 1.2, 0.5 - fork)])
    fin = p.get("fin", 0.12)
    pen.poly([(-0.1, 0.5 + 0.45 * elong), (0.05 + p.get("fin_back", 0.0), 0.5 + 0.5 * elong + fin),
              (0.15, 0.5 + 0.45 * elong)])
    pen.poly([(0.05, 0.5 - 0.3 * elong), (-0.05, 0.5 - 0.5 * elong - fin * 0.6), (0.15, 0.5 - 0.4 * elong)], -0.2)
    pen.disc(0.33, 0.5 + 0.12 * elong, 0.025 + 0.02 * elong, -0.8)
    if p.get("spots"):
        for k in range(4):
            pen.disc(-0.25 + k * 0.14, 0.5 + (0.1 if k % 2 else -0.08) * elong, 0.06 * elong * 2, 0.45)
    if p.get("sword"):
        pen.poly([(0.45, 0.53), (0.95, 0.5), (0.45, 0.48)])
    if p.get("wide"):
        pen.tilted(0, 0.5, 0.35, 0.45, 0.0)


def figure(p: Params, pen: Pen) -> None:
    """People and figures, standing or in a pose, with optional dress, hat, wings or something held."""
    form = p.get("form", "person")
    if form == "ghost":
        pen.poly([(-0.3, 0.0), (-0.3, 0.7)] + [(0.3 * math.cos(t), 0.7 + 0.3 * math.sin(t))
                                              for t in (math.pi - math.pi * k / 10 for k in range(11))]
                 + [(0.3, 0.0), (0.15, 0.1), (0.0, 0.0), (-0.15, 0.1)])
        pen.disc(-0.1, 0.75, 0.05, -0.8)
        pen.disc(0.1, 0.75, 0.05, -0.8)
        return
    if form == "snowman":
        pen.disc(0, 0.2, 0.2)
        pen.disc(0, 0.52, 0.14)
        pen.disc(0, 0.75, 0.1)
        pen.poly([(0.08, 0.76), (0.25, 0.74), (0.08, 0.72)], -0.4)
        pen.rect(-0.1, 0.84, 0.1, 0.98, -0.6)
        return
    if form == "bust":
        pen.ell(0, 0.15, 0.45, 0.2, -0.2)
        pen.rect(-0.08, 0.25, 0.08, 0.42)
        pen.ell(0, 0.6, 0.2, 0.26)
        pen.disc(-0.07, 0.64, 0.025, -0.8)
        pen.disc(0.07, 0.64, 0.025, -0.8)
        pen.line([(-0.06, 0.5), (0.06, 0.5)], 0.015, -0.5)
        if p.get("hat"):
            pen.ell(0, 0.82, 0.3, 0.05, -0.4)
            pen.rect(-0.15, 0.82, 0.15, 0.98, -0.4)
        if p.get("beard"):
            pen.ell(0, 0.42, 0.14, 0.12, 0.3)
        return
    pose = p.get("pose", "stand")
    bulk = p.get("bulk", 1.0)
    head_v = 0.9
    if form == "robot":
        pen.rect(-0.15, 0.35, 0.15, 0.75)
        pen.rect(-0.11, 0.78, 0.11, 0.95)
        pen.disc(-0.05, 0.87, 0.025, 0.8)
        pen.disc(0.05, 0.87, 0.025, 0.8)
        pen.rect(-0.12, 0.0, -0.04, 0.35)
        pen.rect(0.04, 0.0, 0.12, 0.35)
        pen.rect(-0.25, 0.4, -0.17, 0.72)
        pen.rect(0.17, 0.4, 0.25, 0.72)
        pen.line([(0, 0.95), (0, 1.02)], 0.015)
        return
    pen.disc(0, head_v, 0.075)
    pen.poly([(-0.1 * bulk, 0.45), (-0.12 * bulk, 0.78), (0.12 * bulk, 0.78), (0.1 * bulk, 0.45)])
    if form == "mermaid":
        pen.poly([(-0.1, 0.45), (0.1, 0.45), (0.05, 0.15), (0.2, 0.02), (-0.1, 0.08), (-0.05, 0.15)], 0.1)
    elif p.get("dress"):
        pen.poly([(-0.1, 0.55), (0.1, 0.55), (0.22, 0.1), (-0.22, 0.1)], 0.1)
        pen.rect(-0.06, 0.0, -0.02, 0.12)
        pen.rect(0.02, 0.0, 0.06, 0.12)
    elif pose == "sit":
        pen.poly([(-0.1, 0.45), (0.2, 0.45), (0.2, 0.38), (-0.1, 0.38)])
        pen.rect(0.14, 0.0, 0.2, 0.4)
        pen.rect(-0.2, 0.0, 0.3, 0.05, -0.3)
    else:
        stride = 0.12 if pose in ("walk", "run", "dance") else 0.03
        pen.line([(-0.04, 0.47), (-0.04 - stride, 0.0)], 0.065)
        pen.line([(0.04, 0.47), (0.04 + stride, 0.0)], 0.065)
    arms = {"stand": (-0.35, -0.35), "walk": (-0.5, -0.2), "dance": (0.4, -0.3), "reach": (0.6, 0.6),
            "run": (0.3, -0.5), "sit": (-0.2, -0.2), "play": (-0.1, 0.1)}[pose if pose != "sit" else "sit"]
    for side, lift in ((-1, arms[0]), (1, arms[1])):
        pen.line([(side * 0.11, 0.74), (side * 0.2, 0.74 + lift * 0.35), (side * 0.24, 0.62 + lift * 0.55)], 0.05)
    hat = p.get("hat", "")
    if hat == "brim":
        pen.ell(0, head_v + 0.06, 0.15, 0.025, -0.3)
        pen.rect(-0.07, head_v + 0.06, 0.07, head_v + 0.14, -0.3)
    elif hat == "cone":
        pen.poly([(-0.1, head_v + 0.05), (0.1, head_v + 0.05), (0.0, head_v + 0.3)], -0.3)
    elif hat == "crown":
        pen.poly([(-0.07, head_v + 0.05), (-0.08, head_v + 0.16), (-0.03, head_v + 0.1), (0, head_v + 0.17),
                  (0.03, head_v + 0.1), (0.08, head_v + 0.16), (0.07, head_v + 0.05)], 0.5)
    elif hat == "helmet":
        pen.ell(0, head_v + 0.02, 0.09, 0.08, 0.3)
    if p.get("hair"):
        pen.poly([(-0.08, head_v + 0.04), (0.08, head_v + 0.04), (0.11, head_v - 0.2), (-0.11, head_v - 0.2)], -0.2)
    if p.get("wings"):
        for side in (-1, 1):
            pen.tilted(side * 0.25, 0.75, 0.2, 0.1, side * 0.6, 0.3)
    hold = p.get("hold", "")
    if hold == "staff":
        pen.line([(0.25, 0.0), (0.25, 1.05)], 0.025)
    elif hold == "umbrella":
        pen.line([(0.22, 0.6), (0.22, 1.15)], 0.02)
        pen.poly([(0.22 + 0.3 * math.cos(t), 1.1 + 0.15 * math.sin(t)) for t in
                  (math.pi * k / 10 for k in range(11))], -0.2)
    elif hold == "guitar":
        pen.tilted(0.05, 0.52, 0.14, 0.1, 0.5, 0.3)
        pen.line([(0.12, 0.56), (0.35, 0.75)], 0.03, 0.3)
    elif hold == "sword":
        pen.line([(0.24, 0.62), (0.45, 1.0)], 0.025, 0.5)
    elif hold == "rod":
        pen.line([(0.24, 0.62), (0.6, 1.05), (0.65, 0.5)], 0.012)
    elif hold == "board":
        pen.tilted(0.3, 0.5, 0.06, 0.45, 0.2, 0.2)
    elif hold == "ball":
        pen.disc(0.28, 0.6, 0.07, 0.3)


def building(p: Params, pen: Pen) -> None:
    """Buildings: a body with a roof (gable, flat, dome, spire, cone, onion), windows and extras."""
    form = p.get("form", "box")
    w, h = p.get("w", 0.6), p.get("h", 0.5)
    if form == "lighthouse":
        pen.poly([(-0.12, 0), (0.12, 0), (0.075, 0.72), (-0.075, 0.72)])
        for k in range(3):
            v = 0.12 + k * 0.22
            pen.poly([(-0.12 + v * 0.06, v), (0.12 - v * 0.06, v), (0.115 - (v + 0.09) * 0.06, v + 0.09),
                      (-0.115 + (v + 0.09) * 0.06, v + 0.09)], 0.5)
        pen.rect(-0.1, 0.72, 0.1, 0.75, -0.3)
        pen.rect(-0.06, 0.75, 0.06, 0.85, 0.9)
        pen.poly([(-0.08, 0.85), (0.08, 0.85), (0.0, 0.95)], -0.3)
        pen.poly([(0.05, 0.81), (0.55, 0.9), (0.55, 0.74)], 0.7)
        return
    if form == "windmill":
        pen.poly([(-0.12, 0), (0.12, 0), (0.07, 0.55), (-0.07, 0.55)])
        pen.poly([(-0.09, 0.55), (0.09, 0.55), (0, 0.65)])
        for k in range(4):
            t = math.pi / 4 + k * math.pi / 2
            pen.line([(0, 0.58), (0.4 * math.cos(t), 0.58 + 0.4 * math.sin(t))], 0.05, 0.2)
        return
    if form == "pyramid":
        pen.poly([(-0.5, 0), (0.5, 0), (0.0, 0.55)])
        pen.poly([(0.0, 0.55), (0.5, 0), (0.15, 0)], -0.25)
        return
    if form == "bridge":
        pen.rect(-0.5, 0.3, 0.5, 0.36)
        for k in range(3):
            c = -0.33 + k * 0.33
            pen.poly([(c - 0.17, 0.3)] + [(c + 0.15 * math.cos(t), 0.3 - 0.22 * math.sin(t) * 0 - 0.0)
                                           for t in (math.pi * j / 8 for j in range(9))])
            pen.rect(c + 0.13, 0.0, c + 0.18, 0.3)
        pen.rect(-0.52, 0.0, -0.47, 0.3)
        pen.line([(-0.5, 0.44), (0.5, 0.44)], 0.015)
        return
    if form == "dome":
        pen.poly([(0.5 * math.cos(t), 0.5 * math.sin(t)) for t in (math.pi * k / 16 for k in range(17))])
        pen.poly([(-0.08, 0), (0.08, 0), (0.08, 0.14), (-0.08, 0.14)], -0.6)
        return
    if form == "tent":
        pen.poly([(-0.45, 0), (0.45, 0), (0, 0.6)])
        pen.poly([(-0.08, 0), (0.08, 0), (0, 0.3)], -0.6)
        return
    if form == "arch":
        pen.rect(-0.4, 0, -0.2, 0.6)
        pen.rect(0.2, 0, 0.4, 0.6)
        pen.poly([(-0.4, 0.6)] + [(0.4 * math.cos(t), 0.6 + 0.3 * math.sin(t))
                                  for t in (math.pi - math.pi * k / 12 for k in range(13))])
        return
    if form == "ruins":
        for k, height in enumerate((0.7, 0.45, 0.85, 0.3)):
            u = -0.4 + k * 0.26
            pen.rect(u, 0, u + 0.1, height)
        pen.rect(-0.45, 0.7, 0.0, 0.78)
        return
    if form == "fountain":
        pen.ell(0, 0.08, 0.45, 0.08)
        pen.rect(-0.45, 0.0, 0.45, 0.1)
        pen.rect(-0.04, 0.1, 0.04, 0.45)
        pen.ell(0, 0.45, 0.2, 0.04)
        for side in (-1, 1):
            pen.line([(0, 0.5), (side * 0.2, 0.7), (side * 0.35, 0.15)], 0.02, 0.6)
        return
    if form == "skyline":
        u = -0.5
        for k in range(p.get("n", 7)):
            bw = 0.1 + 0.05 * ((k * 7) % 3)
            bh = h * (0.4 + 0.6 * (((k * 5 + 3) % 7) / 6))
            pen.rect(u, 0, u + bw, bh, -0.05 * (k % 3))
            for j in range(int(bh / 0.1)):
                pen.rect(u + bw * 0.3, 0.05 + j * 0.1, u + bw * 0.6, 0.09 + j * 0.1, 0.7)
            if p.get("roofs"):
                pen.poly([(u - 0.01, bh), (u + bw + 0.01, bh), (u + bw / 2, bh + 0.08)], -0.15)
            u += bw + 0.02
        return
    if form == "castle":
        pen.rect(-0.35, 0, 0.35, 0.35)
        for u in (-0.45, 0.3):
            pen.rect(u, 0, u + 0.15, 0.55)
            pen.poly([(u - 0.02, 0.55), (u + 0.17, 0.55), (u + 0.075, 0.72)], -0.2)
        for k in range(5):
            pen.rect(-0.3 + k * 0.13, 0.35, -0.24 + k * 0.13, 0.41)
        pen.poly([(-0.07, 0), (0.07, 0), (0.07, 0.15), (0, 0.2), (-0.07, 0.15)], -0.6)
        return
    pen.rect(-w / 2, 0, w / 2, h)
    roof = p.get("roof", "gable")
    if roof == "gable":
        pen.poly([(-w / 2 - 0.04, h), (w / 2 + 0.04, h), (0, h + w * 0.45)], -0.2)
    elif roof == "dome":
        pen.poly([(w * 0.4 * math.cos(t), h + w * 0.4 * math.sin(t)) for t in (math.pi * k / 12 for k in range(13))],
                 0.1)
    elif roof == "spire":
        pen.poly([(-w * 0.15, h), (w * 0.15, h), (0, h + w * 1.2)], -0.2)
    elif roof == "onion":
        pen.poly([(-w * 0.2, h), (-w * 0.35, h + w * 0.25), (0, h + w * 0.7), (w * 0.35, h + w * 0.25), (w * 0.2, h)],
                 0.1)
    elif roof == "pagoda":
        for k in range(3):
            v = h * (0.33 * (k + 1))
            pen.poly([(-w / 2 - 0.12 + k * 0.06, v), (w / 2 + 0.12 - k * 0.06, v), (w / 2 - 0.05 - k * 0.08, v + 0.08),
                      (-w / 2 + 0.05 + k * 0.08, v + 0.08)], -0.25)
        pen.line([(0, h + 0.05), (0, h + 0.25)], 0.02)
    elif roof == "steps":
        pen.rect(-w * 0.35, h, w * 0.35, h + 0.08)
        pen.rect(-w * 0.2, h + 0.08, w * 0.2, h + 0.16)
    elif roof == "round":
        pen.poly([(w / 2 * math.cos(t), h + w * 0.5 * math.sin(t)) for t in (math.pi * k / 12 for k in range(13))])
    if p.get("tower"):
        pen.rect(w / 2 - 0.12, 0, w / 2 + 0.02, h * 1.5)
        pen.poly([(w / 2 - 0.14, h * 1.5), (w / 2 + 0.04, h * 1.5), (w / 2 - 0.05, h * 1.5 + 0.25)], -0.2)
    rows, cols = p.get("rows", 2), p.get("cols", 2)
    for r in range(rows):
        for c in range(cols):
            u = -w / 2 + w * (c + 0.5) / cols
            v = h * (r + 0.5) / (rows + 0.3) + 0.05
            pen.rect(u - w * 0.12 / cols * 2, v - h * 0.1 / rows * 1.5, u + w * 0.12 / cols * 2,
                     v + h * 0.1 / rows * 1.5, 0.6)
    if p.get("door", True) and form == "box":
        pen.rect(-w * 0.08, 0, w * 0.08, min(h * 0.45, 0.18), -0.6)
    if p.get("chimney"):
        pen.rect(w * 0.2, h + w * 0.1, w * 0.3, h + w * 0.35, -0.1)


def vehicle(p: Params, pen: Pen) -> None:
    """Land, air and space vehicles facing right."""
    form = p.get("form", "car")
    if form == "bike":
        for u in (-0.3, 0.3):
            pen.ell(u, 0.2, 0.2, 0.2, -0.3)
            pen.ell(u, 0.2, 0.14, 0.14, 0.6)
        pen.line([(-0.3, 0.2), (-0.05, 0.45), (0.22, 0.45), (0.3, 0.2)], 0.04)
        pen.line([(-0.05, 0.45), (0.0, 0.2), (-0.3, 0.2)], 0.04)
        pen.line([(0.22, 0.45), (0.2, 0.6), (0.3, 0.62)], 0.035)
        if p.get("motor"):
            pen.ell(0.0, 0.32, 0.15, 0.1)
        return
    if form == "plane":
        pen.ell(0, 0.5, 0.5, 0.07)
        pen.poly([(-0.05, 0.5), (-0.2, 0.15), (-0.1, 0.15), (0.15, 0.5)], -0.2)
        pen.poly([(-0.38, 0.5), (-0.48, 0.72), (-0.42, 0.72), (-0.3, 0.52)])
        for k in range(6):
            pen.disc(0.05 + k * 0.05, 0.52, 0.012, 0.7)
        return
    if form == "heli":
        pen.ell(0.05, 0.4, 0.22, 0.15)
        pen.line([(-0.15, 0.42), (-0.5, 0.45)], 0.05)
        pen.line([(-0.4, 0.62), (0.5, 0.62)], 0.025)
        pen.line([(0.05, 0.55), (0.05, 0.62)], 0.03)
        pen.line([(-0.1, 0.2), (0.2, 0.2)], 0.02)
        pen.ell(0.12, 0.44, 0.08, 0.07, 0.6)
        return
    if form == "rocket":
        pen.poly([(-0.1, 0.1), (0.1, 0.1), (0.1, 0.7), (0, 0.95), (-0.1, 0.7)])
        pen.poly([(-0.1, 0.1), (-0.22, 0.0), (-0.1, 0.35)], -0.2)
        pen.poly([(0.1, 0.1), (0.22, 0.0), (0.1, 0.35)], -0.2)
        pen.disc(0, 0.6, 0.05, 0.7)
        pen.poly([(-0.07, 0.1), (0.07, 0.1), (0, -0.12)], 0.8)
        return
    if form == "balloon":
        pen.ell(0, 0.62, 0.32, 0.36)
        for k in (-1, 0, 1):
            pen.line([(k * 0.18, 0.35), (k * 0.2, 0.9)], 0.03, 0.3)
        pen.line([(-0.15, 0.3), (-0.07, 0.12)], 0.012)
        pen.line([(0.15, 0.3), (0.07, 0.12)], 0.012)
        pen.rect(-0.08, 0.0, 0.08, 0.12, -0.3)
        return
    if form == "airship":
        pen.ell(0, 0.5, 0.5, 0.18)
        pen.rect(-0.1, 0.25, 0.12, 0.32, -0.3)
        pen.poly([(-0.45, 0.5), (-0.55, 0.72), (-0.35, 0.55)])
        return
    if form == "ufo":
        pen.ell(0, 0.4, 0.5, 0.1)
        pen.ell(0, 0.5, 0.2, 0.14, 0.4)
        for k in range(-2, 3):
            pen.disc(k * 0.16, 0.38, 0.03, 0.8)
        pen.poly([(-0.12, 0.32), (0.12, 0.32), (0.35, 0.0), (-0.35, 0.0)], 0.6)
        return
    if form == "sub":
        pen.ell(0, 0.3, 0.5, 0.14)
        pen.rect(-0.05, 0.4, 0.12, 0.55)
        pen.line([(0.05, 0.55), (0.05, 0.68)], 0.02)
        for k in range(3):
            pen.disc(-0.2 + k * 0.15, 0.3, 0.03, 0.6)
        return
    if form == "sled":
        pen.rect(-0.4, 0.12, 0.3, 0.22)
        pen.line([(-0.45, 0.03), (0.35, 0.03), (0.45, 0.12)], 0.03)
        for u in (-0.3, 0.2):
            pen.line([(u, 0.03), (u, 0.12)], 0.03)
        return
    length, height = p.get("length", 0.9), p.get("height", 0.25)
    wheel = p.get("wheel", 0.09)
    pen.rect(-length / 2, wheel, length / 2, wheel + height)
    cabin = p.get("cabin", 0.5)
    if cabin:
        cu = p.get("cabin_at", 0.0)
        pen.poly([(cu - length * cabin / 2, wheel + height), (cu - length * cabin / 2 + 0.06, wheel + height * 1.9),
                  (cu + length * cabin / 2 - 0.08, wheel + height * 1.9), (cu + length * cabin / 2, wheel + height)])
        pen.rect(cu - length * cabin / 2 + 0.07, wheel + height * 1.1, cu + length * cabin / 2 - 0.09,
                 wheel + height * 1.75, 0.6)
    windows = p.get("windows", 0)
    for k in range(windows):
        u = -length / 2 + length * (k + 0.5) / windows
        pen.rect(u - 0.03, wheel + height * 0.45, u + 0.03, wheel + height * 0.85, 0.6)
    n = p.get("wheels", 2)
    for k in range(n):
        u = -length / 2 + length * (k + 0.5) / n
        pen.disc(u, wheel, wheel, -0.5)
        pen.disc(u, wheel, wheel * 0.45, 0.4)
    if p.get("funnel"):
        pen.rect(length * 0.3, wheel + height, length * 0.4, wheel + height * 1.8)
    if p.get("track"):
        pen.rect(-length / 2, 0, length / 2, wheel * 1.4, -0.4)
        pen.line([(0.0, wheel + height * 1.4), (length * 0.6, wheel + height * 1.5)], 0.04)
    if p.get("horse"):
        quadruped({"length": 0.4, "height": 0.16, "leg": 0.18, "neck": 0.1, "head": 0.06}, pen)


def boat(p: Params, pen: Pen) -> None:
    """Boats and ships facing right: a hull, masts with sails, a cabin, a funnel or oars."""
    length, depth = p.get("length", 1.0), p.get("depth", 0.12)
    bow = p.get("bow", 0.12)
    pen.poly([(-length / 2, depth), (length / 2 + bow, depth * 1.2), (length / 2 - bow, 0),
              (-length / 2 + bow * 0.5, 0)])
    sails = p.get("sails", 1)
    for k in range(sails):
        u = -length * 0.25 + k * length * 0.5 / max(1, sails - 1) if sails > 1 else 0.0
        mast = p.get("mast", 0.8) * (1 - 0.15 * abs(k - (sails - 1) / 2))
        pen.line([(u, depth), (u, depth + mast)], 0.015)
        if p.get("square"):
            for j in range(3):
                v = depth + mast * (0.25 + j * 0.25)
                pen.poly([(u - 0.12, v), (u + 0.12, v), (u + 0.1, v + mast * 0.2), (u - 0.1, v + mast * 0.2)], 0.6)
        else:
            pen.poly([(u + 0.01, depth + 0.04), (u + 0.01, depth + mast), (u + length * 0.35, depth + 0.04)], 0.7)
            if p.get("jib"):
                pen.poly([(u - 0.01, depth + 0.06), (u - 0.01, depth + mast * 0.85), (u - length * 0.25, depth + 0.06)],
                         0.55)
    if p.get("cabin"):
        pen.rect(-length * 0.2, depth, length * 0.15, depth + p.get("cabin") * 0.4, 0.1)
        for k in range(3):
            pen.disc(-length * 0.14 + k * length * 0.1, depth + p.get("cabin") * 0.25, 0.02, 0.7)
    if p.get("funnel"):
        pen.rect(length * 0.02, depth + 0.1, length * 0.12, depth + 0.35, -0.3)
    if p.get("oars"):
        for k in range(-1, 2):
            pen.line([(k * 0.15, depth), (k * 0.15 - 0.12, -0.12)], 0.015)
        pen.disc(0.0, depth + 0.07, 0.06, -0.2)
    if p.get("curl"):
        pen.line([(length / 2 + bow, depth * 1.2), (length / 2 + bow + 0.05, depth + 0.2)], 0.03)
        pen.line([(-length / 2, depth), (-length / 2 - 0.03, depth + 0.18)], 0.03)


def plant(p: Params, pen: Pen) -> None:
    """Trees, shrubs and flowers: a trunk or stem under a crown of one of several forms."""
    form = p.get("form", "round")
    if form == "flower":
        petals, size = p.get("petals", 6), p.get("size", 0.18)
        top = p.get("stem", 0.6)
        pen.line([(0, 0), (0.02, top * 0.5), (0, top)], 0.03, -0.3)
        pen.tilted(0.1, top * 0.35, 0.08, 0.035, 0.5, -0.3)
        for k in range(petals):
            t = 2 * math.pi * k / petals
            pen.tilted(math.cos(t) * size * 0.6, top + math.sin(t) * size * 0.6, size * 0.5, size * 0.25, t, 0.3)
        pen.disc(0, top, size * 0.35, -0.3)
        return
    if form == "tulip":
        pen.line([(0, 0), (0, 0.55)], 0.03, -0.3)
        pen.poly([(-0.1, 0.6), (-0.12, 0.8), (-0.05, 0.72), (0, 0.85), (0.05, 0.72), (0.12, 0.8), (0.1, 0.6),
                  (0, 0.52)], 0.3)
        pen.tilted(-0.08, 0.25, 0.12, 0.04, -0.8, -0.3)
        return
    if form == "mushroom":
        pen.rect(-0.08, 0, 0.08, 0.35, 0.3)
        pen.poly([(0.4 * math.cos(t), 0.3 + 0.35 * math.sin(t)) for t in (math.pi * k / 12 for k in range(13))])
        for u in (-0.2, 0.05, 0.22):
            pen.disc(u, 0.45 + abs(u) * -0.3, 0.05, 0.6)
        return
    if form == "cactus":
        pen.rect(-0.09, 0, 0.09, 0.85)
        pen.disc(0, 0.85, 0.09)
        pen.line([(-0.09, 0.4), (-0.28, 0.4), (-0.28, 0.65)], 0.11)
        pen.line([(0.09, 0.5), (0.25, 0.5), (0.25, 0.72)], 0.11)
        return
    if form == "grass":
        for k in range(9):
            u = -0.4 + k * 0.1
            pen.line([(u, 0), (u + 0.05 * ((k % 3) - 1), 0.4 + 0.3 * ((k * 7) % 4) / 3)], 0.03, 0.1 * (k % 2))
            if p.get("ears"):
                pen.tilted(u + 0.05 * ((k % 3) - 1), 0.45 + 0.3 * ((k * 7) % 4) / 3, 0.03, 0.09, 0.1, 0.3)
        return
    if form == "bamboo":
        for u in (-0.2, 0.0, 0.2):
            pen.rect(u - 0.03, 0, u + 0.03, 0.95)
            for k in range(4):
                pen.rect(u - 0.04, 0.2 + k * 0.22, u + 0.04, 0.22 + k * 0.22, -0.3)
                pen.tilted(u + 0.1, 0.25 + k * 0.22, 0.1, 0.025, 0.5, 0.2)
        return
    if form == "pumpkin":
        for u in (-0.2, 0.2, 0.0):
            pen.ell(u, 0.28, 0.25, 0.28, 0.1 if u else 0.0)
        pen.rect(-0.03, 0.52, 0.03, 0.65, -0.4)
        return
    if form == "fruit":
        r = p.get("size", 0.3)
        pen.ell(0, r, r, r * p.get("squash", 1.0))
        pen.line([(0, r * 1.9), (0.03, r * 2.3)], 0.03, -0.4)
        pen.tilted(0.12, r * 2.1, 0.12, 0.05, 0.4, -0.3)
        return
    if form == "leaf":
        pen.poly([(0, 0)] + [(0.25 * math.sin(t), 0.5 - 0.5 * math.cos(t)) for t in
                             (math.pi * k / 8 for k in range(9))]
                 + [(-0.25 * math.sin(t), 0.5 + 0.5 * math.cos(t)) for t in (math.pi * k / 8 for k in range(9))])
        pen.line([(0, 0), (0, 0.9)], 0.015, -0.3)
        return
    trunk = p.get("trunk", 0.35)
    tw = p.get("trunk_w", 0.06)
    pen.poly([(-tw, 0), (tw, 0), (tw * 0.6, trunk + 0.1), (-tw * 0.6, trunk + 0.1)], -0.3)
    if form == "round":
        r = p.get("crown", 0.32)
        for du, dv, k in ((0, 0.0, 1.0), (-0.5, -0.3, 0.7), (0.5, -0.25, 0.75), (0.1, 0.35, 0.7)):
            pen.disc(du * r, trunk + r + dv * r, r * k, 0.05 * dv)
    elif form == "cone":
        tiers = p.get("tiers", 3)
        height = p.get("crown", 0.8)
        for k in range(tiers):
            v = trunk * 0.5 + k * height / (tiers + 0.5)
            wdt = 0.32 * (1 - k / (tiers + 1))
            pen.poly([(-wdt, v), (wdt, v), (0, v + height / tiers * 1.4)], 0.06 * k)
    elif form == "column":
        pen.ell(0, trunk + 0.35, 0.1, 0.45)
    elif form == "palm":
        top = (0.1, trunk + 0.5)
        pen.line([(0, 0), (0.05, trunk), top], 0.045, -0.2)
        for k in range(7):
            t = math.pi * (0.05 + 0.9 * k / 6)
            end = (top[0] + 0.4 * math.cos(t), top[1] + 0.12 * math.sin(t) - 0.12)
            pen.poly([top, ((top[0] + end[0]) / 2, top[1] + 0.12), end, ((top[0] + end[0]) / 2, top[1] + 0.04)])
    elif form == "weeping":
        r = 0.35
        pen.ell(0, trunk + 0.3, r, 0.22)
        for k in range(9):
            u = -r + k * r / 4
            pen.line([(u, trunk + 0.3), (u * 1.15, trunk * 0.3)], 0.04, 0.1 * (k % 2))
    elif form == "bush":
        for du in (-0.25, 0.0, 0.25):
            pen.disc(du, 0.2 + (0.08 if du == 0 else 0), 0.2)
    elif form == "blossom":
        r = p.get("crown", 0.3)
        pen.line([(0, trunk), (-0.25, trunk + 0.25)], 0.04, -0.3)
        pen.line([(0, trunk), (0.25, trunk + 0.3)], 0.04, -0.3)
        for du, dv in ((0, 0.1), (-0.3, 0.25), (0.3, 0.3), (-0.1, 0.4), (0.15, 0.45)):
            pen.disc(du, trunk + dv + 0.1, r * 0.45, 0.35)
    elif form == "baobab":
        pen.poly([(-0.15, 0), (0.15, 0), (0.1, trunk + 0.2), (-0.1, trunk + 0.2)], -0.3)
        for k in range(5):
            t = math.pi * (0.15 + 0.7 * k / 4)
            pen.line([(0, trunk + 0.15), (0.35 * math.cos(t), trunk + 0.15 + 0.2 * math.sin(t))], 0.04, -0.2)
        pen.ell(0, trunk + 0.35, 0.38, 0.08)
    if p.get("fruit"):
        for du, dv in ((-0.15, 0.3), (0.12, 0.4), (0.0, 0.55)):
            pen.disc(du, trunk + dv, 0.04, 0.5)


def instrument(p: Params, pen: Pen) -> None:
    """Musical instruments in their most recognisable view."""
    form = p.get("form", "guitar")
    if form in ("guitar", "violin"):
        scale = p.get("scale", 1.0)
        lower, upper = (0.22, 0.16) if form == "guitar" else (0.2, 0.15)
        pen.disc(0, lower, lower * scale)
        pen.disc(0, lower * 2 + upper * 0.4, upper * scale)
        if form == "violin":
            pen.ell(0, lower * 1.45, lower * 0.55, lower * 0.3)
            for side in (-1, 1):
                pen.line([(side * 0.05, lower * 1.1), (side * 0.07, lower * 1.4)], 0.012, -0.6)
        else:
            pen.disc(0, lower * 1.35, 0.06, -0.7)
        pen.rect(-0.03, lower, 0.03, 0.9, -0.2)
        pen.rect(-0.05, 0.88, 0.05, 1.0, -0.1)
        for k in (-1, 0, 1):
            pen.line([(k * 0.012, lower * 0.5), (k * 0.012, 0.9)], 0.004, 0.6)
        if p.get("endpin"):
            pen.line([(0, 0), (0, -0.12)], 0.015)
        if p.get("bow"):
            pen.line([(-0.35, 0.2), (0.3, 0.55)], 0.012, 0.3)
        if p.get("round"):
            pen.disc(0, lower, lower * 1.2, 0.2)
        return
    if form == "harp":
        pen.poly([(-0.3, 0), (-0.2, 0), (0.3, 0.8), (0.25, 0.9)])
        pen.line([(-0.3, 0.0), (-0.35, 0.9), (0.25, 0.9)], 0.05)
        for k in range(8):
            v = 0.1 + k * 0.1
            pen.line([(-0.33, v), (-0.25 + (v / 0.8) * 0.5, v)], 0.006, 0.5)
        return
    if form == "piano":
        if p.get("grand"):
            pen.poly([(-0.5, 0.4), (0.35, 0.4), (0.5, 0.5), (0.2, 0.6), (-0.5, 0.5)])
            pen.line([(-0.3, 0.5), (0.1, 0.85)], 0.02)
            for u in (-0.45, 0.0, 0.4):
                pen.rect(u, 0, u + 0.04, 0.4, -0.3)
        else:
            pen.rect(-0.45, 0, 0.45, 0.7)
            pen.rect(-0.5, 0.4, 0.5, 0.46, 0.8)
        for k in range(12):
            pen.rect(-0.44 + k * 0.075, 0.42 if p.get("grand") is None else 0.4, -0.42 + k * 0.075, 0.46, -0.8)
        return
    if form == "drum":
        pen.rect(-0.35, 0.1, 0.35, 0.5)
        pen.ell(0, 0.5, 0.35, 0.1, 0.5)
        pen.ell(0, 0.1, 0.35, 0.08, -0.2)
        for k in range(5):
            u = -0.3 + k * 0.15
            pen.line([(u, 0.12), (u + 0.08, 0.48)], 0.012, 0.4)
        pen.line([(0.2, 0.7), (0.5, 0.9)], 0.02)
        return
    if form == "horn":
        length = p.get("length", 0.9)
        pen.rect(-length / 2, 0.46, length / 2 - 0.2, 0.52)
        pen.poly([(length / 2 - 0.25, 0.49), (length / 2, 0.32), (length / 2, 0.66)])
        pen.line([(-length / 2 + 0.1, 0.46), (-length / 2 + 0.1, 0.32), (length / 2 - 0.3, 0.32),
                  (length / 2 - 0.3, 0.46)], 0.04)
        for k in range(3):
            pen.rect(-0.05 + k * 0.06, 0.52, -0.02 + k * 0.06, 0.62)
        return
    if form == "sax":
        pen.line([(0.0, 0.95), (0.05, 0.85), (0.05, 0.25), (0.15, 0.08), (0.3, 0.15)], 0.08)
        pen.poly([(0.25, 0.1), (0.4, 0.32), (0.22, 0.3)])
        for k in range(5):
            pen.disc(0.05, 0.35 + k * 0.1, 0.025, 0.6)
        return
    if form == "flute":
        pen.rect(-0.5, 0.47, 0.5, 0.53)
        for k in range(6):
            pen.disc(-0.1 + k * 0.08, 0.5, 0.012, -0.8)
        if p.get("bell"):
            pen.poly([(0.45, 0.5), (0.55, 0.42), (0.55, 0.58)])
        return
    if form == "accordion":
        pen.rect(-0.45, 0.1, -0.3, 0.6)
        pen.rect(0.3, 0.1, 0.45, 0.6)
        for k in range(8):
            u = -0.3 + k * 0.075
            pen.poly([(u, 0.12), (u + 0.0375, 0.08), (u + 0.075, 0.12), (u + 0.075, 0.58), (u + 0.0375, 0.62),
                      (u, 0.58)], -0.15 * (k % 2))
        return
    if form == "bell":
        pen.poly([(-0.35, 0.0), (-0.25, 0.2), (-0.2, 0.6), (0, 0.75), (0.2, 0.6), (0.25, 0.2), (0.35, 0.0)])
        pen.disc(0, 0.0, 0.07, -0.4)
        pen.line([(0, 0.75), (0, 0.85)], 0.04)
        return
    if form == "mic":
        pen.ell(0, 0.8, 0.09, 0.13)
        pen.line([(0, 0.7), (0, 0.05)], 0.03)
        pen.ell(0, 0.03, 0.2, 0.03)
        return
    if form == "headphones":
        pen.line([(-0.3, 0.35)] + [(0.3 * math.cos(t), 0.35 + 0.45 * math.sin(t)) for t in
                                   (math.pi - math.pi * k / 10 for k in range(11))], 0.05)
        for u in (-0.3, 0.3):
            pen.ell(u, 0.3, 0.09, 0.16)
        return
    if form == "record":
        pen.disc(0, 0.5, 0.5, -0.2)
        for r in (0.42, 0.34, 0.26):
            pen.ell(0, 0.5, r, r, -0.1 + r * 0.2)
        pen.disc(0, 0.5, 0.14, 0.6)
        return
    if form == "keyboard":
        pen.rect(-0.5, 0.2, 0.5, 0.45)
        for k in range(14):
            pen.rect(-0.48 + k * 0.068, 0.22, -0.43 + k * 0.068, 0.34, 0.8)
        for u in (-0.4, 0.35):
            pen.line([(u, 0.2), (u - 0.05, 0.0)], 0.03)
            pen.line([(u, 0.2), (u + 0.05, 0.0)], 0.03)
        return
    if form == "xylophone":
        for k in range(8):
            u = -0.42 + k * 0.11
            pen.rect(u, 0.2 + k * 0.015, u + 0.08, 0.6 - k * 0.025, 0.2 * (k % 2))
        pen.line([(-0.45, 0.25), (0.45, 0.3)], 0.02, -0.4)
        return
    if form == "gong":
        pen.line([(-0.4, 0), (-0.4, 0.95), (0.4, 0.95), (0.4, 0)], 0.05)
        pen.disc(0, 0.5, 0.3, 0.3)
        pen.disc(0, 0.5, 0.1, -0.2)
        return
    if form == "bagpipes":
        pen.ell(0, 0.4, 0.25, 0.18)
        for k in range(3):
            pen.line([(-0.1 + k * 0.08, 0.5), (-0.2 + k * 0.1, 0.95)], 0.03)
        pen.line([(0.15, 0.3), (0.3, 0.0)], 0.03)
        return


def thing(p: Params, pen: Pen) -> None:
    """Everyday objects from a few profiles: vessels, boxes, discs, sticks and some special forms."""
    form = p.get("form", "box")
    if form == "vessel":
        neck, belly, height = p.get("neck", 0.3), p.get("belly", 0.4), p.get("height", 0.8)
        pts = [(-neck / 2, height), (-belly / 2, height * 0.45), (-belly / 2 * 0.8, 0.02), (belly / 2 * 0.8, 0.02),
               (belly / 2, height * 0.45), (neck / 2, height)]
        pen.poly(pts)
        pen.ell(0, height, neck / 2, 0.03, -0.4)
        if p.get("handle"):
            pen.line([(belly / 2 - 0.02, height * 0.7), (belly / 2 + 0.12, height * 0.55),
                      (belly / 2 - 0.02, height * 0.3)], 0.04)
        if p.get("spout"):
            pen.line([(-belly / 2, height * 0.4), (-belly / 2 - 0.15, height * 0.7)], 0.05)
        if p.get("flame"):
            pen.tilted(0, height + 0.1, 0.04, 0.08, 0.0, 0.9)
        if p.get("steam"):
            pen.line([(0, height + 0.05), (0.05, height + 0.15), (-0.03, height + 0.25)], 0.02, 0.6)
        return
    if form == "box":
        w, h = p.get("w", 0.6), p.get("h", 0.4)
        pen.rect(-w / 2, 0, w / 2, h)
        if p.get("screen"):
            pen.rect(-w / 2 + 0.05, 0.05, w / 2 - 0.05, h - 0.05, 0.6)
        if p.get("lid"):
            pen.rect(-w / 2 - 0.03, h, w / 2 + 0.03, h + 0.07, -0.2)
        if p.get("pages"):
            pen.rect(-w / 2 + 0.03, h * 0.1, w / 2, h * 0.25, 0.7)
        if p.get("legs"):
            for u in (-w / 2 + 0.04, w / 2 - 0.04):
                pen.rect(u - 0.03, -p.get("legs"), u + 0.03, 0)
        if p.get("back"):
            pen.rect(-w / 2, h, -w / 2 + 0.06, h + p.get("back"))
        if p.get("dial"):
            pen.disc(w * 0.25, h * 0.5, h * 0.25, 0.5)
        if p.get("ribbon"):
            pen.rect(-0.03, 0, 0.03, h, 0.6)
            pen.rect(-w / 2, h * 0.45, w / 2, h * 0.55, 0.6)
        return
    if form == "disc":
        r = 0.5
        pen.disc(0, r, r)
        if p.get("face"):
            pen.disc(0, r, r * 0.85, 0.6)
            pen.line([(0, r), (0, r + 0.3)], 0.03, -0.8)
            pen.line([(0, r), (0.2, r + 0.05)], 0.03, -0.8)
        if p.get("band"):
            pen.rect(-r * 0.95, r - 0.06, r * 0.95, r + 0.06, -0.3)
        if p.get("seams"):
            pen.line([(-0.3, 0.85), (0.0, 0.5), (-0.3, 0.15)], 0.03, 0.6)
        return
    if form == "stick":
        length = p.get("length", 1.0)
        pen.rect(-0.025, 0, 0.025, length * 0.75)
        head = p.get("head", "")
        if head == "cross":
            pen.rect(-0.15, length * 0.25, 0.15, length * 0.29)
            pen.poly([(-0.04, length * 0.29), (0.04, length * 0.29), (0, length)], 0.4)
        elif head == "ring":
            pen.disc(0, length * 0.82, 0.12)
            pen.disc(0, length * 0.82, 0.06, 0.8)
            pen.rect(0.02, 0.05, 0.1, 0.1)
            pen.rect(0.02, 0.15, 0.08, 0.2)
        elif head == "canopy":
            pen.poly([(0.45 * math.cos(t), length * 0.7 + 0.25 * math.sin(t)) for t in
                      (math.pi * k / 12 for k in range(13))])
        elif head == "shade":
            pen.poly([(-0.2, length * 0.75), (0.2, length * 0.75), (0.12, length), (-0.12, length)], 0.5)
            pen.ell(0, 0.02, 0.2, 0.04)
        elif head == "diamond":
            pen.poly([(0, length * 0.7), (0.35, length * 0.95), (0, length * 1.2), (-0.35, length * 0.95)])
            pen.line([(0, length * 0.75), (0.1, length * 0.6), (-0.1, length * 0.45)], 0.02)
        elif head == "flag":
            pen.rect(0.025, length * 0.5, 0.5, length * 0.75)
        return
    if form == "heart":
        pen.disc(-0.22, 0.62, 0.25)
        pen.disc(0.22, 0.62, 0.25)
        pen.poly([(-0.46, 0.58), (0.46, 0.58), (0, 0.0)])
        return
    if form == "skull":
        pen.ell(0, 0.6, 0.35, 0.35)
        pen.rect(-0.2, 0.15, 0.2, 0.4)
        for u in (-0.14, 0.14):
            pen.disc(u, 0.58, 0.09, -0.9)
        pen.poly([(0, 0.45), (-0.04, 0.37), (0.04, 0.37)], -0.9)
        return
    if form == "gem":
        pen.poly([(-0.4, 0.6), (-0.2, 0.8), (0.2, 0.8), (0.4, 0.6), (0, 0.0)])
        pen.poly([(-0.4, 0.6), (0.4, 0.6), (0.2, 0.8), (-0.2, 0.8)], 0.4)
        return
    if form == "crown":
        pen.poly([(-0.45, 0), (0.45, 0), (0.5, 0.5), (0.25, 0.25), (0, 0.55), (-0.25, 0.25), (-0.5, 0.5)])
        for u in (-0.5, 0, 0.5):
            pen.disc(u, 0.55, 0.05, 0.6)
        return
    if form == "anchor":
        pen.rect(-0.035, 0.1, 0.035, 0.85)
        pen.disc(0, 0.9, 0.08)
        pen.disc(0, 0.9, 0.04, 0.8)
        pen.rect(-0.2, 0.72, 0.2, 0.77)
        pen.line([(-0.35, 0.3), (-0.25, 0.1), (0, 0.03), (0.25, 0.1), (0.35, 0.3)], 0.06)
        return
    if form == "chair":
        pen.rect(-0.25, 0.4, 0.25, 0.47)
        pen.rect(-0.25, 0.47, -0.19, 1.0)
        for u in (-0.25, 0.19):
            pen.rect(u, 0, u + 0.06, 0.4)
        return
    if form == "table":
        pen.rect(-0.5, 0.5, 0.5, 0.58)
        for u in (-0.45, 0.39):
            pen.rect(u, 0, u + 0.06, 0.5)
        return
    if form == "bed":
        pen.rect(-0.5, 0.15, 0.5, 0.32)
        pen.rect(-0.5, 0.0, -0.45, 0.55)
        pen.rect(0.45, 0.0, 0.5, 0.42)
        pen.ell(-0.32, 0.37, 0.1, 0.05, 0.6)
        return
    if form == "door":
        pen.rect(-0.25, 0, 0.25, 0.9)
        pen.poly([(-0.25, 0.9), (0.25, 0.9), (0, 1.0)], -0.2)
        pen.disc(0.15, 0.45, 0.03, 0.7)
        if p.get("panes"):
            pen.rect(-0.2, 0.05, 0.2, 0.85, 0.6)
            pen.line([(0, 0.05), (0, 0.85)], 0.03)
            pen.line([(-0.2, 0.45), (0.2, 0.45)], 0.03)
        return
    if form == "ladder":
        pen.rect(-0.2, 0, -0.16, 1.0)
        pen.rect(0.16, 0, 0.2, 1.0)
        for k in range(6):
            pen.rect(-0.16, 0.1 + k * 0.16, 0.16, 0.13 + k * 0.16)
        return
    if form == "fence":
        for k in range(6):
            u = -0.45 + k * 0.18
            pen.poly([(u, 0), (u + 0.08, 0), (u + 0.08, 0.35), (u + 0.04, 0.4), (u, 0.35)])
        pen.rect(-0.5, 0.12, 0.5, 0.16)
        pen.rect(-0.5, 0.26, 0.5, 0.3)
        return
    if form == "kite":
        pen.poly([(0, 1.0), (0.25, 0.75), (0, 0.35), (-0.25, 0.75)])
        pen.poly([(0, 1.0), (0.25, 0.75), (0, 0.75)], 0.3)
        pen.line([(0, 0.35), (0.1, 0.2), (-0.05, 0.1), (0.05, 0.0)], 0.015)
        return
    if form == "balloons":
        for u, v in ((-0.15, 0.8), (0.12, 0.85), (0.0, 0.65)):
            pen.ell(u, v, 0.12, 0.15, 0.1 * u)
            pen.line([(u, v - 0.15), (0.0, 0.0)], 0.01)
        return
    if form == "telescope":
        pen.poly([(-0.4, 0.5), (0.4, 0.8), (0.42, 0.72), (-0.38, 0.42)])
        pen.line([(0, 0.6), (-0.2, 0.0)], 0.03)
        pen.line([(0, 0.6), (0.2, 0.0)], 0.03)
        pen.line([(0, 0.6), (0.0, 0.0)], 0.03)
        return
    if form == "globe":
        pen.disc(0, 0.55, 0.38)
        pen.tilted(-0.1, 0.62, 0.15, 0.1, 0.4, 0.4)
        pen.tilted(0.12, 0.45, 0.1, 0.14, -0.3, 0.4)
        pen.line([(0, 0.0), (0, 0.15)], 0.05)
        pen.ell(0, 0.02, 0.2, 0.03)
        return
    if form == "camera":
        pen.rect(-0.45, 0.1, 0.45, 0.55)
        pen.rect(-0.15, 0.55, 0.15, 0.65)
        pen.disc(0, 0.32, 0.18, -0.4)
        pen.disc(0, 0.32, 0.1, 0.5)
        return
    if form == "feather":
        pen.tilted(0, 0.5, 0.12, 0.48, 0.35, 0.1)
        pen.line([(0.18, 0.05), (-0.15, 0.93)], 0.015, -0.3)
        return
    if form == "hat":
        pen.ell(0, 0.1, 0.5, 0.09)
        pen.poly([(-0.25, 0.1), (-0.22, 0.55), (0.22, 0.55), (0.25, 0.1)])
        pen.rect(-0.25, 0.12, 0.25, 0.2, -0.4)
        return
    if form == "sword":
        pen.poly([(-0.03, 0.25), (0.03, 0.25), (0.03, 0.92), (0, 1.0), (-0.03, 0.92)], 0.3)
        pen.rect(-0.14, 0.22, 0.14, 0.26)
        pen.rect(-0.025, 0.06, 0.025, 0.22, -0.3)
        pen.disc(0, 0.05, 0.04)
        return
    if form == "shield":
        pen.poly([(-0.4, 1.0), (0.4, 1.0), (0.38, 0.45), (0, 0.0), (-0.38, 0.45)])
        pen.line([(0, 0.95), (0, 0.1)], 0.06, 0.5)
        pen.line([(-0.35, 0.6), (0.35, 0.6)], 0.06, 0.5)
        return
    if form == "cake":
        pen.rect(-0.4, 0, 0.4, 0.3)
        pen.rect(-0.28, 0.3, 0.28, 0.52, 0.15)
        pen.rect(-0.4, 0.26, 0.4, 0.32, 0.6)
        for u in (-0.15, 0.0, 0.15):
            pen.rect(u - 0.015, 0.52, u + 0.015, 0.65, 0.4)
            pen.tilted(u, 0.68, 0.015, 0.03, 0.0, 0.9)
        return
    if form == "bread":
        pen.ell(0, 0.25, 0.48, 0.25)
        for k in range(3):
            pen.line([(-0.2 + k * 0.15, 0.35), (-0.1 + k * 0.15, 0.45)], 0.03, 0.4)
        return
    if form == "pizza":
        pen.poly([(-0.45, 0.1), (0.45, 0.1), (0, 0.9)])
        pen.line([(-0.45, 0.1), (0.45, 0.1)], 0.07, -0.3)
        for u, v in ((-0.1, 0.3), (0.12, 0.35), (0.0, 0.55)):
            pen.disc(u, v, 0.06, -0.4)
        return
    if form == "egg":
        pen.ell(0, 0.42, 0.32, 0.42)
        return
    if form == "grapes":
        for k, (u, v) in enumerate(((-0.2, 0.75), (0, 0.75), (0.2, 0.75), (-0.1, 0.55), (0.1, 0.55), (0, 0.35),
                                    (-0.2, 0.55), (0.2, 0.55), (0.0, 0.15))):
            pen.disc(u, v, 0.11, 0.1 * (k % 2))
        pen.line([(0, 0.86), (0.05, 1.0)], 0.03, -0.4)
        return
    if form == "banana":
        pen.poly([(-0.45, 0.6), (-0.3, 0.25), (0, 0.1), (0.3, 0.2), (0.45, 0.45), (0.25, 0.3), (0, 0.25),
                  (-0.25, 0.38)])
        return
    if form == "key":
        pen.disc(-0.35, 0.5, 0.15)
        pen.disc(-0.35, 0.5, 0.07, 0.8)
        pen.rect(-0.2, 0.47, 0.45, 0.53)
        pen.rect(0.3, 0.38, 0.35, 0.47)
        pen.rect(0.4, 0.38, 0.45, 0.47)
        return
    if form == "mirror":
        pen.ell(0, 0.55, 0.3, 0.42)
        pen.ell(0, 0.55, 0.24, 0.35, 0.7)
        pen.rect(-0.04, 0.0, 0.04, 0.15)
        return
    if form == "swing":
        pen.line([(-0.45, 0.0), (-0.35, 1.0), (0.35, 1.0), (0.45, 0.0)], 0.04)
        pen.line([(-0.12, 1.0), (-0.12, 0.3)], 0.015)
        pen.line([(0.12, 1.0), (0.12, 0.3)], 0.015)
        pen.rect(-0.16, 0.27, 0.16, 0.32)
        return


FAMILIES: dict[str, Callable[[Params, Pen], None]] = {
    "quad": quadruped, "bird": bird, "swim": swimmer, "figure": figure, "building": building,
    "vehicle": vehicle, "boat": boat, "plant": plant, "instrument": instrument, "thing": thing,
}


def draw(family: str, params: Params) -> list[Prim]:
    """A subject's silhouette, fitted to a unit box (see :meth:`Pen.normalised`)."""
    pen = Pen()
    FAMILIES[family](params, pen)
    return pen.normalised()
