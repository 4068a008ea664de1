"""Interactions in, acknowledgements out: slash commands, button clicks, autocomplete.

Private first: every refusal we can know before the job is queued (a DM, a bad option,
an oversized attachment, permission, policy, an unknown or removed artifact, consent)
is answered at once and only to the member; only a command that passes those checks
is deferred publicly, then submitted, and the deferred reply shows "queued · position N".
A check or handler slower than ``ANSWER_BUDGET`` is deferred *ephemerally*, so a late
refusal stays private too.  It never generates.
"""

from __future__ import annotations

import asyncio
import io
import logging
import mimetypes
import time
from collections.abc import Coroutine
from dataclasses import replace
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands

from adapters.discord_app import commands, threads
from adapters.discord_app.config import DiscordSettings
from adapters.discord_app.rest import DiscordRest, RestError
from bot.catalog.parse import validate
from bot.catalog.spec import Command, OptionType
from bot.errors import UserError
from bot.models import Origin, Upload
from bot.reply import Reply

if TYPE_CHECKING:
    from bot.runtime import Jamroom

log = logging.getLogger(__name__)

MAX_TEXT = 2000
#: Seconds an immediate answer may take before the interaction is deferred (Discord allows 3).
ANSWER_BUDGET = 1.5
DM_TEXT = "Jamroom works in servers: use this in a server, in a channel where the bot is."
_MIME_BY_SUFFIX = {".mid": "audio/midi", ".midi": "audio/midi", ".png": "image/png", ".jpg": "image/jpeg",
                   ".jpeg": "image/jpeg", ".webp": "image/webp"}


def _mime(content_type: str | None, filename: str) -> str:
    if content_type:
        return content_type.split(";")[0].strip().lower()
    suffix = "." + filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    return _MIME_BY_SUFFIX.get(suffix) or mimetypes.guess_type(filename)[0] or "application/octet-stream"


