"""Palettes: colour words, moods and named palettes turned into five colours, dark to light.

Styles map tones through :meth:`Palette.ramp` or pick flat colours, so a palette set from the
prompt ("crimson", "melancholy", "vaporwave") steers every style the same way.
"""

from __future__ import annotations

import colorsys
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from generators.image._dice import Dice

#: Colour words -> (hue degrees, saturation, value) of the colour at its most typical.
COLOURS: dict[str, tuple[float, float, float]] = {
    "crimson": (350, 0.90, 0.80), "red": (0, 0.85, 0.85), "scarlet": (5, 0.90, 0.90),
    "ruby": (345, 0.85, 0.75), "maroon": (350, 0.80, 0.50), "burgundy": (345, 0.75, 0.45),
    "orange": (28, 0.90, 0.95), "amber": (40, 0.90, 0.95), "rust": (18, 0.75, 0.65),
    "gold": (46, 0.80, 0.90), "golden": (46, 0.80, 0.90), "yellow": (54, 0.85, 0.95),
    "lemon": (58, 0.75, 0.98), "lime": (85, 0.80, 0.85), "olive": (65, 0.60, 0.55),
    "green": (125, 0.70, 0.70), "emerald": (145, 0.80, 0.70), "jade": (155, 0.55, 0.65),
    "mint": (150, 0.40, 0.90), "teal": (180, 0.75, 0.60), "cyan": (188, 0.80, 0.90),
    "turquoise": (175, 0.70, 0.82), "aqua": (182, 0.65, 0.92), "azure": (205, 0.75, 0.95),
    "blue": (218, 0.80, 0.85), "cobalt": (222, 0.85, 0.75), "sapphire": (225, 0.85, 0.65),
    "navy": (228, 0.80, 0.40), "indigo": (255, 0.75, 0.60), "violet": (275, 0.65, 0.85),
    "purple": (285, 0.70, 0.65), "lavender": (270, 0.35, 0.92), "lilac": (285, 0.30, 0.90),
    "magenta": (310, 0.85, 0.90), "fuchsia": (315, 0.85, 0.92), "pink": (335, 0.45, 0.95),
    "rose": (340, 0.60, 0.88), "coral": (10, 0.60, 0.95), "peach": (25, 0.45, 0.98),
    "brown": (25, 0.65, 0.45), "sepia": (30, 0.45, 0.55), "ochre": (38, 0.75, 0.75),
    "black": (230, 0.15, 0.10), "white": (220, 0.04, 0.97), "grey": (220, 0.06, 0.55),
    "gray": (220, 0.06, 0.55), "silver": (215, 0.07, 0.80), "ivory": (48, 0.12, 0.97),
}

#: Named palettes and mood palettes: hex colours in any order (sorted by lightness on use).
NAMED: dict[str, tuple[str, ...]] = {
    "sunset": ("#2b1a3d", "#7a2e5c", "#e0565b", "#f59a4a", "#ffd58a"),
    "ocean": ("#03172e", "#0b3d63", "#1479a3", "#4fb3c9", "#c9ecf0"),
    "forest": ("#0e1f14", "#1f4027", "#3f6b3a", "#83a35c", "#d9e4b5"),
    "vaporwave": ("#2d0b4e", "#7b2cbf", "#ff71ce", "#01cdfe", "#b9fbc0"),
    "neon": ("#0a0014", "#3c096c", "#ff0a78", "#00f5d4", "#f7ff00"),
    "pastel": ("#8e9aaf", "#cbc0d3", "#efd3d7", "#feeafa", "#dee2ff"),
    "autumn": ("#2e1503", "#7f2f0b", "#c1440e", "#e8a33d", "#f6e3b4"),
    "ice": ("#0d1b2a", "#415a77", "#778da9", "#b8d8e8", "#f0f8ff"),
    "desert": ("#3d2817", "#8c5a32", "#c98b4f", "#e6c07b", "#f7e6c4"),
    "noir": ("#0b0b0c", "#2a2a2e", "#5c5c63", "#a3a3aa", "#ececef"),
    "monochrome": ("#111111", "#444444", "#7a7a7a", "#b4b4b4", "#efefef"),
    "bauhaus": ("#1d1d1b", "#0f4c9c", "#d62828", "#f2b705", "#f1ece1"),
    "retro": ("#264653", "#2a9d8f", "#e9c46a", "#f4a261", "#e76f51"),
    "synthwave": ("#120458", "#7a04eb", "#fe75fe", "#ff124f", "#ffb86c"),
    "candy": ("#5e2b97", "#f15bb5", "#fee440", "#00bbf9", "#fafafa"),
    "earth": ("#2f2419", "#5b4636", "#8a7256", "#b9a27f", "#e8dcc2"),
}

