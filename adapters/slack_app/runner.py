"""From a Slack payload to the core: parse, check, post the header, submit, answer privately.

Runs after ``ack()``, so Slack's 3 s never waits on the Web API.  Every listener
(slash command, mention, button, shortcut) ends here with the command text and a
:class:`Where`; the Slack event / trigger / view id is the Origin's event_id, so a
retried payload enqueues nothing new.
"""

from __future__ import annotations

import asyncio
import html
import logging
import math
import re
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.webhook.async_client import AsyncWebhookClient

from adapters.slack_app import blocks, names
from adapters.slack_app.config import SlackSettings
from adapters.slack_app.files import SharedFile, fetch
from adapters.slack_app.members import Members
from adapters.slack_app.outbound import SlackOutbound
from bot.catalog.parse import Parsed, parse
from bot.catalog.spec import Command, OptionType, Permission
from bot.errors import UserError
from bot.models import Origin, Upload
from bot.reply import Reply

if TYPE_CHECKING:
    from bot.runtime import Jamroom

log = logging.getLogger(__name__)

PLATFORM = "slack"
SEEN_SECONDS = 3600.0
RUN_AT_ONCE = 8
MIDI_SUFFIXES = (".mid", ".midi")


@dataclass(frozen=True)
class Where:
    """Who asked, where, and how to answer them privately."""

    team: str
    channel: str
    #: The thread's ts, or "" for a command typed in the channel (its header starts the thread).
    thread: str
    user: str
    event_id: str
    user_name: str | None = None
    response_url: str | None = None
    files: tuple[SharedFile, ...] = ()
    #: What the header shows as the command ("/jam-sketch neon koi").
    shown: str = ""


def command_text(raw: str) -> str:
    """Slack escapes &, < and > in text; a command may come without its slash (mentions, modals)."""
    text = html.unescape(raw or "").strip()
    return text if text.startswith("/") else f"/{text}"


