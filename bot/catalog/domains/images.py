"""Image commands: /sketch, /upscale, /reroll, /restyle, /blend and the buttons image results offer."""

from __future__ import annotations

from bot.catalog.spec import Command, FollowUp, Option, OptionType
from generators.base import KIND_IMAGE, KIND_IMAGE_GRID
from generators.image._palette import NAMED
from generators.image._transfer_styles import ALIASES as PAINTING_ALIASES
from generators.image._transfer_styles import NAMES as PAINTING_NAMES
from generators.image._transfer_styles import PAINTINGS
from generators.image._words import STYLE_ALIASES, STYLES

PROMPT_LIMIT = 1000
UPLOAD_LIMIT = 10 * 1024 * 1024
IMAGE_MIMES = ("image/png", "image/jpeg", "image/webp")
ARS = ("1:1", "4:3", "3:4", "3:2", "2:3", "16:9", "9:16", "2:1", "1:2")

SEED = Option("seed", OptionType.INTEGER, "Seed for a repeatable result", min=0, max=2**31 - 1)
STYLE = Option("style", OptionType.CHOICE, "Drawing style (auto: from your words, else by chance)", default="auto",
               choices=("auto", *STYLES), aliases=STYLE_ALIASES)
GRID = Option("to", OptionType.ARTIFACT, "The grid to work on (default: the thread's latest)", default="latest",
              kinds=(KIND_IMAGE_GRID,))
PICK = Option("pick", OptionType.INTEGER, "Which cell of the 2×2 grid (1–4, left to right, top to bottom)",
              required=True, min=1, max=4)
PICTURE_KINDS = (KIND_IMAGE, KIND_IMAGE_GRID)
#: The 26 painting styles of the learned network, by name, each with one line saying what it paints.
PAINTING_STYLES: dict[str, str] = {p.name: p.description for p in PAINTINGS}
RESTYLE_STYLE = Option(
    "style", OptionType.CHOICE,
    "One of our drawing styles or 26 painting styles (auto: a painting style by chance)",
    default="auto", choices=("auto", *STYLES, *PAINTING_NAMES),
    aliases={**STYLE_ALIASES, **{k: v for k, v in PAINTING_ALIASES.items() if k not in STYLE_ALIASES}},
)
FINISH = Option("finish", OptionType.CHOICE, "painterly: repaint the grid with the learned style network",
                default="none", choices=("none", "painterly"), aliases={"paint": "painterly", "painted": "painterly"})

COMMANDS = [
    Command(
        name="sketch",
        description="A 2×2 grid of picture sketches from your words (colours, moods, subjects)",
        options=(
            Option("prompt", OptionType.STRING, "What to draw", required=True, max_length=PROMPT_LIMIT),
            STYLE,
            Option("ar", OptionType.CHOICE, "Aspect ratio", default="1:1", choices=ARS,
                   aliases={"square": "1:1", "landscape": "3:2", "portrait": "2:3", "wide": "16:9", "tall": "9:16"}),
            Option("palette", OptionType.CHOICE, "A named palette (auto: from your colour and mood words)",
                   default="auto", choices=("auto", *NAMED)),
            Option("no", OptionType.STRING, "Subjects or colours to leave out, comma-separated", max_length=200),
            FINISH,
            SEED,
        ),
        aliases=("imagine",),
        generator="image.sketch",
        bare="prompt",
        group="images",
        examples=('/sketch prompt:"crimson koi under a full moon" seed:7', "/sketch misty forest at dawn",
                  '/sketch prompt:"city in the rain" style:glitch ar:16:9'),
    ),
    Command(
        name="upscale",
        description="One cell of a grid on its own at up to 2048 px, redrawn with more detail",
        options=(GRID, PICK, SEED),
        action="upscale",
        group="images",
        examples=("/upscale pick:3",),
    ),
    Command(
        name="reroll",
        description="The same request as a grid, with a new seed: four new takes",
        options=(GRID, SEED),
        action="reroll",
        group="images",
        examples=("/reroll",),
    ),
    Command(
        name="restyle",
        description="Your picture (PNG, JPEG or WebP; ≤ 10 MB, 40 MP) repainted by a learned style network",
        options=(
            Option("file", OptionType.FILE, "Your picture", required=True, mimes=IMAGE_MIMES, max_bytes=UPLOAD_LIMIT),
            RESTYLE_STYLE,
            Option("like", OptionType.ARTIFACT, "Paint it in the style of this picture instead (credited as a source)",
                   kinds=PICTURE_KINDS),
            Option("strength", OptionType.INTEGER, "How far the style moves from your picture's own (0–100)",
                   default=70, min=0, max=100),
            SEED,
        ),
        generator="image.restyle",
        action="restyle",
        group="images",
        examples=("/restyle file:<photo.jpg> style:starry-swirl", "/restyle file:<photo.jpg> like:a_12",
                  "/restyle file:<drawing.png> style:halftone strength:40"),
    ),
    Command(
        name="blend",
        description="Two pictures in each other's styles: a 2×2 grid (A in B's, B in A's, two mixes)",
        options=(
            Option("a", OptionType.ARTIFACT, "The first picture or grid", required=True, kinds=PICTURE_KINDS),
            Option("b", OptionType.ARTIFACT, "The second picture or grid", required=True, kinds=PICTURE_KINDS),
            Option("pick_a", OptionType.INTEGER, "Which cell of a's grid (1–4; default 1)", min=1, max=4),
            Option("pick_b", OptionType.INTEGER, "Which cell of b's grid (1–4; default 1)", min=1, max=4),
            SEED,
        ),
        generator="image.blend",
        action="blend",
        group="images",
        examples=("/blend a:a_12 b:a_34", "/blend a:a_12 b:a_34 pick_a:2 pick_b:4"),
    ),
]

FOLLOW_UPS = {
    KIND_IMAGE_GRID: (
        *(FollowUp(f"V{n}", "vary", {"pick": n}, row=0, description=f"Four variations of cell {n}")
          for n in range(1, 5)),
        FollowUp("🔁", "reroll", {}, row=0, description="Four new takes on the same request"),
        *(FollowUp(f"U{n}", "upscale", {"pick": n}, row=1, description=f"Cell {n} alone at 2048 px, more detail")
          for n in range(1, 5)),
    ),
    KIND_IMAGE: (FollowUp("Vary", "vary", {}, description="Four variations of this picture"),),
}
