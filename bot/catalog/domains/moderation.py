"""Moderation and members' choices: AI labels, server settings, declarations, consent, removal, opt-out."""

from __future__ import annotations

from bot.catalog.spec import Command, Option, OptionType, Permission

ON_OFF = ("on", "off")
REQUEST = Option("to", OptionType.STRING, "The consent request id (shown in the request)", required=True,
                 max_length=64)

COMMANDS = [
    Command(
        name="labels",
        description="Show the AI-label policy, or (moderators) switch visible labels on or off",
        options=(
            Option("state", OptionType.CHOICE, "on or off", choices=ON_OFF),
            Option("scope", OptionType.CHOICE, "Where it applies", default="server", choices=("server", "channel")),
            Option("text", OptionType.STRING, "Label text; {generator} and {version} are filled in", max_length=200),
        ),
        handler="labels",
        bare="text",
        group="moderation",
        examples=("/labels", "/labels off", '/labels on scope:channel text:"🤖 made with Jamroom {generator}"'),
    ),
    Command(
        name="settings",
        description="Moderators: blocked words, channels the bot answers in, member limits, label text",
        options=(
            Option("block", OptionType.STRING, "Words or phrases to block in prompts, comma-separated",
                   max_length=500),
            Option("unblock", OptionType.STRING, "Blocked words to allow again, comma-separated", max_length=500),
            Option("channels", OptionType.STRING, "Where the bot answers: 'here', channel ids, or 'all'",
                   max_length=500),
            Option("member_jobs", OptionType.INTEGER, "Waiting jobs one member may have (0 = default)", min=0, max=50),
            Option("rate_limit", OptionType.INTEGER, "Jobs per member per window (0 = default)", min=0, max=1000),
            Option("rate_minutes", OptionType.INTEGER, "The rate-limit window in minutes", min=1, max=1440),
            Option("consent_hours", OptionType.NUMBER, "How long a consent request waits", min=0.01, max=168),
            Option("label_text", OptionType.STRING, "Text of the visible AI label", max_length=200),
        ),
        handler="settings",
        permission=Permission.MODERATOR,
        group="moderation",
        examples=("/settings", '/settings block:"word one, word two"', "/settings channels:here member_jobs:2"),
    ),
    Command(
        name="declare",
        description="Say how your uploaded file was made (shown in credits wherever it is used)",
        options=(
            Option("file", OptionType.FILE, "The file you uploaded"),
            Option("made", OptionType.CHOICE, "How it was made", required=True, choices=("human", "ai-assisted", "ai"),
                   aliases={"ai-made": "ai", "human-made": "human", "assisted": "ai-assisted"}),
        ),
        handler="declare",
        group="credits",
        examples=("/declare file:<drawing.png> made:human",),
    ),
    Command(
        name="consent",
        description="May others build on your work? allow, ask (you approve each) or deny; notices on or off",
        options=(
            Option("remix", OptionType.CHOICE, "allow, ask or deny", choices=("allow", "ask", "deny")),
            Option("notices", OptionType.CHOICE, "Tell me when someone builds on my work", choices=ON_OFF),
            Option("approve", OptionType.STRING, "A request id to approve", max_length=64),
            Option("decline", OptionType.STRING, "A request id to decline", max_length=64),
        ),
        handler="consent",
        bare="remix",
        group="credits",
        examples=("/consent", "/consent remix:ask", "/consent notices:off"),
    ),
    Command(name="approve", description="Approve a request to build on your work", options=(REQUEST,),
            handler="approve", bare="to", group="credits", examples=("/approve r1a2b3c4d5e6",)),
    Command(name="decline", description="Decline a request to build on your work", options=(REQUEST,),
            handler="decline", bare="to", group="credits", examples=("/decline r1a2b3c4d5e6",)),
    Command(
        name="remove",
        description="Remove a result (its author or a moderator): deletes the message and files, keeps a tombstone",
        options=(
            Option("artifact", OptionType.STRING, "The artifact id", required=True, max_length=64),
            Option("reason", OptionType.STRING, "Why (kept in the record)", max_length=200),
        ),
        handler="remove",
        bare="artifact",
        group="moderation",
        examples=("/remove a1b2c3d4e5f",),
    ),
    Command(
        name="optout",
        description="Hide your display name in credits and files made from now on (a stable pseudonym instead)",
        options=(Option("state", OptionType.CHOICE, "on hides your name; off shows it again", default="on",
                        choices=ON_OFF),),
        handler="optout",
        bare="state",
        group="credits",
        examples=("/optout", "/optout off"),
    ),
]
