"""Commands for the test generators, added to the product's catalog in tests."""

from __future__ import annotations

from bot.catalog.spec import Command, FollowUp, Option, OptionType

PROMPT = Option("prompt", OptionType.STRING, "Words", required=True, max_length=1000)

COMMANDS = [
    Command("echo", "Echo words back", (PROMPT, Option("seed", OptionType.INTEGER, "Seed", min=0, max=2**31 - 1)),
            generator="test.echo", bare="prompt", group="test"),
    Command("boom", "Always crashes", (PROMPT,), generator="test.boom", bare="prompt", group="test"),
    Command("refuse", "Always refuses", (PROMPT,), generator="test.refuse", bare="prompt", group="test"),
    Command("hang", "Never finishes", (PROMPT,), generator="test.hang", bare="prompt", group="test"),
    Command("huge", "Returns 100 MB", (PROMPT,), generator="test.huge", bare="prompt", group="test"),
]

FOLLOW_UPS = {"note": (FollowUp("Vary", "vary", {}),)}
