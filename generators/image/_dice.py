"""Seeded randomness that can be nudged: the source of every image's choices.

A picture's randomness comes from named, independent streams (``dice.child("sun")``) so adding
a new element never shifts the others, and nothing depends on the output size, which is what
lets an upscale redraw the same picture.  A variation mixes fresh draws into the original ones
in Gaussian space (``sqrt(1-a²)·base + a·fresh``): small ``a`` stays close, and every draw keeps
its distribution, so a variation is as plausible as the original.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Sequence
from typing import TypeVar

import numpy as np
from scipy.special import ndtr

T = TypeVar("T")

#: How much of a variation's nudge texture streams take (see :meth:`Dice.child`).
TEXTURE = 0.3

#: (seed, amount) pairs applied in order; amount 0..1 is how far each step moves.
Jitter = tuple[tuple[int, float], ...]


def derive(seed: int, key: str) -> int:
    """A new 63-bit seed from ``seed`` and a name, stable across runs and platforms."""
    digest = hashlib.blake2b(f"{int(seed)}:{key}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "little") >> 1


class Dice:
    """Lock-step random streams: the base stream plus one per jitter step."""

    __slots__ = ("_base_of_last", "_rngs", "_weights", "jitter", "seed")

    def __init__(self, seed: int, jitter: Jitter = ()) -> None:
        self.seed = int(seed)
        self.jitter = tuple((int(s), float(a)) for s, a in jitter)
        self._rngs = [np.random.default_rng(self.seed)] + [np.random.default_rng(s) for s, _ in self.jitter]
        self._weights = [min(max(a, 0.0), 1.0) for _, a in self.jitter]
        self._base_of_last: np.ndarray | float = 0.0

    @property
    def nudge(self) -> float:
        """The largest single step of variation applied (0 for an original)."""
        return max(self._weights, default=0.0)

    def child(self, key: str, damp: float = 1.0) -> Dice:
        """An independent stream for one part of the picture.

        ``damp`` < 1 makes variations move this part less: for texture (tile centres, stroke
        starts, raindrops) whose every element would otherwise land somewhere new.
        """
        return Dice(derive(self.seed, key), tuple((derive(s, key), a * damp) for s, a in self.jitter))

    def normal(self, shape: int | Sequence[int] = ()) -> np.ndarray:
        """Standard normal draws (float64), nudged by every jitter step."""
        out = self._rngs[0].standard_normal(shape)
        self._base_of_last = out
        for rng, a in zip(self._rngs[1:], self._weights, strict=True):
            out = math.sqrt(1.0 - a * a) * out + a * rng.standard_normal(shape)
        return out

    def uniform(self, lo: float = 0.0, hi: float = 1.0, shape: int | Sequence[int] = ()) -> np.ndarray:
        return lo + (hi - lo) * ndtr(self.normal(shape))

    def real(self, lo: float = 0.0, hi: float = 1.0) -> float:
        return float(self.uniform(lo, hi))

    def integer(self, lo: int, hi: int, stable: bool = False) -> int:
        """An integer in ``[lo, hi]`` inclusive.

        ``stable`` ignores the jitter (the streams still advance together): for counts and layouts
        that a variation should keep, so it moves things rather than swapping them for others.
        """
        z = self.normal()
        if stable:
            z = self._base_of_last
        return min(hi, lo + int(float(ndtr(z)) * (hi - lo + 1)))

    def items(self, lo: int, hi: int) -> list[Dice]:
        """One stream per item of a stable count, so a variation moves each item but keeps them all."""
        return [self.child(f"item{k}") for k in range(self.integer(lo, hi, stable=True))]

    def choice(self, items: Sequence[T], stable: bool = False) -> T:
        return items[self.integer(0, len(items) - 1, stable)]

    def chance(self, p: float, stable: bool = False) -> bool:
        return self.integer(0, 9999, stable) < p * 10000
