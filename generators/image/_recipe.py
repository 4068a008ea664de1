"""A cell's recipe: everything needed to redraw one picture at any size.

Grids and pictures store their recipes (JSON) in the PNG's XMP, so a later /vary, /upscale,
/reroll or /blend rebuilds the exact picture from the parent's file alone, whichever generator
made it.  Pictures that came from a member's upload carry a small greyscale copy of it instead
of a scene (``source``).
"""

from __future__ import annotations

import base64
import io
import json
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any
from xml.sax.saxutils import unescape

import numpy as np
from PIL import Image, ImageDraw

from generators.image._compose import LIGHTS, build_scene, is_figure
from generators.image._dice import Dice, Jitter, derive
from generators.image._noise import F32, Canvas, blur, fbm, resize, smoothstep
from generators.image._palette import Palette
from generators.image._scene import Scene, draw_shapes, tone_field
from generators.image._styles import RENDERERS, Ctx
from generators.image._words import STYLES

ARS = ("1:1", "4:3", "3:4", "3:2", "2:3", "16:9", "9:16", "2:1", "1:2")
GRID_LONG = 1024
UPSCALE_LONG = 2048
SOURCE_LONG = 256  # stored greyscale copy of an upload, long side in pixels


@dataclass(frozen=True)
class Recipe:
    style: str
    palette: tuple[str, ...]
    palette_name: str
    subjects: tuple[str, ...]
    ar: str
    seed: int
    jitter: Jitter = ()
    #: base64 PNG (greyscale) of an uploaded picture's tones, or "" for a pure scene.
    source: str = ""
    #: A second style merged in across the picture (a blend of two styles), or "".
    second: str = ""
    #: The prompt word each subject came from (parallel to ``subjects``; empty for old recipes).
    words: tuple[str, ...] = ()
    #: (subject or "sky", "#rrggbb") for colours the prompt gave to a subject.
    tints: tuple[tuple[str, str], ...] = ()
    #: Time of day ("dawn", "noon", "dusk", "night", "neon"), or "" to let the subjects decide.
    light: str = ""
    #: Drawing modifiers ("crescent", "full" for the moon).
    mods: tuple[str, ...] = ()
    #: Unknown prompt words, hashed: they move the layout.
    salt: int = 0

    @property
    def aspect(self) -> float:
        w, h = parse_ar(self.ar)
        return w / h

    def varied(self, seed: int, amount: float) -> Recipe:
        return replace(self, jitter=(*self.jitter, (int(seed), float(amount))))

    def to_dict(self) -> dict[str, Any]:
        return {
            "style": self.style, "palette": list(self.palette), "palette_name": self.palette_name,
            "subjects": list(self.subjects), "ar": self.ar, "seed": self.seed,
            "jitter": [list(j) for j in self.jitter], "source": self.source, "second": self.second,
            "words": list(self.words), "tints": [list(t) for t in self.tints], "light": self.light,
            "mods": list(self.mods), "salt": self.salt,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Recipe:
        style, second = str(data["style"]), str(data.get("second", ""))
        if style not in STYLES or (second and second not in STYLES):
            raise ValueError(f"unknown style {style!r}")
        parse_ar(str(data["ar"]))
        return cls(
            style=style,
            palette=tuple(str(c) for c in data["palette"])[:8],
            palette_name=str(data.get("palette_name", "")),
            subjects=tuple(str(s)[:60] for s in data.get("subjects", ()))[:MAX_LISTED],
            ar=str(data["ar"]),
            seed=int(data["seed"]),
            jitter=tuple((int(s), float(a)) for s, a in data.get("jitter", ())),
            source=str(data.get("source", "")),
            second=second,
            words=tuple(str(w)[:60] for w in data.get("words", ()))[:MAX_LISTED],
            tints=tuple((str(t)[:60], _hex_colour(str(c))) for t, c in data.get("tints", ()))[:MAX_LISTED],
            light=_one_of(str(data.get("light", "")), ("", *LIGHTS)),
            mods=tuple(_one_of(str(m), ("crescent", "full")) for m in data.get("mods", ()))[:2],
            salt=int(data.get("salt", 0)) % 2**31,
        )

    def scene(self) -> Scene:
        """The composition this recipe draws (the same at every size)."""
        tints: dict[str, list[tuple[int, int, int]]] = {}
        for target, colour in self.tints:
            tints.setdefault(target, []).append(_rgb(colour))
        return build_scene((*self.subjects, *self.mods), self.aspect, Dice(self.seed, self.jitter).child("scene"),
                           self.light, tints, self.salt)


_HEX = re.compile(r"#[0-9a-f]{6}")
#: A recipe from a file lists at most this many subjects, words or colours (ours list ≤ 6).
MAX_LISTED = 16


def _one_of(value: str, allowed: Sequence[str]) -> str:
    if value not in allowed:
        raise ValueError(f"unexpected value {value!r}")
    return value


def _hex_colour(value: str) -> str:
    if not _HEX.fullmatch(value):
        raise ValueError(f"bad colour {value!r}")
    return value


def _rgb(colour: str) -> tuple[int, int, int]:
    return (int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16))


