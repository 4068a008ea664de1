"""What every style gets: the canvas, its own random stream, the palette, the scene and its tones."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from generators.image._dice import Dice
from generators.image._noise import F32, Canvas, blur, resize
from generators.image._palette import Palette
from generators.image._scene import Scene


@dataclass(frozen=True)
class Ctx:
    canvas: Canvas
    dice: Dice
    palette: Palette
    scene: Scene
    #: The composition as light (1) .. dark (0), H×W float32.
    tone: np.ndarray
    #: The same composition drawn at another size (width, height); the result does not depend on
    #: the canvas size, which keeps chaotic processes (stroke tracing) identical at every size.
    tone_at: Callable[[int, int], np.ndarray]
    #: Where the drawn subjects are (things and sky bodies, not ground or weather), 0..1, H×W, or None
    #: when the picture has none: styles keep them legible (glitch never sorts them away).
    subjects: np.ndarray | None = None

    @property
    def layout(self):
        """A stream that depends on what the prompt asked for, not only the seed (Bauhaus blocks)."""
        return self.dice.child(f"layout:{','.join(self.scene.roles())}:{self.scene.light}:{self.scene.salt}")

    @property
    def detail(self) -> float:
        """How much larger than a grid cell this render is (1 for a cell, up to 4 for an upscale)."""
        return max(1.0, self.canvas.short / 512.0)

    def soft_tone(self, units: float, short: int = 256) -> np.ndarray:
        """The tones blurred by ``units`` (short-side units), computed at a fixed small size so that
        level sets of it (contours, wash edges) are the same at every output size."""
        h, w = self.canvas.lattice_shape(short)
        small = blur(self.tone_at(w, h), units * min(w, h))
        return resize(small, self.canvas.width, self.canvas.height)

    def mix(self, a: np.ndarray, b: np.ndarray, t: np.ndarray) -> np.ndarray:
        """``a`` where t is 0, ``b`` where t is 1; float32 throughout (a 2048 px float64 RGB
        temporary costs 100 MB)."""
        t = t.astype(F32, copy=False)
        t3 = t[..., None] if t.ndim == 2 else t
        out = np.subtract(b, a, dtype=F32)
        out *= t3
        out += a
        return out

    def paper(self, whiteness: float = 0.75) -> np.ndarray:
        """A light ground tinted by the palette's lightest colour."""
        light = self.palette.colour(-1)
        colour = light * (1 - whiteness) + whiteness
        return np.broadcast_to(colour.astype(F32), (*self.canvas.shape, 3)).copy()
