"""Reading a prompt: which style, colours (and what they colour), mood, light, named palette and
subjects its words ask for."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from generators.image._dice import derive
from generators.image._palette import COLOURS, MOODS, NAMED
from generators.image._vocab import SUBJECT_INFO, WORDS, find_subjects, tokens

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

#: Words that change how a subject is drawn rather than adding one.
MODIFIERS = frozenset({"crescent", "full"})

#: Time-of-day words -> the light the sky takes.
LIGHT_WORDS: dict[str, str] = {
    **dict.fromkeys(("dawn", "sunrise", "daybreak", "morning", "first light", "aurora-dawn"), "dawn"),
    **dict.fromkeys(("noon", "midday", "day", "daytime", "afternoon", "daylight", "bright"), "noon"),
    **dict.fromkeys(("dusk", "sunset", "evening", "twilight", "sundown", "golden hour", "gloaming"), "dusk"),
    **dict.fromkeys(("night", "midnight", "nighttime", "nocturnal", "dark", "darkness", "tonight"), "night"),
    **dict.fromkeys(("neon", "cyberpunk", "synthwave", "vaporwave", "nightclub"), "neon"),
}
#: Light words that also put their body in the sky.
LIGHT_BODIES = {"sunrise": "sun", "sunset": "sun", "sundown": "sun", "moonrise": "moon"}

#: Little words that never shape a picture (they are not "unknown words" either).
STOPWORDS = frozenset(
    "a an the of in on at under over with and or by near beside behind above below into onto through from to "
    "for its it is are this that some very my our your their his her as like amid among across along around "
    "while who which where there here made".split()
)
#: Words that stop a colour word from reaching further for its subject ("red sky over a fox").
_COLOUR_STOPS = frozenset("in on at under over with by near beside behind above below into onto through from to "
                          "for while who which where".split())
SKY_WORDS = frozenset({"sky", "skies", "heavens"})

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
    #: Every colour word, in order; ``loose`` are those not bound to a subject (they set the palette).
    colours: tuple[str, ...]
    palette: str | None
    mood: str | None
    #: The subjects to draw (vocabulary names) and, for each, the word it came from.
    subjects: tuple[str, ...]
    words: tuple[str, ...] = ()
    #: (subject or "sky", colour word) for colours that name what they colour ("a red fox").
    tints: tuple[tuple[str, str], ...] = ()
    loose: tuple[str, ...] = ()
    light: str | None = None
    mods: tuple[str, ...] = ()
    #: Words nobody recognised, hashed: they still move the layout and the palette.
    salt: int = 0


def read_prompt(prompt: str, leave_out: Sequence[str] = ()) -> Reading:
    """Read a prompt; ``leave_out`` (the ``no`` option) names subjects or colours not to draw."""
    words = tokens(prompt)
    banned_words = {w for item in leave_out for w in tokens(str(item))}
    banned = {WORDS.get(w, w) for w in banned_words} | banned_words
    style = next((STYLE_WORDS[w] for w in words if w in STYLE_WORDS), None)
    palette = next((NAMED_PALETTE_WORDS[w] for w in words if w in NAMED_PALETTE_WORDS), None)
    mood = next((w for w in words if w in MOODS), None)
    light = next((LIGHT_WORDS[w] for w in words if w in LIGHT_WORDS), None)
    spans = find_subjects(words)
    subjects: dict[str, str] = {}
    for w in words:
        if w in LIGHT_BODIES and LIGHT_BODIES[w] not in banned:
            subjects.setdefault(LIGHT_BODIES[w], w)
    for start, end, name in spans:
        if name not in banned:
            subjects.setdefault(name, " ".join(words[start:end]))
    starts = {start: name for start, _end, name in spans}
    colours = tuple(dict.fromkeys(w for w in words if w in COLOURS and w not in banned))
    tints: dict[tuple[str, str], None] = {}
    for i, w in enumerate(words):
        if w not in colours:
            continue
        for j in range(i + 1, min(len(words), i + 5)):
            if words[j] in _COLOUR_STOPS:
                break
            if j in starts and starts[j] in subjects:
                tints[(starts[j], w)] = None
                break
            if words[j] in SKY_WORDS:
                tints[("sky", w)] = None
                break
    bound = {c for _t, c in tints}
    loose = tuple(c for c in colours if c not in bound)
    covered = {k for start, end, _n in spans for k in range(start, end)}
    known = set(STYLE_WORDS) | set(NAMED_PALETTE_WORDS) | set(MOODS) | set(LIGHT_WORDS) | set(COLOURS) | \
        STOPWORDS | MODIFIERS | SKY_WORDS
    unknown = sorted({w for k, w in enumerate(words) if k not in covered and w not in known and len(w) > 1})
    salt = derive(0, " ".join(unknown)) % 2**31 if unknown else 0
    names = list(subjects)[:MAX_SUBJECTS]
    mods = tuple(dict.fromkeys(w for w in words if w in MODIFIERS))
    return Reading(style, colours[:3], palette if palette in NAMED else None, mood, tuple(names),
                   tuple(subjects[n] for n in names), tuple(tints), loose[:3], light, mods, salt)


SUBJECTS = tuple(sorted(SUBJECT_INFO))
