"""/groove: play a sketch's or a member's drum part with a human feel (timing, accents, ghost notes)."""

from __future__ import annotations

from bot.catalog.spec import Command, FollowUp, Option, OptionType
from generators.base import KIND_MUSIC
from generators.music.groove import DEFAULT_AMOUNT, FEEL_ALIASES, FEELS

COMMANDS = [
    Command(
        name="groove",
        description="Humanise a sketch's drums: straight, swing, laid-back, pushed or shuffle feel",
        options=(
            Option("to", OptionType.ARTIFACT, "The sketch or uploaded riff whose drums to play (default: the "
                   "thread's latest)", default="latest", kinds=(KIND_MUSIC,)),
            Option("feel", OptionType.CHOICE, "How the drummer plays it", default="straight", choices=FEELS,
                   aliases=dict(FEEL_ALIASES)),
            Option("amount", OptionType.INTEGER, "How strongly: 0 plays the grid, 100 the full feel",
                   default=DEFAULT_AMOUNT, min=0, max=100),
            Option("seed", OptionType.INTEGER, "Seed for a repeatable result", min=0, max=2**31 - 1),
        ),
        action="groove",
        group="music",
        examples=("/groove feel:swing", "/groove feel:laid-back amount:80"),
    ),
]

FOLLOW_UPS = {
    KIND_MUSIC: (
        FollowUp("Groove", "groove", {"feel": "laid-back"}, row=2,
                 description="Play the drums laid-back, with ghost notes"),
    ),
}