def parse_ar(ar: str) -> tuple[int, int]:
    """"16:9" -> (16, 9); any positive ratio up to 4:1 (uploads keep their own shape)."""
    try:
        w, h = (int(p) for p in str(ar).split(":"))
    except ValueError:
        raise ValueError(f"bad aspect ratio {ar!r}") from None
    if w <= 0 or h <= 0 or max(w / h, h / w) > 4.0:
        raise ValueError(f"bad aspect ratio {ar!r}")
    return w, h


def ar_of(width: int, height: int) -> str:
    """The closest standard ratio, or the exact one reduced (kept within 4:1)."""
    for ar in ARS:
        w, h = parse_ar(ar)
        if abs(width / height - w / h) < 0.01:
            return ar
    ratio = min(4.0, max(0.25, width / height))
    w, h = round(ratio * 1000), 1000
    g = math.gcd(w, h)
    return f"{w // g}:{h // g}"


def size_for(ar: str, long_side: int) -> tuple[int, int]:
    w, h = parse_ar(ar)
    if w >= h:
        return long_side, max(2, round(long_side * h / w))
    return max(2, round(long_side * w / h)), long_side


def source_tone(source: str, width: int, height: int) -> np.ndarray:
    data = base64.b64decode(source.encode("ascii"), validate=True)
    with Image.open(io.BytesIO(data)) as im:
        im.load()
        grey = np.asarray(im.convert("L"), dtype=F32) / 255.0
    return resize(grey, width, height)


def encode_source(grey: np.ndarray) -> str:
    """A float 0..1 tone image as a compact base64 PNG at most SOURCE_LONG px on its long side."""
    h, w = grey.shape
    scale = min(1.0, SOURCE_LONG / max(w, h))
    small = resize(grey, max(2, round(w * scale)), max(2, round(h * scale)))
    buffer = io.BytesIO()
    Image.fromarray((np.clip(small, 0, 1) * 255).astype(np.uint8), "L").save(buffer, "PNG", optimize=False)
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def render(recipe: Recipe, width: int, height: int, tone_override: np.ndarray | None = None) -> np.ndarray:
    """Draw the recipe at ``width`` × ``height`` as uint8 RGB."""
    canvas = Canvas(width, height, recipe.aspect)
    dice = Dice(recipe.seed, recipe.jitter)
    palette = Palette.from_hex(recipe.palette_name, recipe.palette)
    scene = recipe.scene()
    if tone_override is not None:
        tone = resize(tone_override, width, height)
    elif recipe.source:
        tone = source_tone(recipe.source, width, height)
    else:
        tone = tone_field(scene, canvas)
    if (tone_override is not None or recipe.source) and recipe.subjects:
        tone = 0.6 * tone + 0.4 * tone_field(scene, canvas)
    tone = tone.astype(F32, copy=False)

    def tone_at(w: int, h: int) -> np.ndarray:
        small = Canvas(w, h, recipe.aspect)
        if tone_override is not None:
            base = resize(tone_override, w, h)
        elif recipe.source:
            base = source_tone(recipe.source, w, h)
        else:
            return tone_field(scene, small)
        return 0.6 * base + 0.4 * tone_field(scene, small) if recipe.subjects else base

    figures = subject_mask(scene, canvas)
    picture = RENDERERS[recipe.style](Ctx(canvas, dice.child(recipe.style), palette, scene, tone, tone_at, figures))
    if recipe.second:
        ctx = Ctx(canvas, dice.child("second:" + recipe.second), palette, scene, tone, tone_at, figures)
        other = RENDERERS[recipe.second](ctx)
        mask = _merge_mask(dice.child("merge"), canvas)[..., None]
        other -= picture
        other *= mask
        picture = picture + other
    picture = np.asarray(picture, dtype=F32)
    picture = apply_colours(picture, scene, canvas)
    if figures is not None and recipe.style not in NO_OUTLINE:
        picture = outline(picture, figures, canvas, palette)
    np.clip(picture, 0.0, 1.0, out=picture)
    picture *= 255.0
    picture += 0.5
    return picture.astype(np.uint8)


