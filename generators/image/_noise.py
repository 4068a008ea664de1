"""Resolution-independent fields: smooth noise, blur and resampling on float32 arrays.

Noise is built from small random lattices drawn from a :class:`Dice` and interpolated to the
output size, so a 512 px cell and its 2048 px upscale see the same field; only the last step
(interpolation to pixels) depends on the size.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PIL import Image
from scipy import ndimage

from generators.image._dice import Dice

F32 = np.float32


@dataclass(frozen=True)
class Canvas:
    """Pixel size plus the picture's true aspect ratio (from ``ar``, not from rounded pixels)."""

    width: int
    height: int
    aspect: float  # width / height

    @property
    def short(self) -> int:
        return min(self.width, self.height)

    @property
    def shape(self) -> tuple[int, int]:
        return (self.height, self.width)

    def px(self, units: float) -> float:
        """Length in pixels of ``units`` (1 unit = the short side)."""
        return units * self.short

    def lattice_shape(self, cells: float) -> tuple[int, int]:
        """A lattice with ``cells`` cells along the short side, same shape at every size."""
        if self.aspect >= 1:
            return (max(2, round(cells)), max(2, round(cells * self.aspect)))
        return (max(2, round(cells / self.aspect)), max(2, round(cells)))

    def coords(self) -> tuple[np.ndarray, np.ndarray]:
        """Pixel-centre coordinates in fractions of width and height (0..1), as (x, y) grids."""
        x = (np.arange(self.width, dtype=F32) + 0.5) / self.width
        y = (np.arange(self.height, dtype=F32) + 0.5) / self.height
        return x[None, :], y[:, None]


def resize(field: np.ndarray, width: int, height: int, smooth: bool = True) -> np.ndarray:
    """Resample a 2-D float field to ``width`` × ``height`` (bicubic, or nearest for labels)."""
    if field.shape == (height, width):
        return field.astype(F32, copy=False)
    method = Image.Resampling.BICUBIC if smooth else Image.Resampling.NEAREST
    img = Image.fromarray(np.ascontiguousarray(field, dtype=F32), mode="F")
    return np.array(img.resize((width, height), method), dtype=F32)  # a writable copy


def fbm(dice: Dice, canvas: Canvas, cells: float = 3.0, octaves: int = 5, gain: float = 0.5) -> np.ndarray:
    """Fractal value noise, roughly zero mean and unit spread.

    Octaves are summed on their lattices (a small pyramid) and interpolated once to pixels.
    """
    acc: np.ndarray | None = None
    norm = 0.0
    for k in range(octaves):
        shape = canvas.lattice_shape(cells * 2**k)
        layer = dice.child(f"octave{k}").normal(shape).astype(F32) * F32(gain**k)
        norm += gain ** (2 * k)
        acc = layer if acc is None else resize(acc, shape[1], shape[0]) + layer
    assert acc is not None
    out = resize(acc, canvas.width, canvas.height)
    return out * F32(1.0 / np.sqrt(norm))


def grain(dice: Dice, canvas: Canvas, size_units: float = 0.004) -> np.ndarray:
    """Fine texture (paper, film grain) of a fixed physical size, from one lattice at every size.

    Interpolating the same lattice keeps a cell and its shrunk upscale alike (measured: correlation
    ≥ 0.97 down to 1 px per lattice step); the upscale shows each grain over more pixels.
    """
    shape = canvas.lattice_shape(1.0 / max(size_units, 1e-4))
    return resize(dice.child("grain").normal(shape).astype(F32), canvas.width, canvas.height)


def blur(field: np.ndarray, sigma_px: float) -> np.ndarray:
    """Gaussian blur; large radii go through a smaller copy, which looks the same and costs less."""
    if sigma_px < 0.3:
        return field
    h, w = field.shape[:2]
    factor = int(sigma_px // 3)
    if factor >= 2 and field.ndim == 2:
        small = resize(field, max(2, w // factor), max(2, h // factor))
        small = ndimage.gaussian_filter(small, sigma_px / factor, mode="nearest")
        return resize(small, w, h)
    if field.ndim == 3:
        return np.stack([blur(field[..., c], sigma_px) for c in range(field.shape[2])], axis=-1)
    return ndimage.gaussian_filter(field.astype(F32, copy=False), sigma_px, mode="nearest")


def smoothstep(edge0: float, edge1: float, x: np.ndarray) -> np.ndarray:
    t = np.clip((x - edge0) / (edge1 - edge0), 0.0, 1.0)
    return t * t * (3.0 - 2.0 * t)


def normalise(field: np.ndarray) -> np.ndarray:
    """Stretch a field to 0..1 by robust percentiles taken at the same spots at every size."""
    h, w = field.shape
    rows = ((np.arange(96) + 0.5) * h / 96).astype(int)
    cols = ((np.arange(96) + 0.5) * w / 96).astype(int)
    lo, hi = np.percentile(field[np.ix_(rows, cols)], (1, 99))
    if hi - lo < 1e-6:
        return np.full_like(field, 0.5, dtype=F32)
    return np.clip((field - lo) / (hi - lo), 0.0, 1.0).astype(F32)
