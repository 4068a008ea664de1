"""Commands every Jamroom has: vary, cancel, help."""

from __future__ import annotations

from bot.catalog.spec import Command, Option, OptionType

TO = Option("to", OptionType.ARTIFACT, "The artifact to build on (default: the thread's latest)", default="latest")

COMMANDS = [
    Command(
        name="vary",
        description="Make a variation of a result (any kind: image, grid cell, music)",
        options=(
            TO,
            Option("pick", OptionType.INTEGER, "Which cell of a 2×2 grid (1–4)", min=1, max=4),
            Option("amount", OptionType.CHOICE, "How far from the source", default="subtle",
                   choices=("subtle", "strong")),
            Option("seed", OptionType.INTEGER, "Seed for a repeatable result", min=0, max=2**31 - 1),
        ),
        action="vary",
        examples=("/vary", "/vary pick:2 amount:strong"),
    ),
    Command(
        name="cancel",
        description="Cancel your waiting job (the latest one, or job:<id>)",
        options=(Option("job", OptionType.STRING, "The job id shown when it was queued", max_length=64),),
        handler="cancel",
        examples=("/cancel",),
    ),
    Command(
        name="help",
        description="List the commands, or explain one",
        options=(Option("command", OptionType.STRING, "A command name", max_length=64),),
        handler="help",
        bare="command",
        examples=("/help", "/help sketch"),
    ),
]
