"""Style renderers: each turns a :class:`Ctx` into an H×W×3 float32 picture in 0..1.

Every style draws structure of its own (lines, washes, cells, dots...), not a recolouring of one
noise field; all of them read sizes in short-side units so any resolution shows the same picture.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from generators.image._styles import (
    bauhaus,
    contour,
    flow,
    glitch,
    halftone,
    mosaic,
    nebula,
    watercolour,
)
from generators.image._styles._ctx import Ctx

RENDERERS: dict[str, Callable[[Ctx], np.ndarray]] = {
    "flow": flow.render,
    "watercolour": watercolour.render,
    "mosaic": mosaic.render,
    "contour": contour.render,
    "nebula": nebula.render,
    "bauhaus": bauhaus.render,
    "glitch": glitch.render,
    "halftone": halftone.render,
}

__all__ = ["RENDERERS", "Ctx"]