MOODS: dict[str, tuple[str, ...]] = {
    "calm": ("#1b3a4b", "#3d6e7d", "#7fa7a8", "#b8d3c8", "#eef4ee"),
    "serene": ("#1b3a4b", "#3d6e7d", "#7fa7a8", "#b8d3c8", "#eef4ee"),
    "wistful": ("#2e3047", "#5a5f86", "#9a8fb5", "#d3b8c8", "#f3e6e8"),
    "melancholy": ("#151b26", "#2f3a4f", "#56647d", "#8e99ab", "#cfd5de"),
    "sad": ("#151b26", "#2f3a4f", "#56647d", "#8e99ab", "#cfd5de"),
    "joyful": ("#3a0ca3", "#f72585", "#ff9e00", "#ffd60a", "#fff6cc"),
    "happy": ("#3a0ca3", "#f72585", "#ff9e00", "#ffd60a", "#fff6cc"),
    "angry": ("#120303", "#4a0808", "#9b1111", "#e0301e", "#ff9c5b"),
    "dreamy": ("#6d5a9c", "#a78bcf", "#f2a7c3", "#fcd5ce", "#fff1e6"),
    "eerie": ("#05120c", "#163a2a", "#3e6b48", "#8fae5d", "#d6e89a"),
    "spooky": ("#0b0614", "#2b0f3a", "#6a1b5c", "#e86a17", "#f9c74f"),
    "gloomy": ("#101214", "#272c30", "#464d52", "#6f777b", "#a2a9ab"),
    "cozy": ("#2b1b12", "#6b3e26", "#b5703d", "#e3b471", "#f8e6c9"),
    "energetic": ("#03045e", "#e63946", "#ff9f1c", "#2ec4b6", "#fdfffc"),
    "mysterious": ("#070b1a", "#1c2541", "#3a506b", "#5bc0be", "#c6f1e7"),
    "peaceful": ("#23423a", "#4d7c6f", "#8fb8a4", "#cde3d2", "#f5faf4"),
}

#: The light of a time of day, when the prompt names one and no colour, mood or palette.
LIGHT_PALETTES: dict[str, tuple[str, ...]] = {
    "dawn": ("#2e2a4f", "#6c5b8e", "#d98c9c", "#f6c28b", "#fdf0d5"),
    "noon": ("#1d3557", "#2f6f9f", "#6fb1d9", "#b8e0f0", "#f4faff"),
    "dusk": NAMED["sunset"],
    "night": ("#060914", "#141d3b", "#2d3f73", "#7c8fc4", "#e8ecff"),
    "neon": NAMED["neon"],
}

#: Palettes only subjects call for (not offered as a ``palette`` choice).
SUBJECT_ONLY: dict[str, tuple[str, ...]] = {
    "storm": ("#0e1720", "#2a3d4f", "#587186", "#a7b7c2", "#f3e3b3"),
    "snow": ("#1c2a3a", "#4d6580", "#9fb4c8", "#dbe6ef", "#fbfdff"),
    "meadow": ("#1f2d16", "#4a6b2a", "#9bbf4f", "#f0d36b", "#fbf6e0"),
}

#: Subjects that suggest a palette when the prompt names no colour, mood, palette or light.
SUBJECT_PALETTES = {
    "sea": "ocean", "lake": "ocean", "river": "ocean", "rain": "ice", "forest": "forest", "pine": "forest",
    "tree": "forest", "sun": "sunset", "city": "synthwave", "desert": "desert", "snow": "snow", "glacier": "ice",
    "mountains": "earth", "koi": "sunset", "field": "autumn", "wheat": "autumn",
    "canyon": "desert", "volcano": "autumn", "storm": "storm", "fog": "monochrome", "flowers": "meadow",
    "lightning": "storm", "hills": "meadow",
}


def _hex(colour: str) -> tuple[int, int, int]:
    colour = colour.lstrip("#")
    return (int(colour[0:2], 16), int(colour[2:4], 16), int(colour[4:6], 16))


def _luma(rgb: Sequence[float]) -> float:
    return 0.2126 * rgb[0] + 0.7152 * rgb[1] + 0.0722 * rgb[2]


def _hsv(h: float, s: float, v: float) -> tuple[int, int, int]:
    r, g, b = colorsys.hsv_to_rgb((h % 360) / 360.0, min(max(s, 0.0), 1.0), min(max(v, 0.0), 1.0))
    return (round(r * 255), round(g * 255), round(b * 255))