def subject_mask(scene: Scene, canvas: Canvas) -> np.ndarray | None:
    """Where the scene's subjects (things and sky bodies) are, 0..1, or None when it has none."""
    shapes = [sh for sh in scene.shapes if is_figure(sh.role)]
    if not shapes:
        return None
    mask = Image.new("L", (canvas.width, canvas.height), 0)
    draw_shapes(ImageDraw.Draw(mask), shapes, canvas, lambda sh: 255)
    return np.asarray(mask, dtype=F32) * F32(1 / 255)


#: Styles that mark their subjects their own way (nebula: a lit rim on a silhouette).
NO_OUTLINE = frozenset({"nebula"})
OUTLINE = 0.0035  # short-side units


def outline(picture: np.ndarray, figures: np.ndarray, canvas: Canvas, palette: Palette) -> np.ndarray:
    """A thin ink line around the subjects (line and wash, comic, leading): dark on light ground,
    light on dark, so a lighthouse reads in every style whatever the style did to its tones.
    Works on the subjects' bounding box only (a 2048 px upscale is mostly not subject)."""
    rows, cols = np.flatnonzero(figures.any(axis=1)), np.flatnonzero(figures.any(axis=0))
    if rows.size == 0:
        return picture
    pad = int(canvas.px(0.03)) + 2
    y0, y1 = max(0, rows[0] - pad), min(canvas.height, rows[-1] + pad + 1)
    x0, x1 = max(0, cols[0] - pad), min(canvas.width, cols[-1] + pad + 1)
    box = figures[y0:y1, x0:x1]
    soft = blur(box, canvas.px(OUTLINE))
    band = smoothstep(0.08, 0.35, soft) * smoothstep(0.08, 0.35, 1.0 - soft)
    band *= F32(0.9)
    part = picture[y0:y1, x0:x1]
    luma = blur(part @ np.array([0.2126, 0.7152, 0.0722], dtype=F32), canvas.px(0.01))
    dark = (palette.colour(0) * 0.5).astype(F32)
    light = (palette.colour(-1) * 0.3 + 0.7).astype(F32)
    lit = smoothstep(0.3, 0.45, luma)[..., None]
    ink = light + (dark - light) * lit
    picture = np.asarray(picture, dtype=F32)
    picture[y0:y1, x0:x1] = ctx_mix(part, ink, band.astype(F32))
    return picture


#: How much of a subject's own colour covers what the style drew there.
COLOUR_STRENGTH = 0.85
SKY_STRENGTH = 0.55


