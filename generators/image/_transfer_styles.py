"""Names for the 26-style network's styles, and how any /restyle target becomes a style vector.

The network came without names (its author says so); these describe what each style paints, seen
on our test photos, so members can pick by word.  The index is the network's own style number.
"""

from __future__ import annotations

from typing import NamedTuple


class Painting(NamedTuple):
    index: int
    name: str
    description: str


PAINTINGS: tuple[Painting, ...] = (
    Painting(0, "golden-hour", "soft daubs of warm yellow and sky blue, like a sunny impressionist study"),
    Painting(1, "pop-outline", "flat lemon yellow and white fields inside heavy black outlines, poster-like"),
    Painting(2, "pastel-sketch", "pale chalky washes held together by dark contour strokes"),
    Painting(3, "carnival", "shattered shards of red, orange and electric blue, loud and abstract"),
    Painting(4, "fauve", "hot reds and yellows with bold dark contours, Fauvist colour"),
    Painting(5, "ember", "fiery oranges and reds laid on in brushy strokes"),
    Painting(6, "night-beads", "dark indigo cells dotted with bronze, like a beaded night sky"),
    Painting(7, "expressionist", "deep blue, black and blazing yellow in heavy simplified shapes"),
    Painting(8, "crayon", "white paper hatched with cyan, yellow and pink crayon"),
    Painting(9, "tapestry", "dense teal and crimson woven marks, like patterned fabric"),
    Painting(10, "sepia-oil", "brown earth tones with a fine canvas texture, old-master oil"),
    Painting(11, "etching", "cream and ochre with fine black ink line work"),
    Painting(12, "lavender-haze", "soft lilac and butter-yellow haze, gentle impressionism"),
    Painting(13, "absinthe", "acid green and teal with dark outlines"),
    Painting(14, "frost", "pale ice blue and grey wash, wintry and quiet"),
    Painting(15, "stained-glass", "pastel glass pieces in dark leading"),
    Painting(16, "starry-swirl", "swirling blue and gold brushstrokes, Van Gogh-like"),
    Painting(17, "brickwork", "orange, red and blue rectangles stacked in a woven grid"),
    Painting(18, "parchment", "monochrome sepia wash on cream paper"),
    Painting(19, "cobalt", "cobalt blue with flecks of gold in dense short strokes"),
    Painting(20, "inferno", "crimson and scarlet with dark scorched strokes"),
    Painting(21, "cut-paper", "flat pink, cream and black shapes, like paper cut-outs"),
    Painting(22, "woodcut", "bold dark carved lines on cream with red accents"),
    Painting(23, "smoky-olive", "muted olive, black and skin tones, soft and moody"),
    Painting(24, "delft", "cream ground with blue patterned strokes, like delftware"),
    Painting(25, "tesserae", "small tiles of blue, orange and cream, a busy mosaic"),
)

BY_NAME: dict[str, Painting] = {p.name: p for p in PAINTINGS}
NAMES: tuple[str, ...] = tuple(p.name for p in PAINTINGS)
ALIASES: dict[str, str] = {
    "van-gogh": "starry-swirl", "vangogh": "starry-swirl", "starry": "starry-swirl", "matisse": "cut-paper",
    "mosaic-tiles": "tesserae", "sepia": "parchment", "impressionist": "golden-hour", "pop": "pop-outline",
    "pastel": "pastel-sketch", "ink": "etching", "glass": "stained-glass", "fabric": "tapestry",
}
#: Painting styles that suit the painterly finish on /sketch (soft, colour-keeping brushwork).
PAINTERLY: tuple[str, ...] = ("golden-hour", "fauve", "lavender-haze", "starry-swirl", "cobalt", "sepia-oil")
