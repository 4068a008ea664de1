"""Words for a painted picture: its main colours and where its light sits, for alt text."""

from __future__ import annotations

import numpy as np

_HUES = ((15, "red"), (40, "orange"), (65, "yellow"), (160, "green"), (200, "teal"), (255, "blue"),
         (290, "violet"), (335, "pink"), (360, "red"))


def _colour_word(r: float, g: float, b: float) -> str:
    high, low = max(r, g, b), min(r, g, b)
    light = (high + low) / 2 / 255
    sat = (high - low) / 255
    if sat < 0.12:
        return "white" if light > 0.8 else "black" if light < 0.18 else "grey"
    if high == r:
        hue = (60 * (g - b) / (high - low)) % 360
    elif high == g:
        hue = 60 * (b - r) / (high - low) + 120
    else:
        hue = 60 * (r - g) / (high - low) + 240
    name = next(word for limit, word in _HUES if hue < limit)
    if name == "orange" and light < 0.35:
        return "brown"
    return f"dark {name}" if light < 0.25 else f"pale {name}" if light > 0.8 else name


def colour_words(rgb: np.ndarray, count: int = 3) -> list[str]:
    """The picture's most common colour words, most common first."""
    small = rgb[:: max(1, rgb.shape[0] // 48), :: max(1, rgb.shape[1] // 48)].reshape(-1, 3).astype(float)
    tally: dict[str, int] = {}
    for r, g, b in small:
        word = _colour_word(r, g, b)
        tally[word] = tally.get(word, 0) + 1
    ranked = sorted(tally.items(), key=lambda kv: (-kv[1], kv[0]))
    return [word for word, n in ranked[:count] if n >= 0.05 * len(small)] or [ranked[0][0]]


def light_words(rgb: np.ndarray) -> str:
    """Where the picture is brightest, in plain words ("brightest at the top")."""
    grey = rgb.astype(float).mean(axis=2)
    h, w = grey.shape
    third = h // 3
    parts = {"top": grey[:third].mean(), "middle": grey[third:2 * third].mean(), "bottom": grey[2 * third:].mean()}
    sides = {"left": grey[:, : w // 3].mean(), "right": grey[:, 2 * w // 3:].mean()}
    where = max(parts, key=lambda k: parts[k])
    side = max(sides, key=lambda k: sides[k])
    if abs(sides["left"] - sides["right"]) > 12:
        return f"brightest at the {where} {side}" if where != "middle" else f"brightest on the {side}"
    return f"brightest at the {where}" if where != "middle" else "brightest in the middle"


def join(words: list[str]) -> str:
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " and " + words[-1]


def describe_painted(what: str, style_words: str, rgb: np.ndarray) -> str:
    """One sentence: what was painted, in which style, its colours and light."""
    return f"{what} painted {style_words}, mostly {join(colour_words(rgb))}, {light_words(rgb)}"
