"""Image commands: /sketch and the buttons an image result offers."""

from __future__ import annotations

from bot.catalog.spec import Command, FollowUp, Option, OptionType
from generators.base import KIND_IMAGE

PROMPT_LIMIT = 1000

COMMANDS = [
    Command(
        name="sketch",
        description="A picture sketch from your words (colours, moods, subjects)",
        options=(
            Option("prompt", OptionType.STRING, "What to draw", required=True, max_length=PROMPT_LIMIT),
            Option("seed", OptionType.INTEGER, "Seed for a repeatable result", min=0, max=2**31 - 1),
        ),
        generator="image.sketch",
        bare="prompt",
        group="images",
        examples=('/sketch prompt:"neon koi in the rain" seed:7', "/sketch misty forest at dawn"),
    ),
]

FOLLOW_UPS = {
    KIND_IMAGE: (FollowUp("Vary", "vary", {}, description="A variation of this picture"),),
}
