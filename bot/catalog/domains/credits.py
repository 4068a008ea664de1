"""Credits: who made what, in a thread or for one artifact."""

from __future__ import annotations

from bot.catalog.spec import Command, Option, OptionType

COMMANDS = [
    Command(
        name="credits",
        description="Who contributed what in this thread, or an artifact's lineage",
        options=(
            Option("artifact", OptionType.STRING, "An artifact id, 'me', or empty for the whole thread", max_length=64),
            Option("format", OptionType.CHOICE, "Export format", default="text", choices=("text", "md", "json", "csv")),
        ),
        handler="credits",
        bare="artifact",
        group="credits",
        examples=("/credits", "/credits me", "/credits artifact:a1b2c3 format:md"),
    ),
]
