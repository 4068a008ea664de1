"""A composition of simple shapes, and that composition as a tone field (see ``_compose``).

The scene is described in fractions of the picture (x of width, y of height), so every size
draws the same composition.  Most styles read the tone field (0 dark .. 1 light); the Bauhaus
style draws the shapes themselves as flat geometry.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from PIL import Image, ImageDraw

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
    #: The subject's own colour when the prompt gave it one ("a red fox"), as RGB 0..255.
    colour: tuple[int, int, int] | None = None


@dataclass
class Scene:
    sky_top: float
    sky_bottom: float
    horizon: float | None
    shapes: list[Shape] = field(default_factory=list)
    night: bool = False
    light: str = "noon"
    #: The sky's own colour when the prompt gave it one ("a pink sky").
    sky_colour: tuple[int, int, int] | None = None
    salt: int = 0

    def add(self, kind: str, tone: float, points: Sequence[Point], width: float = 0.0, role: str = "",
            colour: tuple[int, int, int] | None = None) -> None:
        self.shapes.append(Shape(kind, float(min(max(tone, 0.0), 1.0)), tuple(points), width, role, colour))

    def roles(self) -> list[str]:
        """The subjects drawn, in drawing order (helpers such as ground and reflections excluded)."""
        return list(dict.fromkeys(sh.role for sh in self.shapes if sh.role and not sh.role.startswith("_")))


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
