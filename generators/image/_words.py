"""Reading a prompt: which style, colours, mood, named palette and subjects its words ask for."""

from __future__ import annotations

import re
from dataclasses import dataclass

from generators.image._palette import COLOURS, MOODS, NAMED

#: Style names (the ``style`` option's choices besides "auto") and how messages call them.
STYLE_LABELS: dict[str, str] = {
    "flow": "flow field",
    "watercolour": "watercolour wash",
    "mosaic": "Voronoi mosaic",
    "contour": "contour lines",
    "nebula": "nebula",
    "bauhaus": "geometric Bauhaus",
    "glitch": "glitch / pixel sort",
    "halftone": "halftone print",
}
STYLES = tuple(STYLE_LABELS)

STYLE_WORDS: dict[str, str] = {
    "flow": "flow", "flowing": "flow", "swirl": "flow", "swirling": "flow", "streams": "flow", "wind": "flow",
    "watercolour": "watercolour", "watercolor": "watercolour", "wash": "watercolour", "painted": "watercolour",
    "painting": "watercolour", "aquarelle": "watercolour",
    "mosaic": "mosaic", "voronoi": "mosaic", "stained": "mosaic", "tiles": "mosaic", "shards": "mosaic",
    "contour": "contour", "contours": "contour", "topographic": "contour", "topography": "contour",
    "topo": "contour", "map": "contour", "isolines": "contour",
    "nebula": "nebula", "cosmic": "nebula", "galaxy": "nebula", "space": "nebula", "cosmos": "nebula",
    "bauhaus": "bauhaus", "geometric": "bauhaus", "shapes": "bauhaus", "modernist": "bauhaus",
    "glitch": "glitch", "glitched": "glitch", "pixelsort": "glitch", "databend": "glitch", "corrupted": "glitch",
    "halftone": "halftone", "comic": "halftone", "dots": "halftone", "risograph": "halftone", "riso": "halftone",
    "print": "halftone", "newsprint": "halftone",
}

#: Option aliases for the ``style`` choice (the catalog matches them case-insensitively).
STYLE_ALIASES: dict[str, str] = {
    "watercolor": "watercolour", "voronoi": "mosaic", "topographic": "contour", "geometric": "bauhaus",
    "pixelsort": "glitch", "comic": "halftone", "flowfield": "flow", "flow-field": "flow",
}

SUBJECT_WORDS: dict[str, str] = {
    **dict.fromkeys(("sea", "ocean", "waves", "wave", "water", "lake", "bay", "shore", "beach", "harbour"), "sea"),
    **dict.fromkeys(("city", "skyline", "towers", "buildings", "street", "town", "downtown", "metropolis"), "city"),
    **dict.fromkeys(("forest", "trees", "tree", "woods", "pines", "pine", "jungle", "woodland"), "forest"),
    **dict.fromkeys(("sun", "sunset", "sunrise", "dawn", "dusk", "sunny", "sunlight"), "sun"),
    **dict.fromkeys(("moon", "lunar", "moonlight", "moonlit", "moonrise"), "moon"),
    **dict.fromkeys(("mountain", "mountains", "hills", "hill", "peaks", "peak", "alps", "valley", "cliffs"),
                    "mountains"),
    **dict.fromkeys(("rain", "rainy", "storm", "drizzle", "downpour", "raining"), "rain"),
    **dict.fromkeys(("stars", "star", "starry", "starlight", "constellation", "constellations"), "stars"),
    **dict.fromkeys(("snow", "snowy", "winter", "snowfall", "blizzard"), "snow"),
    **dict.fromkeys(("koi", "fish", "carp", "goldfish"), "koi"),
    **dict.fromkeys(("cloud", "clouds", "cloudy", "fog", "mist", "misty", "foggy"), "clouds"),
    **dict.fromkeys(("desert", "dunes", "dune", "sand", "sahara"), "desert"),
    **dict.fromkeys(("flower", "flowers", "blossom", "blossoms", "garden", "bloom", "meadow", "tulips"), "flowers"),
    **dict.fromkeys(("bird", "birds", "crows", "gulls", "swallows", "flock"), "birds"),
    **dict.fromkeys(("river", "creek", "brook", "canal"), "river"),
    **dict.fromkeys(("night", "midnight", "nocturnal", "nighttime"), "night"),
}
SUBJECTS = tuple(sorted(set(SUBJECT_WORDS.values())))
#: Words that change how a subject is drawn rather than adding one.
MODIFIERS = frozenset({"crescent", "full"})

NAMED_PALETTE_WORDS: dict[str, str] = {
    "vaporwave": "vaporwave", "neon": "neon", "pastel": "pastel", "autumn": "autumn", "autumnal": "autumn",
    "icy": "ice", "noir": "noir", "monochrome": "monochrome", "retro": "retro", "synthwave": "synthwave",
    "candy": "candy", "earthy": "earth", "ocean": "ocean", "sunset": "sunset",
}
MAX_SUBJECTS = 6


@dataclass(frozen=True)
class Reading:
    """What a prompt asks for; empty fields mean "let the seed decide"."""

    style: str | None
    colours: tuple[str, ...]
    palette: str | None
    mood: str | None
    subjects: tuple[str, ...]


def read_prompt(prompt: str) -> Reading:
    words = re.findall(r"[a-z]+", prompt.lower())
    style = next((STYLE_WORDS[w] for w in words if w in STYLE_WORDS), None)
    colours = tuple(dict.fromkeys(w for w in words if w in COLOURS))[:3]
    palette = next((NAMED_PALETTE_WORDS[w] for w in words if w in NAMED_PALETTE_WORDS), None)
    mood = next((w for w in words if w in MOODS), None)
    subjects = list(dict.fromkeys(SUBJECT_WORDS[w] for w in words if w in SUBJECT_WORDS))
    subjects = subjects[:MAX_SUBJECTS] + [w for w in dict.fromkeys(words) if w in MODIFIERS]
    return Reading(style, colours, palette if palette in NAMED else None, mood, tuple(subjects))
