"""Variable-order Markov tables with PPM-C blending: the counting core of every learned music model.

A :class:`Table` holds, for each order k, how often each symbol followed each context of k
earlier symbols. Prediction blends the orders from 0 upwards with escape method C
(weight N / (N + T), T = distinct symbols seen): the interpolated smoothing of Pearce &
Wiggins' PPM models. Counts are stored as sorted int64 context codes with CSR rows, so a
shipped table loads in milliseconds and a lookup is one binary search.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence

import numpy as np

BASE = 128  # symbols and context parts must be < BASE


def context_code(context: Sequence[int], tag: int = 0) -> int:
    """One integer for a context (most recent symbol last) and a small ``tag`` (e.g. mode or metre)."""
    code = tag + 1
    for s in context:
        code = code * BASE + int(s) + 1
    return code


class Counts:
    """Mutable counts for training and for the short-term (this piece only) model."""

    def __init__(self, order: int, alphabet: int) -> None:
        self.order = order
        self.alphabet = alphabet
        self.rows: list[dict[int, Counter[int]]] = [defaultdict(Counter) for _ in range(order + 1)]

    def add(self, symbols: Sequence[int], tag: int = 0, contexts: Sequence[Sequence[int]] | None = None) -> None:
        """Count every symbol after its preceding 0..order symbols (or after the given ``contexts``)."""
        for i, s in enumerate(symbols):
            history = contexts[i] if contexts is not None else symbols[max(0, i - self.order):i]
            for k in range(0, min(self.order, len(history)) + 1):
                self.rows[k][context_code(history[len(history) - k:], tag)][int(s)] += 1

    def lookup(self, k: int, code: int) -> tuple[np.ndarray, np.ndarray] | None:
        row = self.rows[k].get(code)
        if not row:
            return None
        syms = np.fromiter(row.keys(), dtype=np.int64, count=len(row))
        return syms, np.fromiter(row.values(), dtype=np.float64, count=len(row))

    def freeze(self, min_count: int = 1) -> Table:
        """Compact arrays; contexts above order 1 seen fewer than ``min_count`` times are dropped."""
        arrays = {}
        for k, rows in enumerate(self.rows):
            keep = sorted(c for c, r in rows.items() if k <= 1 or sum(r.values()) >= min_count)
            ptr = [0]
            syms: list[int] = []
            cnts: list[int] = []
            for c in keep:
                for s, n in sorted(rows[c].items()):
                    syms.append(s)
                    cnts.append(min(n, 65535))
                ptr.append(len(syms))
            arrays[f"k{k}"] = np.array(keep, dtype=np.int64)
            arrays[f"p{k}"] = np.array(ptr, dtype=np.int32)
            arrays[f"s{k}"] = np.array(syms, dtype=np.uint8)
            arrays[f"c{k}"] = np.array(cnts, dtype=np.uint16)
        return Table(self.order, self.alphabet, arrays)


class Table:
    """Frozen counts, as loaded from the model file."""

    def __init__(self, order: int, alphabet: int, arrays: dict[str, np.ndarray]) -> None:
        self.order = order
        self.alphabet = alphabet
        self.arrays = arrays
        self._keys = [arrays[f"k{k}"] for k in range(order + 1)]
        self.memo: dict[tuple, np.ndarray] = {}

    def lookup(self, k: int, code: int) -> tuple[np.ndarray, np.ndarray] | None:
        keys = self._keys[k]
        i = int(np.searchsorted(keys, code))
        if i >= len(keys) or int(keys[i]) != code:
            return None
        a, b = int(self.arrays[f"p{k}"][i]), int(self.arrays[f"p{k}"][i + 1])
        return self.arrays[f"s{k}"][a:b].astype(np.int64), self.arrays[f"c{k}"][a:b].astype(np.float64)

    def to_arrays(self, prefix: str) -> dict[str, np.ndarray]:
        return {f"{prefix}.{name}": arr for name, arr in self.arrays.items()}

    @classmethod
    def from_arrays(cls, prefix: str, order: int, alphabet: int, arrays: dict[str, np.ndarray]) -> Table:
        mine = {name[len(prefix) + 1:]: arr for name, arr in arrays.items() if name.startswith(prefix + ".")}
        return cls(order, alphabet, mine)


def blend(table: Table | Counts, history: Sequence[int], tag: int = 0, order: int | None = None) -> np.ndarray:
    """P(next symbol | history), PPM-C blended from order 0 to the longest context present.

    A frozen table remembers its answers (generation asks the same contexts again and again); the
    arrays it hands out are read-only.
    """
    if isinstance(table, Table):
        top = min(table.order if order is None else order, len(history))
        memo_key = (tuple(history[len(history) - top:]) if top else (), tag, top)
        found = table.memo.get(memo_key)
        if found is None:
            found = _blend(table, history, tag, order)
            found.setflags(write=False)
            if len(table.memo) < 200_000:
                table.memo[memo_key] = found
        return found
    return _blend(table, history, tag, order)


def _blend(table: Table | Counts, history: Sequence[int], tag: int = 0, order: int | None = None) -> np.ndarray:
    alphabet = table.alphabet
    p = np.full(alphabet, 1.0 / alphabet)
    top = min(table.order if order is None else order, len(history))
    for k in range(0, top + 1):
        found = table.lookup(k, context_code(history[len(history) - k:], tag))
        if found is None:
            break  # longer contexts contain this one, so none of them exist either
        syms, cnts = found
        total = cnts.sum()
        weight = total / (total + len(syms))
        dense = np.zeros(alphabet)
        dense[syms] = cnts / total
        p = weight * dense + (1 - weight) * p
    return p


def combine(dists: Sequence[np.ndarray], bias: float = 1.0) -> np.ndarray:
    """Entropy-weighted geometric mean (Pearce 2005): a confident model counts for more."""
    if len(dists) == 1:
        return dists[0]
    d = np.maximum(np.vstack(dists), 1e-12)
    d = d / d.sum(axis=1, keepdims=True)
    logs = np.log(d)
    h = -(d * logs).sum(axis=1) / np.log(d.shape[1])
    w = np.maximum(h, 1e-3) ** (-bias)
    mixed = np.exp((w / w.sum()) @ logs)
    return mixed / mixed.sum()