@dataclass(frozen=True)
class Palette:
    """Colours sorted dark to light; ``name`` is what the result message shows."""

    name: str
    colours: tuple[tuple[int, int, int], ...]

    @classmethod
    def of(cls, name: str, colours: Sequence[Sequence[int]]) -> Palette:
        cols = tuple(sorted((tuple(int(c) for c in rgb) for rgb in colours), key=_luma))
        return cls(name, cols)  # type: ignore[arg-type]

    @classmethod
    def from_hex(cls, name: str, colours: Sequence[str]) -> Palette:
        return cls.of(name, [_hex(c) for c in colours])

    def hex(self) -> tuple[str, ...]:
        return tuple("#{:02x}{:02x}{:02x}".format(*c) for c in self.colours)

    def array(self) -> np.ndarray:
        return np.asarray(self.colours, dtype=np.float32) / 255.0

    def colour(self, index: int) -> np.ndarray:
        cols = self.array()
        return cols[min(max(index, -len(cols)), len(cols) - 1)]

    def ramp(self, t: np.ndarray) -> np.ndarray:
        """Map tones 0..1 to colours along the palette (a gradient map), as H×W×3 float32."""
        cols = self.array()
        lut_t = np.linspace(0.0, 1.0, 1024, dtype=np.float32)
        stops = np.linspace(0.0, 1.0, len(cols), dtype=np.float32)
        lut = np.stack([np.interp(lut_t, stops, cols[:, c]) for c in range(3)], axis=-1).astype(np.float32)
        index = np.clip(t * 1023.0 + 0.5, 0, 1023).astype(np.int32)
        return lut[index]


def from_colour_words(words: Sequence[str]) -> Palette:
    """Shades of the named colours: the first word dominates, others join as mid tones."""
    hsvs = [COLOURS[w] for w in words]
    h, s, v = hsvs[0]
    if len(hsvs) == 1:
        cols = [_hsv(h, s * 0.95, v * 0.22), _hsv(h, s, v * 0.55), _hsv(h, s, v),
                _hsv(h + 4, s * 0.7, min(1.0, v * 1.1)), _hsv(h + 8, s * 0.3, 0.97)]
    else:
        # Two or three colours: each gets its own stops (dark and full), so the second colour is as
        # present as the first instead of one highlight that most styles never reach.
        h2, s2, v2 = hsvs[1]
        h3, s3, v3 = hsvs[2] if len(hsvs) > 2 else (h, s * 0.6, min(1.0, v * 1.15))
        cols = [_hsv(h, s * 0.95, v * 0.3), _hsv(h2, s2 * 0.95, v2 * 0.5), _hsv(h, s, v),
                _hsv(h2, s2, v2), _hsv(h3, s3, v3)]
    return Palette.of("+".join(words), cols)


def random_palette(dice: Dice) -> Palette:
    """A harmonious palette from the seed: one hue family plus a related accent."""
    hue = dice.real(0, 360)
    scheme = dice.choice(("analogous", "complementary", "triad", "split"))
    offsets = {"analogous": 35, "complementary": 180, "triad": 120, "split": 150}
    accent = hue + offsets[scheme]
    sat = dice.real(0.45, 0.85)
    cols = [_hsv(hue, sat, 0.16), _hsv(hue + 10, sat, 0.45), _hsv(accent, sat * 0.9, 0.75),
            _hsv(hue - 10, sat * 0.6, 0.85), _hsv(accent + 15, sat * 0.2, 0.97)]
    return Palette.of(f"{scheme} {round(hue) % 360}°", cols)


def merge(a: Palette, b: Palette) -> Palette:
    """Half of each palette, alternating by lightness, for a blend."""
    cols = [a.colours[0], b.colours[1], a.colours[2], b.colours[3], a.colours[4]]
    return Palette.of(f"{a.name} × {b.name}", cols)


def pick_palette(colour_words: Sequence[str], named: str | None, mood: str | None,
                 subjects: Sequence[str], dice: Dice, light: str | None = None) -> Palette:
    """Colour words win, then an explicit/named palette, then a mood, the light, the subjects, then chance."""
    if colour_words:
        return from_colour_words(colour_words)
    if named and named in NAMED:
        return Palette.from_hex(named, NAMED[named])
    if mood and mood in MOODS:
        return Palette.from_hex(mood, MOODS[mood])
    if light and light in LIGHT_PALETTES:
        return Palette.from_hex(light, LIGHT_PALETTES[light])
    for subject in sorted(subjects, key=lambda s: s not in ("storm", "snow", "fog")):  # weather sets the mood
        if subject in SUBJECT_PALETTES:
            name = SUBJECT_PALETTES[subject]
            return Palette.from_hex(name, NAMED.get(name) or SUBJECT_ONLY[name])
    return random_palette(dice)
