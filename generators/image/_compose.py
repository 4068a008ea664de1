"""Composition with intent: subjects, light and colours -> a :class:`Scene` of shapes.

The first thing named is the focal subject, placed on a third and standing on a ground plane;
the others sit on the other third and further back, fading toward the sky (atmospheric
perspective).  Landforms make the background, water the foreground (with reflections), weather
overlays everything, and the light ("dawn", "dusk", "night", "neon") sets the sky.  Words the
vocabulary does not know arrive as ``salt`` and move the layout, so no two prompts coincide.
Every shape carries its subject as ``role``; helpers (ground, reflections) start with "_".
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

from generators.image._dice import TEXTURE, Dice
from generators.image._scene import Scene
from generators.image._shapes import Prim, draw
from generators.image._vocab import ENVIRONMENT, SUBJECT_INFO

RGB = tuple[int, int, int]

#: Sky tones (top, bottom) for each light.
SKIES: dict[str, tuple[float, float]] = {
    "dawn": (0.5, 0.88), "noon": (0.72, 0.92), "dusk": (0.3, 0.82), "night": (0.05, 0.26), "neon": (0.08, 0.4),
}
LIGHTS = tuple(SKIES)
#: Variation steps at least this large may move the composition, not just nudge it.
STRONG = 0.3
SPACE = frozenset({"stars", "planet", "comet", "galaxy", "aurora", "eclipse", "earth"})
#: Focal sizes (long side of the drawing, in short-side units) per family.
SIZES = {"quad": 0.5, "bird": 0.4, "swim": 0.42, "figure": 0.55, "building": 0.62, "vehicle": 0.5, "boat": 0.52,
         "plant": 0.55, "instrument": 0.58, "thing": 0.5}
#: Old recipes named "night" (and moon modifiers) as subjects.
LEGACY = frozenset({"night", "crescent", "full"})


#: Sky bodies that count as subjects to keep legible (with every thing).
BODIES = frozenset({"sun", "moon", "planet", "earth", "eclipse", "comet", "rocks"})


def is_figure(role: str) -> bool:
    """Whether shapes of this role are a subject styles must keep legible (not ground or weather)."""
    info = SUBJECT_INFO.get(role)
    return info is not None and (info.family not in ENVIRONMENT or info.name in BODIES)


def _luma(colour: RGB) -> float:
    return (0.2126 * colour[0] + 0.7152 * colour[1] + 0.0722 * colour[2]) / 255.0


class _Painter:
    """Places primitives on the scene, knowing the aspect ratio so round things stay round."""

    def __init__(self, scene: Scene, aspect: float) -> None:
        self.scene = scene
        self.rx = 1.0 / aspect if aspect >= 1 else 1.0
        self.ry = 1.0 if aspect >= 1 else aspect

    def sky_at(self, y: float) -> float:
        s = self.scene
        return s.sky_top + (s.sky_bottom - s.sky_top) * min(max(y, 0.0), 1.0)

    def prims(self, prims: Sequence[Prim], x: float, base: float, size: float, tone: float, role: str,
              flip: bool = False, fade: float = 0.0, colours: Sequence[RGB] = (), mirror_at: float | None = None,
              ) -> None:
        """Draw a fitted drawing with its base centre at (x, base), ``size`` short-side units tall."""
        sx, sy = size * self.rx * (-1 if flip else 1), size * self.ry
        far = self.sky_at(base - size * 0.5)

        def at(u: float, v: float) -> tuple[float, float]:
            y = base - v * sy
            if mirror_at is not None:
                y = 2 * mirror_at - y
            return (x + u * sx, y)

        for k, p in enumerate(prims):
            t = min(max(tone + p.shade * 0.35, 0.0), 1.0)
            t = t * (1 - fade) + far * fade
            colour = colours[k % len(colours)] if colours else None
            if colour is not None:
                # A coloured part takes its colour's own lightness, so every style shows it at that value.
                t = min(max(_luma(colour) + p.shade * 0.25, 0.05), 0.95)
            if p.kind == "ell":
                (u, v), (ru, rv) = p.points
                self.scene.add("ellipse", t, (at(u, v), (ru * abs(sx), rv * sy)), role=role, colour=colour)
            elif p.kind == "poly":
                self.scene.add("poly", t, [at(u, v) for u, v in p.points], role=role, colour=colour)
            else:
                self.scene.add("line", t, [at(u, v) for u, v in p.points], width=p.width * size, role=role,
                               colour=colour)

    def disc(self, x: float, y: float, r: float, tone: float, role: str, colour: RGB | None = None) -> None:
        self.scene.add("ellipse", tone, ((x, y), (r * self.rx, r * self.ry)), role=role, colour=colour)

    def blob(self, x: float, y: float, r: float, squash: float, angle: float, tone: float, role: str,
             colour: RGB | None = None, n: int = 18) -> None:
        pts = []
        for k in range(n):
            t = 2 * math.pi * k / n
            u, v = math.cos(t) * r, math.sin(t) * r * squash
            pts.append((x + (u * math.cos(angle) - v * math.sin(angle)) * self.rx,
                        y + (u * math.sin(angle) + v * math.cos(angle)) * self.ry))
        self.scene.add("poly", tone, pts, role=role, colour=colour)


def light_for(subjects: Sequence[str], light: str, dice: Dice) -> str:
    if light in SKIES:
        return light
    s = set(subjects)
    if "night" in s or (s & ({"moon"} | SPACE) and "sun" not in s):
        return "night"
    if "sun" in s:
        return dice.choice(("dusk", "noon", "dawn"), stable=True)
    return dice.choice(("noon", "dusk", "noon", "dawn"), stable=True)


def build_scene(subjects: Sequence[str], aspect: float, dice: Dice, light: str = "",
                tints: Mapping[str, Sequence[RGB]] | None = None, salt: int = 0) -> Scene:
    """The composition for the subjects; with none, an abstract arrangement shaped by ``salt``."""
    tints = dict(tints or {})
    if salt:
        dice = dice.child(f"salt{salt}")
    light = light_for(subjects, light, dice.child("light"))
    known = [s for s in dict.fromkeys(subjects) if s in SUBJECT_INFO]
    env = {SUBJECT_INFO[s].params["kind"]: s for s in known if SUBJECT_INFO[s].family in ENVIRONMENT}
    things = [s for s in known if SUBJECT_INFO[s].family not in ENVIRONMENT]
    top, bottom = SKIES[light]
    if "storm" in env:
        top, bottom = top * 0.5 + 0.08, bottom * 0.55 + 0.1
    night = light in ("night", "neon")
    scene = Scene(top, bottom, None, night=night, light=light, sky_colour=(tints.get("sky") or [None])[0], salt=salt)
    paint = _Painter(scene, aspect)
    water_kinds = {"sea", "lake", "swamp", "river", "waterfall"} & set(env)
    if "beach" in env and not water_kinds:
        water_kinds = {"sea"}  # a shore is the edge of something
    places = {SUBJECT_INFO[t].place for t in things}
    lands = set(env) - {"rain", "storm", "lightning", "snow", "fog", "clouds", "rainbow", "tornado", "wind"} \
        - {"sun", "moon", "stars", "planet", "comet", "galaxy", "aurora", "eclipse", "earth"}
    grounded = bool(lands or places & {"ground", "water", "under"})
    hd = dice.child("horizon")
    horizon: float | None = None
    if grounded:
        horizon = hd.real(0.56, 0.7)
        if "under" in places and not water_kinds:
            horizon = hd.real(0.3, 0.4)  # a pond seen from above: the water fills most of the picture
    scene.horizon = horizon
    h = horizon if horizon is not None else 0.8
    sd = dice.child("side")
    # A strong variation may mirror the composition (the focal subject moves to the other third);
    # a subtle one keeps it.
    side = sd.chance(0.5, stable=sd.nudge < STRONG)
    focal_x = 2 / 3 if side else 1 / 3
    other_x = 1 - focal_x
    tone_thing = 0.16
    ground_tone = 0.2 if night else 0.5
    if not known:
        _abstract(paint, dice.child("abstract"))

    def colours(name: str) -> list[RGB]:
        return list(tints.get(name, ()))

    # Sky: bodies, then space.
    mods = {s for s in subjects if s in LEGACY} | ({"crescent"} if "crescent" in subjects else set())
    _sky(paint, env, dice.child("sky"), h, other_x, night, colours, "crescent" in mods and "full" not in mods)
    # Background landforms, nearest last, fading toward the sky.
    _land(paint, env, dice.child("land"), h, night, colours, focal_x)
    # The ground plane or water.
    water_y = h
    if water_kinds or ("under" in places):
        water_tone = 0.16 if night else 0.4
        kind = next(iter(sorted(water_kinds)), "lake")
        name = env.get(kind, "_water")
        _water(paint, kind, name, dice.child("water"), h, water_tone, colours(name), env, night)
    elif grounded:
        name = next((env[k] for k in ("field", "beach", "path", "ice", "dunes") if k in env), "_ground")
        tone = 0.92 if "snow" in env else ground_tone
        scene.add("poly", tone, [(-0.01, h), (1.01, h), (1.01, 1.01), (-0.01, 1.01)], role=name,
                  colour=(colours(name) or [None])[0])
    shore = 1.0
    if water_kinds & {"sea", "lake", "swamp"} and places & {"ground"}:
        # Land for the grounded things to stand on: a near shore (rocks or beach when named).
        shore = 0.86
        name = env.get("beach", "_shore")
        scene.add("poly", ground_tone + 0.05, [(-0.01, 1.01), (-0.01, shore + 0.02), (0.3, shore - 0.01),
                                               (0.7, shore + 0.01), (1.01, shore - 0.02), (1.01, 1.01)],
                  role=name, colour=(colours(name) or [None])[0])
    for kind in ("beach", "path", "field", "dunes", "ice"):
        if kind in env and not any(sh.role == env[kind] for sh in scene.shapes):
            _strip(paint, kind, env[kind], dice.child(kind), h, ground_tone, colours(env[kind]), night)
    # Things: focal first on a third, the rest further back.
    slots = _slots(dice.child("slots"), things, focal_x, other_x, h, shore)
    for (name, x, base, size, fade, flip), k in zip(slots, range(len(slots)), strict=True):
        info = SUBJECT_INFO[name]
        prims = draw(info.family, info.params)
        # Silhouettes contrast with what is behind them: dark on a light sky, light on a dark one.
        behind = paint.sky_at(base - size * 0.4) if base - size * 0.4 < h else ground_tone
        tone = (tone_thing if not night else 0.62) if behind > 0.45 else 0.82
        tone += (0.1 * k) if tone < 0.5 else (-0.06 * k)
        if info.place == "under":
            tone = 0.85 if not night else 0.7
        if "rocks" in env and k == 0 and info.place == "ground":
            _rocks(paint, dice.child("rocks"), x, base, size, ground_tone, env["rocks"], colours(env["rocks"]))
            base -= size * 0.08
        count = info.group
        gd = dice.child(f"group{k}", damp=TEXTURE)
        for j in range(count):
            if j == 0:
                gx, gb, gs = x, base, size
            else:
                spread = 0.45 if info.place != "air" else 0.35
                gx = x + gd.real(-spread, spread)
                gb = base + (gd.real(-0.12, -0.03) if info.place == "air" else gd.real(-0.06, 0.04))
                gs = size * gd.real(0.55, 0.85)
            paint.prims(prims, gx, gb, gs, tone, name, flip=flip ^ (j % 2 == 1), fade=fade, colours=colours(name))
            if info.place == "water" or (info.place == "ground" and water_kinds and gb <= water_y + 0.02):
                paint.prims(prims, gx, gb, gs * 0.9, tone * 0.5 + 0.25, "_reflection", flip=flip,
                            fade=0.45, mirror_at=gb)
    if "rocks" in env and not any(sh.role == env["rocks"] for sh in scene.shapes):
        _rocks(paint, dice.child("rocks"), other_x, 0.99, 0.5, ground_tone, env["rocks"], colours(env["rocks"]))
    # Weather over everything.
    _weather(paint, env, dice.child("weather"), h, night, colours)
    return scene


def _slots(dice: Dice, things: Sequence[str], focal_x: float, other_x: float, h: float,
           shore: float) -> list[tuple[str, float, float, float, float, bool]]:
    """(subject, x, base y, size, fade, flip) for each thing: thirds, depth and sizes."""
    out = []
    for k, name in enumerate(things):
        info = SUBJECT_INFO[name]
        d = dice.child(name)
        size = SIZES.get(info.family, 0.5) * (1.0, 0.72, 0.5, 0.42, 0.36, 0.32)[min(k, 5)] * d.real(0.88, 1.12)
        x = focal_x if k == 0 else other_x if k == 1 else d.real(0.15, 0.85)
        x += d.real(-0.09, 0.09)  # continuous, so a strong variation moves the composition further
        fade = (0.0, 0.12, 0.25, 0.3, 0.35, 0.4)[min(k, 5)]
        if info.place == "air":
            base = d.real(0.3, 0.45) * h + size * 0.5
            if k == 0:
                size *= 0.9
        elif info.place == "under":
            base = h + (1 - h) * d.real(0.55, 0.85)
            size = min(size, (1 - h) * 0.8)
        elif info.place == "water":
            base = h + (1 - h) * (0.35 if k == 0 else 0.15) + d.real(-0.02, 0.02)
        else:
            near = min(shore, 0.97)
            base = near - (0.02 if k == 0 else 0.02 + (near - h) * (0.35 + 0.1 * k))
            base = max(base, h + 0.02)
            if info.family == "building" and info.params.get("form") == "skyline":
                base, size = h + 0.01, size * 1.3
            if info.params.get("form") == "bust":
                # A portrait fills the frame from the bottom edge, head a little off centre.
                x, base, size = 0.5 + (x - 0.5) * 0.4, 1.02, size * (1.5 if k == 0 else 1.0)
        out.append((name, x, base, size, fade, bool(d.chance(0.5, stable=True))))
    return out


def _sky(paint: _Painter, env: Mapping[str, str], d: Dice, h: float, x: float, night: bool, colours,
         crescent: bool) -> None:
    s = paint.scene
    if "stars" in env:
        e = d.child("stars", damp=TEXTURE)
        for f in e.items(90, 140):
            r = f.real(0.003, 0.008) * (2.2 if f.chance(0.1) else 1.0)
            paint.disc(f.real(0, 1), f.real(0, h * 0.95), r, f.real(0.8, 1.0), env["stars"],
                       (colours(env["stars"]) or [None])[0])
    if "galaxy" in env:
        e = d.child("galaxy")
        cx, cy, ang = e.real(0.3, 0.7), e.real(0.15, h * 0.55), e.real(-0.6, 0.6)
        paint.blob(cx, cy, 0.3, 0.28, ang, 0.55, env["galaxy"], (colours(env["galaxy"]) or [None])[0])
        paint.blob(cx, cy, 0.16, 0.35, ang, 0.75, env["galaxy"])
        paint.disc(cx, cy, 0.04, 0.95, env["galaxy"])
    if "aurora" in env:
        e = d.child("aurora")
        for k in range(3):
            y0 = e.real(0.1, 0.3) + k * 0.06
            pts = [(i / 20, y0 + 0.05 * math.sin(i * 0.6 + k + e.real(0, 3))) for i in range(21)]
            paint.scene.add("line", 0.7 + 0.08 * k, pts, width=0.035, role=env["aurora"],
                            colour=(colours(env["aurora"]) or [None])[0])
    for kind in ("sun", "moon", "planet", "eclipse", "earth"):
        if kind not in env:
            continue
        e = d.child(kind)
        r = {"sun": e.real(0.08, 0.13), "moon": e.real(0.07, 0.11), "planet": e.real(0.1, 0.16),
             "eclipse": 0.1, "earth": e.real(0.12, 0.18)}[kind]
        cy = max(r + 0.05, h - e.real(0.15, 0.35))
        cx = min(max(x + e.real(-0.1, 0.1), r + 0.05), 0.95 - r)
        name, col = env[kind], (colours(env[kind]) or [None])[0]
        glow = 0.5 * (s.sky_top + s.sky_bottom) + 0.15
        if kind in ("sun", "moon", "eclipse"):
            paint.disc(cx, cy, r * 1.7, glow, name, col)
        tone = {"sun": 1.0, "moon": 0.95, "planet": 0.7, "eclipse": 0.03, "earth": 0.6}[kind]
        paint.disc(cx, cy, r, tone, name, col)
        if kind == "moon" and crescent:
            paint.disc(cx + r * 0.45 * paint.rx, cy - r * 0.15 * paint.ry, r * 0.9, s.sky_top + 0.05, name)
        if kind == "planet":
            paint.scene.add("line", 0.9, [(cx - r * 1.8 * paint.rx, cy + r * 0.3 * paint.ry),
                                          (cx + r * 1.8 * paint.rx, cy - r * 0.3 * paint.ry)],
                            width=r * 0.25, role=name, colour=col)
        if kind == "earth":
            paint.blob(cx - r * 0.3 * paint.rx, cy, r * 0.45, 0.8, 0.5, 0.35, name)
        if kind == "eclipse":
            paint.scene.add("line", 0.98, [(cx + r * math.cos(t) * paint.rx, cy + r * math.sin(t) * paint.ry)
                                           for t in (2 * math.pi * k / 24 for k in range(25))],
                            width=r * 0.15, role=name, colour=col)
    if "comet" in env:
        e = d.child("comet")
        cx, cy, r = e.real(0.55, 0.85), e.real(0.12, 0.3), 0.025
        paint.scene.add("poly", 0.85, [(cx, cy - r * paint.ry), (cx - 0.45 * paint.rx, cy - 0.12),
                                       (cx - 0.42 * paint.rx, cy - 0.06), (cx, cy + r * paint.ry)],
                        role=env["comet"], colour=(colours(env["comet"]) or [None])[0])
        paint.disc(cx, cy, r * 1.6, 1.0, env["comet"])


def _land(paint: _Painter, env: Mapping[str, str], d: Dice, h: float, night: bool, colours, focal_x: float) -> None:
    s = paint.scene
    far = [0.52, 0.36] if not night else [0.2, 0.12]
    if "mountains" in env:
        e = d.child("mountains")
        for layer, tone in enumerate(far):
            prof = _ridge(e.child(f"layer{layer}"), 48)
            top = [h - (0.12 + 0.18 * (1 - layer * 0.35)) * float(p) - 0.02 for p in prof]
            pts = [(i / 47, y) for i, y in enumerate(top)]
            s.add("poly", tone, [(-0.01, h + 0.01), *pts, (1.01, h + 0.01)], role=env["mountains"],
                  colour=(colours(env["mountains"]) or [None])[0])
            if layer == 0 and "snow" in env:
                for i in range(0, 47, 6):
                    peak = min(range(i, min(i + 6, 48)), key=lambda j: top[j])
                    px, py = peak / 47, top[peak]
                    s.add("poly", 0.95, [(px - 0.03, py + 0.04), (px, py), (px + 0.03, py + 0.04)], role="_snowcap")
    if "hills" in env:
        e = d.child("hills")
        for layer in range(2):
            amp, ph = e.real(0.05, 0.1), e.real(0, 6.28)
            pts = [(i / 40, h - 0.03 - layer * -0.02 - amp * (0.6 + 0.4 * math.sin(ph + i * 0.25 + layer)))
                   for i in range(41)]
            s.add("poly", far[layer] + 0.05, [(-0.01, h + 0.01), *pts, (1.01, h + 0.01)], role=env["hills"],
                  colour=(colours(env["hills"]) or [None])[0])
    if "volcano" in env:
        e = d.child("volcano")
        cx, top, w = e.real(0.3, 0.7), h - e.real(0.3, 0.42), e.real(0.25, 0.35)
        s.add("poly", far[1], [(cx - w, h + 0.01), (cx - 0.05, top), (cx + 0.05, top), (cx + w, h + 0.01)],
              role=env["volcano"], colour=(colours(env["volcano"]) or [None])[0])
        s.add("poly", 0.9, [(cx - 0.05, top), (cx + 0.05, top), (cx + 0.02, top - 0.08), (cx - 0.03, top - 0.12)],
              role=env["volcano"])
    if "canyon" in env:
        e = d.child("canyon")
        for side in (0, 1):
            x0 = 0.0 if side == 0 else 1.0
            x1 = e.real(0.3, 0.42) if side == 0 else e.real(0.58, 0.7)
            top = h - e.real(0.25, 0.4)
            s.add("poly", far[side], [(x0, h + 0.01), (x0, top), (x1 - (0.05 if side == 0 else -0.05), top),
                                      (x1, h + 0.01)], role=env["canyon"], colour=(colours(env["canyon"]) or [None])[0])
    if "ice" in env:
        e = d.child("ice")
        cx = e.real(0.25, 0.75)
        s.add("poly", 0.88, [(cx - 0.25, h + 0.01), (cx - 0.15, h - 0.2), (cx - 0.02, h - 0.28), (cx + 0.1, h - 0.16),
                             (cx + 0.28, h + 0.01)], role=env["ice"], colour=(colours(env["ice"]) or [None])[0])
    if "island" in env:
        e = d.child("island")
        cx = 1 - focal_x + e.real(-0.05, 0.05)
        paint.blob(cx, h + 0.005, 0.22, 0.22, 0.0, far[1] - 0.1, env["island"], (colours(env["island"]) or [None])[0])
        s.add("poly", far[1] - 0.1, [(cx - 0.2 * paint.rx, h + 0.01), (cx, h - 0.06), (cx + 0.2 * paint.rx, h + 0.01)],
              role=env["island"])
    if "cliff" in env:
        e = d.child("cliff")
        left = e.chance(0.5, stable=True)
        x1 = e.real(0.28, 0.4)
        pts = [(0.0, 1.01), (0.0, h - 0.3), (x1 * 0.7, h - 0.28), (x1, h - 0.1), (x1 + 0.05, 1.01)]
        if not left:
            pts = [(1 - x, y) for x, y in pts]
        s.add("poly", far[1] - 0.08, pts, role=env["cliff"], colour=(colours(env["cliff"]) or [None])[0])
    if "cave" in env:
        e = d.child("cave")
        s.add("poly", far[1] - 0.1, [(-0.01, 1.01), (-0.01, -0.01), (1.01, -0.01), (1.01, 1.01), (0.85, 1.01),
                                     (0.8, 0.35), (0.5, 0.18), (0.2, 0.35), (0.15, 1.01)], role=env["cave"],
              colour=(colours(env["cave"]) or [None])[0])
        del e


def _ridge(d: Dice, n: int) -> list[float]:
    knots = d.uniform(0.0, 1.0, 7)
    fine = d.normal(25)
    out = []
    for i in range(n):
        t = i / (n - 1)
        a = t * 6
        k = min(int(a), 5)
        base = knots[k] + (knots[k + 1] - knots[k]) * (a - k)
        b = t * 24
        j = min(int(b), 23)
        out.append(min(max(base + 0.08 * (fine[j] + (fine[j + 1] - fine[j]) * (b - j)), 0.0), 1.2))
    return out


def _water(paint: _Painter, kind: str, name: str, d: Dice, h: float, tone: float, cols: list[RGB],
           env: Mapping[str, str], night: bool) -> None:
    s = paint.scene
    if kind == "river":
        s.add("poly", 0.5 if not night else 0.2, [(-0.01, h), (1.01, h), (1.01, 1.01), (-0.01, 1.01)], role="_ground")
        left, right = [], []
        ph = d.real(0, 6.28)
        for i in range(11):
            t = i / 10
            cx = 0.5 + 0.2 * math.sin(ph + t * 4) * (1 - t)
            y = 1.01 - t * (1.01 - h)
            w = 0.2 * (1 - t) + 0.012
            left.append((cx - w, y))
            right.append((cx + w, y))
        s.add("poly", 0.72 if not night else 0.35, [*left, *reversed(right)], role=name,
              colour=cols[0] if cols else None)
        return
    if kind == "waterfall":
        s.add("poly", 0.3 if not night else 0.12,
              [(0.25, h - 0.35), (0.75, h - 0.35), (0.8, h + 0.05), (0.2, h + 0.05)], role="_cliff")
        s.add("poly", tone, [(-0.01, h), (1.01, h), (1.01, 1.01), (-0.01, 1.01)], role="_water")
        for k in range(7):
            x = 0.38 + k * 0.04
            s.add("line", 0.9 - 0.04 * (k % 2), [(x, h - 0.33), (x + 0.005, h), (x + 0.02 * (k - 3), h + 0.06)],
                  width=0.035, role=name, colour=cols[k % len(cols)] if cols else None)
        return
    # Sea, lake, swamp: horizontal bands (two colour words alternate), wave lines, the sun's path.
    bands = 4
    for k in range(bands):
        y0 = h + (1.01 - h) * k / bands
        y1 = h + (1.01 - h) * (k + 1) / bands
        t = tone + 0.04 * k if not night else tone
        s.add("poly", t, [(-0.01, y0), (1.01, y0), (1.01, y1 + 0.002), (-0.01, y1 + 0.002)], role=name,
              colour=cols[k % len(cols)] if cols else None)
    storm = "storm" in env
    e = d.child("waves", damp=TEXTURE)
    for f in e.items(10, 16) if kind != "swamp" else []:
        y = f.real(h + 0.02, 0.98)
        x0, length = f.real(-0.1, 0.8), f.real(0.15, 0.45)
        amp = f.real(0.004, 0.012) * (3.0 if storm else 1.0)
        pts = [(x0 + length * i / 12, y + amp * math.sin(i * 1.3)) for i in range(13)]
        s.add("line", 0.32 if night else 0.62, pts, width=0.006 if not storm else 0.012, role=name,
              colour=cols[-1] if cols else None)
    if kind == "swamp":
        for f in e.items(6, 10):
            x = f.real(0, 1)
            s.add("line", 0.15, [(x, h + 0.05), (x + 0.01, h - 0.08)], width=0.01, role=name)
    for body in ("sun", "moon"):
        if body in env:
            cx = next((sh.points[0][0] for sh in s.shapes if sh.role == env[body]), 0.5)
            for k in range(8):
                y = h + 0.015 + k * (1 - h) / 9
                w = 0.06 * (1 - k / 10) * d.real(0.6, 1.2)
                s.add("line", 0.85, ((cx - w, y), (cx + w, y)), width=0.006, role="_reflection")
    # Landforms on the horizon reflect in still water.
    if kind in ("lake", "swamp"):
        for sh in [sh for sh in s.shapes if sh.kind == "poly" and sh.role in {env.get("mountains"), env.get("hills")}]:
            pts = [(x, min(1.01, 2 * h - y)) for x, y in sh.points]
            s.add("poly", sh.tone * 0.5 + tone * 0.5, pts, role="_reflection")


def _strip(paint: _Painter, kind: str, name: str, d: Dice, h: float, tone: float, cols: list[RGB],
           night: bool) -> None:
    """A named ground (beach, path, field, dunes, ice) in front of whatever else is there."""
    s = paint.scene
    col = cols[0] if cols else None
    if kind == "path":
        s.add("poly", tone + 0.25, [(0.42, h + 0.01), (0.46, h + 0.01), (0.85, 1.01), (0.15, 1.01)], role=name,
              colour=col)
    elif kind == "dunes":
        for k in range(3):
            base = h + k * (1 - h) / 3
            amp, ph, fr = d.real(0.02, 0.05), d.real(0, 6.28), d.real(1.0, 2.5)
            pts = [(i / 40, base - amp * math.sin(ph + fr * 6.28 * i / 40)) for i in range(41)]
            s.add("poly", tone + 0.05 + 0.08 * k, [*pts, (1.01, 1.01), (-0.01, 1.01)], role=name, colour=col)
    elif kind == "field":
        for k in range(4):
            y = h + (1 - h) * (0.15 + 0.22 * k)
            s.add("line", tone - 0.1, [(-0.01, y), (0.5, y + 0.01), (1.01, y - 0.01)], width=0.01 + 0.006 * k,
                  role=name, colour=col)
        s.add("poly", tone + 0.04, [(-0.01, h + 0.02), (1.01, h + 0.02), (1.01, h + 0.08), (-0.01, h + 0.1)],
              role=name, colour=col)
    else:
        s.add("poly", (0.85 if kind == "ice" else tone + 0.2),
              [(-0.01, 1.01), (-0.01, 0.9), (0.4, 0.87), (1.01, 0.9), (1.01, 1.01)], role=name, colour=col)


def _rocks(paint: _Painter, d: Dice, x: float, base: float, size: float, tone: float, name: str,
           cols: list[RGB]) -> None:
    """Boulders under and around the focal subject (a lighthouse on its rocks)."""
    for k, f in enumerate(d.items(5, 8)):
        r = size * f.real(0.1, 0.2)
        rx = x + f.real(-0.2, 0.2) * paint.rx * (1 + k * 0.1)
        ry = base + f.real(-0.01, 0.04)
        paint.blob(rx, ry, r, f.real(0.5, 0.8), f.real(-0.3, 0.3), tone - 0.2 + 0.05 * (k % 3), name,
                   cols[k % len(cols)] if cols else None)


def _weather(paint: _Painter, env: Mapping[str, str], d: Dice, h: float, night: bool, colours) -> None:
    s = paint.scene
    storm = "storm" in env
    if "clouds" in env or storm:
        name = env.get("clouds") or env["storm"]
        e = d.child("clouds")
        tone = (0.3 if storm else 0.84) if not night else 0.3
        for f in e.items(3, 5) if not storm else e.items(5, 7):
            cx, cy, w = f.real(0.05, 0.95), f.real(0.06, h * (0.4 if storm else 0.6)), f.real(0.12, 0.25)
            for g in f.items(5, 8):
                paint.blob(cx + g.real(-w, w) * paint.rx, cy + g.real(-0.03, 0.03), g.real(0.05, 0.1), 0.6, 0.0,
                           tone + g.real(-0.06, 0.06), name, (colours(name) or [None])[0])
    if "rainbow" in env:
        e = d.child("rainbow")
        cx, r = e.real(0.3, 0.7), e.real(0.45, 0.6)
        for k in range(5):
            rr = r - k * 0.025
            pts = [(cx + rr * math.cos(t) * paint.rx, h + 0.02 - rr * math.sin(t) * paint.ry)
                   for t in (math.pi * j / 30 for j in range(31))]
            s.add("line", 0.55 + 0.1 * k, pts, width=0.022, role=env["rainbow"],
                  colour=_RAINBOW[k] if not colours(env["rainbow"]) else colours(env["rainbow"])[0])
    if "tornado" in env:
        e = d.child("tornado")
        cx = e.real(0.3, 0.7)
        s.add("poly", 0.3, [(cx - 0.2, 0.08), (cx + 0.2, 0.08), (cx + 0.03, h + 0.02), (cx - 0.01, h + 0.02)],
              role=env["tornado"], colour=(colours(env["tornado"]) or [None])[0])
    if "wind" in env:
        e = d.child("wind", damp=TEXTURE)
        for f in e.items(5, 8):
            y, x0 = f.real(0.1, 0.9), f.real(-0.1, 0.5)
            pts = [(x0 + i * 0.04, y + 0.02 * math.sin(i * 0.5)) for i in range(12)]
            pts += [(pts[-1][0] + 0.03, pts[-1][1] - 0.03), (pts[-1][0], pts[-1][1] - 0.05)]
            s.add("line", 0.9 if not night else 0.6, pts, width=0.008, role=env["wind"])
    if "rain" in env or storm:
        name = env.get("rain") or env["storm"]
        e = d.child("rain", damp=TEXTURE)
        slant = e.real(-0.3, 0.3)
        for f in e.items(160, 220):
            x, y, length = f.real(-0.1, 1.1), f.real(0, 1), f.real(0.05, 0.1)
            s.add("line", 0.85, ((x, y), (x + slant * length, y + length)), width=0.0035, role=name,
                  colour=(colours(name) or [None])[0])
    if "lightning" in env or storm:
        name = env.get("lightning") or env["storm"]
        e = d.child("lightning")
        x, y = e.real(0.2, 0.8), 0.12
        pts = [(x, y)]
        while y < h:
            y += e.real(0.05, 0.1)
            x += e.real(-0.06, 0.06)
            pts.append((x, y))
        s.add("line", 1.0, pts, width=0.012, role=name, colour=(colours(name) or [None])[0])
    if "snow" in env:
        e = d.child("snow", damp=TEXTURE)
        for f in e.items(150, 220):
            paint.disc(f.real(0, 1), f.real(0, 1), f.real(0.003, 0.008), 0.97, env["snow"],
                       (colours(env["snow"]) or [None])[0])
    if "fog" in env:
        e = d.child("fog")
        for k in range(6):
            y = h - 0.12 + k * 0.06 + e.real(-0.02, 0.02)
            pts = [(i / 10 - 0.05, y + 0.01 * math.sin(i + k)) for i in range(12)]
            s.add("line", 0.86 if not night else 0.45, pts, width=0.022, role=env["fog"],
                  colour=(colours(env["fog"]) or [None])[0])


_RAINBOW: tuple[RGB, ...] = ((148, 0, 211), (0, 90, 255), (0, 200, 80), (255, 220, 0), (255, 40, 30))


def _abstract(paint: _Painter, d: Dice) -> None:
    """No subjects: a few large soft forms so every style still has a composition to work on."""
    for e in d.items(2, 4):
        paint.blob(e.real(0.15, 0.85), e.real(0.15, 0.85), e.real(0.15, 0.35), e.real(0.4, 1.0), e.real(0, 3.14),
                   e.real(0.1, 0.95), "_abstract")
