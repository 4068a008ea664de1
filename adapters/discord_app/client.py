"""The gateway half: a discord.py client that only receives interactions and hands them to :class:`Inbound`.

Slash commands and autocomplete arrive through ``on_interaction`` (there is no
discord.py CommandTree: the commands are the catalog's, synced as JSON by
`jamroom discord-sync`).  Buttons are one :class:`JamButton` ``DynamicItem`` whose
template reads the artifact from the ``custom_id``, so they work after a restart.
"""

from __future__ import annotations

import logging
import re
from typing import Any

import discord

from adapters.discord_app.inbound import Inbound
from adapters.discord_app.render import TEMPLATE
from bot.presentation import args_from

log = logging.getLogger(__name__)


class JamButton(discord.ui.DynamicItem[discord.ui.Button], template=TEMPLATE):
    def __init__(self, command: str, to: str = "", pick: str = "", extra: str = "") -> None:
        cid = f"jam:{command}:{to}:{pick}" + (f":{extra}" if extra else "")
        super().__init__(discord.ui.Button(label=command, custom_id=cid))
        self.command, self.to, self.pick, self.extra = command, to, pick, extra

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: discord.ui.Item[Any],
                             match: Any) -> JamButton:
        return cls(match["command"], match["to"] or "", match["pick"] or "", match["extra"] or "")

    async def callback(self, interaction: discord.Interaction) -> None:
        client = interaction.client
        if not isinstance(client, JamClient):
            return
        try:
            await client.inbound.click(interaction, self.command, args_from(self.to, self.pick, self.extra))
        except Exception:
            log.exception("button click failed", extra={"interaction": interaction.id})
            await _apologise(interaction)


class JamClient(discord.Client):
    def __init__(self, inbound: Inbound, **options: Any) -> None:
        options.setdefault("intents", discord.Intents(guilds=True))
        super().__init__(**options)
        self.inbound = inbound

    async def setup_hook(self) -> None:
        self.add_dynamic_items(JamButton)

    async def on_interaction(self, interaction: discord.Interaction) -> None:
        try:
            if interaction.type is discord.InteractionType.application_command:
                await self.inbound.command(interaction)
            elif interaction.type is discord.InteractionType.autocomplete:
                await self.inbound.autocomplete(interaction)
            elif interaction.type is discord.InteractionType.component and not _ours(interaction):
                await interaction.response.send_message("⚠️ this button is from an older Jamroom and no longer "
                                                        "works; run the command again", ephemeral=True)
        except Exception:
            log.exception("interaction failed", extra={"interaction": interaction.id})
            await _apologise(interaction)


def _ours(interaction: discord.Interaction) -> bool:
    """True when JamButton's template matches (discord.py dispatches those to the button)."""
    custom_id = str((interaction.data or {}).get("custom_id", ""))
    return re.fullmatch(TEMPLATE, custom_id) is not None


async def _apologise(interaction: discord.Interaction) -> None:
    """Say something rather than leave "thinking…" forever; the error itself is in the log."""
    text = "⚠️ something went wrong on our side; try again in a moment"
    try:
        if interaction.type is discord.InteractionType.autocomplete:
            return
        if interaction.response.is_done():
            await interaction.edit_original_response(content=text)
        else:
            await interaction.response.send_message(text, ephemeral=True)
    except discord.HTTPException:
        log.warning("could not tell the member about a failed interaction")