def apply_colours(picture: np.ndarray, scene: Scene, canvas: Canvas) -> np.ndarray:
    """Colours by role: a subject the prompt coloured ("a red fox") takes its colour over the style's
    own, keeping the style's light and dark so its strokes, dots and washes still show."""
    coloured = [sh for sh in scene.shapes if sh.colour is not None]
    if not coloured and scene.sky_colour is None:
        return picture
    w, h = canvas.width, canvas.height
    rgb = Image.new("RGB", (w, h), (0, 0, 0))
    alpha = Image.new("L", (w, h), 0)
    if scene.sky_colour is not None:
        horizon = scene.horizon if scene.horizon is not None else 1.0
        ImageDraw.Draw(rgb).rectangle((0, 0, w, horizon * h), fill=scene.sky_colour)
        ImageDraw.Draw(alpha).rectangle((0, 0, w, horizon * h), fill=round(255 * SKY_STRENGTH / COLOUR_STRENGTH))
    draw_shapes(ImageDraw.Draw(rgb), coloured, canvas, lambda sh: sh.colour)
    draw_shapes(ImageDraw.Draw(alpha), coloured, canvas, lambda sh: 255)
    a = blur(np.asarray(alpha, dtype=F32) * F32(COLOUR_STRENGTH / 255.0), canvas.px(0.002))
    colour = np.asarray(rgb, dtype=F32) / 255.0
    luma = picture @ np.array([0.2126, 0.7152, 0.0722], dtype=F32)
    tinted = colour * (F32(0.35) + F32(0.8) * luma)[..., None]
    tinted += np.clip(luma - 0.8, 0.0, None)[..., None]
    return ctx_mix(picture, tinted, a)


def ctx_mix(a: np.ndarray, b: np.ndarray, t: np.ndarray) -> np.ndarray:
    out = np.subtract(b, a, dtype=F32)
    out *= t[..., None]
    out += a
    return out


def _merge_mask(dice: Dice, canvas: Canvas) -> np.ndarray:
    """Where the second style shows: one side of a wavy diagonal, with a soft seam."""
    x, y = canvas.coords()
    angle = dice.real(0, 2 * math.pi)
    side = (x - 0.5) * math.cos(angle) + (y - 0.5) * math.sin(angle)
    wobble = fbm(dice.child("seam"), canvas, cells=1.5, octaves=3) * 0.18
    return smoothstep(-0.08, 0.08, side + wobble)


def cell_seeds(seed: int) -> list[int]:
    return [derive(seed, f"cell{i}") for i in range(4)]


def render_grid(recipes: Sequence[Recipe], long_side: int = GRID_LONG) -> Image.Image:
    """Four cells in a 2×2 grid, the whole grid ``long_side`` px on its long side."""
    cw, ch = size_for(recipes[0].ar, long_side // 2)
    grid = np.empty((ch * 2, cw * 2, 3), dtype=np.uint8)
    for i, recipe in enumerate(recipes):
        row, col = divmod(i, 2)
        grid[row * ch : (row + 1) * ch, col * cw : (col + 1) * cw] = render(recipe, cw, ch)
    return Image.fromarray(grid, "RGB")


_RECIPE = re.compile(r"<jamroom:recipe>(.*?)</jamroom:recipe>", re.S)


def recipe_json(cells: Sequence[Recipe], make: Mapping[str, Any]) -> str:
    return json.dumps({"cells": [r.to_dict() for r in cells], "make": dict(make)}, separators=(",", ":"))


def read_recipes(png: bytes) -> tuple[list[Recipe], dict[str, Any]] | None:
    """The recipes a Jamroom PNG carries, or None when it has none (or they don't parse)."""
    try:
        with Image.open(io.BytesIO(png)) as im:
            packet = im.info.get("XML:com.adobe.xmp") or ""
    except Exception:
        return None
    match = _RECIPE.search(str(packet))
    if not match:
        return None
    try:
        data = json.loads(unescape(match.group(1)))
        cells = [Recipe.from_dict(c) for c in data["cells"]]
        return cells, dict(data.get("make") or {})
    except (ValueError, KeyError, TypeError):
        return None