class Inbound:
    def __init__(self, jam: Jamroom, settings: DiscordSettings, rest: DiscordRest | None = None) -> None:
        self.jam = jam
        self.settings = settings
        self.rest = rest or DiscordRest(settings.token)

    # -- who and where ----------------------------------------------------------------------

    def is_moderator(self, interaction: discord.Interaction) -> bool:
        if interaction.permissions.manage_guild:
            return True
        role = self.settings.moderator_role
        if not role:
            return False
        user = interaction.user
        # Role names need the guild cached; the member's raw role ids come with every interaction.
        if any(r.name == role for r in getattr(user, "roles", [])):
            return True
        return role in {str(r) for r in getattr(user, "_roles", ())}

    def origin(self, interaction: discord.Interaction, **reply: Any) -> Origin:
        channel = interaction.channel
        channel_id = str(interaction.channel_id or "")
        if isinstance(channel, discord.Thread) and channel.parent_id:
            parent, thread = str(channel.parent_id), channel_id
        else:
            parent, thread = channel_id, ""
        user = interaction.user
        handles = {"app": str(interaction.application_id), "token": interaction.token, "at": time.time(),
                   "limit": int(getattr(interaction, "filesize_limit", 0) or self.settings.attachment_limit),
                   "post_to": channel_id, "interaction": str(interaction.id), **reply}
        return Origin(platform="discord", workspace=str(interaction.guild_id), channel=parent, thread=thread,
                      member_id=str(user.id), member_name=getattr(user, "display_name", None) or user.name,
                      event_id=str(interaction.id), is_moderator=self.is_moderator(interaction), reply=handles)

    # -- slash commands -----------------------------------------------------------------------

    async def command(self, interaction: discord.Interaction) -> None:
        data: dict[str, Any] = dict(interaction.data or {})
        name = str(data.get("name", ""))
        if interaction.guild_id is None:
            await interaction.response.send_message(DM_TEXT, ephemeral=True)
            return
        command = self.jam.catalog.get(name)
        if command is None:
            await interaction.response.send_message(f"⚠️ /{name} is not a Jamroom command; try /help",
                                                    ephemeral=True)
            return
        options = commands.flatten(data.get("options"))
        try:
            attachments = self._check_attachments(command, options, data.get("resolved") or {})
            validate(command, options)
        except UserError as exc:
            await interaction.response.send_message(f"⚠️ {exc.message}", ephemeral=True)
            return
        origin = self.origin(interaction)
        if command.handler:
            await self._answer_soon(interaction, self._submit(command, options, origin, {}))
            return
        await self._fill_from_thread(command, options, origin)
        origin = await self._private_first(interaction, command.name, options, origin)
        if origin is None:
            return
        try:
            uploads = await self._download(attachments)
        except RestError as exc:
            await self.answer(interaction, Reply.error(f"could not fetch your file: {exc}"))
            return
        await self.answer(interaction, await self.jam.submit_options(command.name, options, origin, uploads))

    async def _private_first(self, interaction: discord.Interaction, name: str, options: dict[str, Any],
                             origin: Origin) -> Origin | None:
        """Refuse privately or defer: publicly once the checks pass within the budget; ephemerally when they
        are slow (the result then goes to the channel as a bot message).  None when refused."""
        check = asyncio.ensure_future(self.jam.door.precheck(name, options, origin))
        done, _ = await asyncio.wait({check}, timeout=ANSWER_BUDGET)
        if done:
            refusal = check.result()
            if refusal:
                await interaction.response.send_message(f"⚠️ {refusal}"[:MAX_TEXT], ephemeral=True)
                return None
            await interaction.response.defer(thinking=True)
            return origin
        await interaction.response.defer(thinking=True, ephemeral=True)
        refusal = await check
        if refusal:
            await self.answer(interaction, Reply.error(refusal))
            return None
        return replace(origin, reply={**origin.reply, "bot_post": True})

    async def _submit(self, command: Command, options: dict[str, Any], origin: Origin,
                      uploads: dict[str, Upload]) -> Reply:
        await self._fill_from_thread(command, options, origin)
        return await self.jam.submit_options(command.name, options, origin, uploads)

    async def _answer_soon(self, interaction: discord.Interaction, work: Coroutine[Any, Any, Reply]) -> None:
        """Answers the core gives at once (help, credits, cancel) go straight back, privately when they are
        private; only one that takes longer than the budget is deferred first."""
        task = asyncio.ensure_future(work)
        done, _ = await asyncio.wait({task}, timeout=ANSWER_BUDGET)
        if not done:  # we can't know yet whether the answer is private: defer privately, post public ones anew
            await interaction.response.defer(thinking=True, ephemeral=True)
            interaction.extras["deferred_privately"] = True
        await self.answer(interaction, await task)

    def _check_attachments(self, command: Command, options: dict[str, Any],
                           resolved: dict[str, Any]) -> dict[str, tuple[dict[str, Any], str, int]]:
        """Size and type from the interaction's metadata, before anything is downloaded."""
        found: dict[str, tuple[dict[str, Any], str, int]] = {}
        table = resolved.get("attachments") or {}
        for opt in commands.file_options(command):
            ref = options.pop(opt.name, None)
            meta = table.get(str(ref)) if ref is not None else None
            if meta is None:
                if opt.required:
                    raise UserError(f"/{command.name} needs {opt.name}: attach a file")
                continue
            filename = str(meta.get("filename") or "upload")
            size = int(meta.get("size") or 0)
            mime = _mime(meta.get("content_type"), filename)
            if opt.max_bytes is not None and size > opt.max_bytes:
                raise UserError(f"{opt.name} is too large: {size / 1e6:.1f} MB (limit {opt.max_bytes / 1e6:.0f} MB)")
            if opt.mimes and mime not in opt.mimes:
                raise UserError(f"{opt.name} must be {', '.join(m.split('/')[-1] for m in opt.mimes)}; got {mime}")
            options[opt.name] = "upload"
            found[opt.name] = (meta, mime, opt.max_bytes or self.settings.attachment_limit)
        return found

    async def _download(self, attachments: dict[str, tuple[dict[str, Any], str, int]]) -> dict[str, Upload]:
        uploads: dict[str, Upload] = {}
        for slot, (meta, mime, limit) in attachments.items():
            data = await self.rest.download(str(meta["url"]), limit)
            name = str(meta.get("filename") or "upload")
            uploads[slot] = await self.jam.door.save_upload(name, mime, data)
        return uploads

    async def _fill_from_thread(self, command: Command, options: dict[str, Any], origin: Origin) -> None:
        """In a jam thread with nothing made inside it yet, "latest" means the result it was opened from."""
        if not origin.thread:
            return
        wants = [o for o in command.options if o.type is OptionType.ARTIFACT and options.get(o.name) is None
                 and o.default == "latest"]
        credits = command.handler == "credits" and not options.get("artifact")
        if not wants and not credits:
            return
        if await self.jam.ledger.latest(origin.thread_key) is not None:
            return
        first = await threads.starter(self.jam.ledger, origin.thread_key)
        if first is None:
            return
        for opt in wants:
            options[opt.name] = first
        if credits:
            options["artifact"] = first

    async def answer(self, interaction: discord.Interaction, reply: Reply) -> None:
        """Acknowledge: at once when not yet answered (privately if the reply is private), else by editing
        the deferred reply.  A deferred reply is never followed up: Discord's first follow-up after a defer
        replaces the "thinking" message and keeps its (public) visibility, so editing is the honest option."""
        text, files = fit_text(reply)
        try:
            if not interaction.response.is_done():
                await interaction.response.send_message(text, ephemeral=reply.private, files=files)
            elif reply.queued and (reply.position or 0) <= 0:
                return  # the worker shows "working…" and then the result
            elif interaction.extras.get("deferred_privately") and reply.ok and not reply.private:
                # a public answer after a private defer: post it to the channel, and say so privately
                await self._post_publicly(interaction, reply)
                await interaction.edit_original_response(content="✅ posted in the channel")
            else:
                await interaction.edit_original_response(content=text, attachments=files)
        except discord.HTTPException as exc:
            log.warning("could not answer an interaction", extra={"error": str(exc)})

    async def _post_publicly(self, interaction: discord.Interaction, reply: Reply) -> None:
        text, files = fit_text(reply)
        payload = {"content": text, "allowed_mentions": {"parse": []}}
        data = {f.filename: f.fp.read() for f in files}
        try:
            await self.rest.channel_message(str(interaction.channel_id), payload, data or None)
        except Exception as exc:
            log.warning("could not post a public answer", extra={"error": str(exc)})

    # -- buttons ------------------------------------------------------------------------------

    async def click(self, interaction: discord.Interaction, command: str, args: dict[str, Any]) -> None:
        """A follow-up button: the clicker runs the command on that artifact and is credited."""
        if interaction.guild_id is None:  # a DM: only a consent request's Approve / Decline works here
            origin = await self._dm_origin(interaction, args)
            if origin is None:
                await interaction.response.send_message(DM_TEXT, ephemeral=True)
                return
            await self._answer_soon(interaction, self.jam.submit_options(command, args, origin))
            return
        spec = self.jam.catalog.get(command)
        to_option = spec.option("to") if spec is not None else None
        target = args.get("to") if to_option is not None and to_option.type is OptionType.ARTIFACT else None
        artifact = await self.jam.ledger.artifact(target) if target else None
        if target and (artifact is None or not artifact.thread.startswith(f"discord:{interaction.guild_id}:")):
            await interaction.response.send_message(
                f"⚠️ that result ({target}) was removed, so its buttons no longer work", ephemeral=True)
            return
        origin = self.origin(interaction)
        origin = await self._private_first(interaction, command, args, origin)
        if origin is None:
            return
        message = interaction.message
        if message is not None and not origin.thread:
            # A button under a first result in the channel: the work goes on in that result's jam thread,
            # which the interaction token cannot reach, so the result goes there as a bot message.
            key = threads.thread_key(origin, str(message.id))
            if await threads.starter(self.jam.ledger, key) is not None:
                origin = replace(origin, reply={**origin.reply, "bot_post": True}, thread=str(message.id))
        reply = await self.jam.submit_options(command, args, origin)
        await self.answer(interaction, reply)

    async def _dm_origin(self, interaction: discord.Interaction, args: dict[str, Any]) -> Origin | None:
        """The server a DM click answers for: the consent request it names, which this member owns."""
        request = await self.jam.consent.get(str(args.get("to") or "")) if args.get("to") else None
        if request is None:
            return None
        suffix = f":{interaction.user.id}"
        owner = next((o for o in request.owners if o["member"].startswith("discord:")
                      and o["member"].endswith(suffix)), None)
        if owner is None:
            return None
        workspace = owner["member"].split(":")[1]
        return replace(self.origin(interaction), workspace=workspace)

    # -- autocomplete -------------------------------------------------------------------------

    async def autocomplete(self, interaction: discord.Interaction) -> None:
        data: dict[str, Any] = dict(interaction.data or {})
        command = self.jam.catalog.get(str(data.get("name", "")))
        found = commands.focused(data.get("options"))
        choices: list[app_commands.Choice[str]] = []
        if command is not None and found is not None and interaction.guild_id is not None:
            opt = command.option(found[0])
            typed = found[1].strip().casefold()
            if opt is not None and opt.type is OptionType.ARTIFACT:
                choices = await self._recent(self.origin(interaction), opt.kinds, typed)
            elif opt is not None and opt.choices:
                choices = [app_commands.Choice(name=c, value=c) for c in opt.choices if typed in c.casefold()][:25]
        await interaction.response.autocomplete(choices)

    async def _recent(self, origin: Origin, kinds: tuple[str, ...], typed: str) -> list[app_commands.Choice[str]]:
        """The thread's recent results, newest first, and the result the thread was opened from."""
        arts = await self.jam.door.recent(origin.thread_key, limit=50)
        if origin.thread:
            first = await threads.starter(self.jam.ledger, origin.thread_key)
            starter = await self.jam.ledger.artifact(first) if first else None
            if starter is not None:
                arts.append(starter)
        out: list[app_commands.Choice[str]] = []
        for a in arts:
            label = f"{a.id} · {a.kind} · {a.summary or a.spec.get('prompt') or ''}".strip(" ·")
            if kinds and a.kind not in kinds:
                continue
            if typed and typed not in label.casefold():
                continue
            out.append(app_commands.Choice(name=label[:100], value=a.id))
            if len(out) == 25:
                break
        return out


def fit_text(reply: Reply) -> tuple[str, list[discord.File]]:
    """Discord's 2,000 characters: a longer answer (the full /help) also comes as a text file."""
    files = [discord.File(io.BytesIO(a.data), filename=a.name) for a in reply.attachments]
    text = reply.text
    if len(text) > MAX_TEXT:
        cut = text.rfind("\n", 0, MAX_TEXT - 60)
        text = text[: cut if cut > 0 else MAX_TEXT - 60] + "\n… (the full text is attached)"
        files.append(discord.File(io.BytesIO(reply.text.encode()), filename="jamroom.txt"))
    return text, files