@dataclass
class Runner:
    jam: Jamroom
    cfg: SlackSettings
    client: AsyncWebClient
    members: Members
    _seen: dict[str, float] = field(default_factory=dict)
    #: Post-ack work runs a few at a time, so a burst of commands is acked before it is processed.
    _slots: asyncio.Semaphore = field(default_factory=lambda: asyncio.Semaphore(RUN_AT_ONCE))

    def with_files(self, text: str, files: tuple[SharedFile, ...]) -> str:
        """Shared files fill the command's FILE option: ``/riff`` becomes ``/riff file:hook.mid``."""
        if not files:
            return text
        command = self.jam.catalog.get(text.split(maxsplit=1)[0]) if text.strip() else None
        opt = next((o for o in command.options if o.type is OptionType.FILE), None) if command else None
        if opt is None or re.search(rf"(^|\s){re.escape(opt.name)}:", text):
            return text
        name = re.sub(r"[^A-Za-z0-9_.-]", "_", files[0].name)[:100] or "upload"
        return f"{text} {opt.name}:{name}"

    def precheck(self, text: str, files: tuple[SharedFile, ...] = ()) -> str | None:
        """A parse error to show in the ack itself (cheap: no I/O), or None."""
        try:
            parse(self.with_files(self.in_catalog_terms(text), files), self.jam.catalog)
        except UserError as exc:
            return self.in_slack_terms(f"⚠️ {exc.message}")
        return None

    def in_catalog_terms(self, text: str) -> str:
        """``/jam-remove x`` typed in a mention or the modal is the catalog's ``/remove x``."""
        head, sep, rest = text.strip().partition(" ")
        if not head.startswith("/"):
            return text
        return f"/{self.cfg.catalog_name(head)}{sep}{rest}"

    def in_slack_terms(self, text: str) -> str:
        """Core text (help, refusals) naming commands as this workspace knows them."""
        return names.in_slack_names(text, [c.name for c in self.jam.catalog.all()], self.cfg.command_prefix)

    async def run(self, text: str, where: Where) -> None:
        text = self.in_catalog_terms(text)
        try:
            async with self._slots:
                await self._run(text, where)
        except UserError as exc:
            await self.tell(where, f"⚠️ {exc.message}")
        except Exception:
            log.exception("slack command failed", extra={"event": where.event_id})
            await self.tell(where, "⚠️ something went wrong on our side; try again")

    async def _run(self, text: str, where: Where) -> None:
        text = self.with_files(text, where.files)
        parsed = parse(text, self.jam.catalog)
        command = parsed.command
        moderator = False
        # Handlers (/remove, /labels…) may treat moderators differently; generator jobs never do.
        if command.permission is Permission.MODERATOR or command.handler:
            moderator = await self.members.is_moderator(where.user)
            if not moderator and command.permission is Permission.MODERATOR:
                who = "workspace admins and owners" + (" and the moderator group" if self.cfg.moderator_group else "")
                raise UserError(f"{self.cfg.slash(command.name)} is for moderators ({who})")
        if self._already_seen(where.event_id):
            return
        name = await self.members.name(where.user, where.user_name)
        uploads = await self._uploads(command, where)
        if command.handler:
            reply = await self.jam.submit_text(text, self._origin(where, where.thread, name, moderator), uploads)
            await self.answer(where, reply)
            return
        await self._prevalidate(parsed, self._origin(where, where.thread or "pending", name, moderator), uploads)
        icon = blocks.ICONS.get(command.group, blocks.DEFAULT_ICON)
        shown = where.shown or text
        header = await self._post_header(where, icon, shown)
        if header is None:
            return
        reply_handles = {"header": header, "icon": icon, "shown": shown}
        origin = self._origin(where, where.thread or header, name, moderator, reply_handles)
        reply = await self.jam.submit_text(text, origin, uploads)
        if not reply.ok or reply.duplicate:
            await self._delete(where.channel, header)
            if not reply.ok:
                await self.tell(where, reply.text)
            return
        outbound = self.jam.outbounds.get(PLATFORM)
        if reply.job_id and isinstance(outbound, SlackOutbound):
            await outbound.queued(reply.job_id, origin, reply.position, reply.text)
        elif not reply.job_id:  # held, e.g. waiting for the owners' consent: the header says so
            try:
                await self.client.chat_update(channel=where.channel, ts=header,
                                              text=blocks.header_text(icon, where.user, shown, reply.text))
            except SlackApiError as exc:
                log.warning("slack header update failed", extra={"error": exc.response.get("error", "")})

    def _origin(self, where: Where, thread: str, name: str, moderator: bool,
                reply: Mapping[str, Any] | None = None) -> Origin:
        return Origin(platform=PLATFORM, workspace=where.team, channel=where.channel, thread=thread,
                      member_id=where.user, member_name=name, event_id=where.event_id, is_moderator=moderator,
                      reply=dict(reply or {}))

    async def _prevalidate(self, parsed: Parsed, origin: Origin, uploads: dict[str, Upload]) -> None:
        """Refuse (privately) before anything public is posted: unknown artifacts, wrong kinds, consent."""
        refusal = await self.jam.door.precheck(parsed.command.name, parsed.values, origin)
        if refusal:
            raise UserError(refusal)

    def _already_seen(self, event_id: str) -> bool:
        """A retry that reached this process: answered already, so do nothing (the queue dedupes the rest)."""
        now = time.monotonic()
        if len(self._seen) > 5000:
            self._seen = {k: t for k, t in self._seen.items() if now - t < SEEN_SECONDS}
        if event_id in self._seen:
            return True
        self._seen[event_id] = now
        return False

    async def _uploads(self, command: Command, where: Where) -> dict[str, Upload]:
        opt = next((o for o in command.options if o.type is OptionType.FILE), None)
        if opt is None or not where.files:
            return {}
        fitting = [f for f in where.files if not opt.mimes or _mime(f, opt.mimes) in opt.mimes]
        shared = (fitting or list(where.files))[0]
        limit = min(self.cfg.max_download_bytes, opt.max_bytes or math.inf)
        async with aiohttp.ClientSession() as session:
            data = await fetch(session, self.cfg.bot_token, shared, int(limit))
        # hashing and writing up to 10 MB: off the event loop, as the studio and Discord do
        upload = await self.jam.door.save_upload(shared.name, _mime(shared, opt.mimes), data)
        return {opt.name: upload}

    async def _post_header(self, where: Where, icon: str, shown: str) -> str | None:
        try:
            resp = await self.client.chat_postMessage(
                channel=where.channel, thread_ts=where.thread or None,
                text=blocks.header_text(icon, where.user, shown, "queued…"))
        except SlackApiError as exc:
            error = exc.response.get("error", "")
            if error in {"not_in_channel", "channel_not_found", "is_archived", "restricted_action"}:
                await self.tell(where, "⚠️ I can't post in this channel; invite me with /invite @Jamroom")
                return None
            raise
        return str(resp.get("ts"))

    async def answer(self, where: Where, reply: Reply) -> None:
        """Answers that need no job: private ones to the member, public ones (credits) where asked."""
        if reply.private or not reply.ok:
            await self.tell(where, reply.text)
            return
        if reply.attachments:  # bytes as they are: a PNG must arrive byte-exact
            await self.client.files_upload_v2(
                file_uploads=[{"file": a.data, "filename": a.name, "title": a.name} for a in reply.attachments],
                channel=where.channel, thread_ts=where.thread or None,
                initial_comment=self.in_slack_terms(reply.text))
            return
        await self.client.chat_postMessage(channel=where.channel, thread_ts=where.thread or None,
                                           text=self.in_slack_terms(reply.text))

    async def tell(self, where: Where, text: str) -> None:
        """Only the member sees it: through the slash command's response_url, else an ephemeral message."""
        text = self.in_slack_terms(text)
        try:
            if where.response_url:
                await AsyncWebhookClient(where.response_url).send(text=text, response_type="ephemeral",
                                                                  replace_original=False)
            else:
                await self.client.chat_postEphemeral(channel=where.channel, user=where.user, text=text,
                                                     thread_ts=where.thread or None)
        except Exception as exc:
            log.warning("could not answer a slack member", extra={"event": where.event_id,
                                                                   "error": type(exc).__name__})

    async def _delete(self, channel: str, ts: str) -> None:
        try:
            await self.client.chat_delete(channel=channel, ts=ts)
        except SlackApiError as exc:
            log.warning("slack header delete failed", extra={"error": exc.response.get("error", "")})


def _mime(shared: SharedFile, accepted: tuple[str, ...]) -> str:
    """Slack often types .mid files loosely; a MIDI by name counts as audio/midi."""
    if shared.name.lower().endswith(MIDI_SUFFIXES) and shared.mime not in accepted:
        return "audio/midi"
    return shared.mime
