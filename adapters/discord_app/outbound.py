"""Deliveries to Discord over REST: interaction follow-ups, or bot messages once the token is stale.

Runs in any process that delivers (the single `jamroom serve`, or `jamroom worker`
on another host): it needs only the interaction token carried in ``Origin.reply``
and, past the token's 15 minutes or for a jam thread the token cannot reach, the
bot token.  Nothing is raised after a message is posted, so a retry never posts twice:
edits around the post (settling "thinking…", the jam-thread note) are cosmetic and only
logged.  Bot-token posts carry a nonce derived from the job with ``enforce_nonce``, so a
post whose answer was lost is not repeated by the retry (Discord keeps nonces for a few
minutes); interaction follow-ups take no nonce (docs/discord.md: that window).
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import time
from typing import TYPE_CHECKING, Any

from adapters.discord_app import render, threads
from adapters.discord_app.config import TOKEN_LIFETIME, TOKEN_MARGIN, DiscordSettings
from adapters.discord_app.rest import DiscordRest, TokenExpired
from bot.models import Delivery, Origin
from bot.presentation import Progress, ProgressTracker, member_ids

if TYPE_CHECKING:
    from bot.runtime import Jamroom

log = logging.getLogger(__name__)

DONE = "✅ done — the result is below"


def token_fresh(origin: Origin, now: float | None = None) -> bool:
    at = float(origin.reply.get("at") or 0)
    return bool(origin.reply.get("token")) and ((now or time.time()) - at) < TOKEN_LIFETIME - TOKEN_MARGIN


def job_nonce(job_id: str) -> str:
    """The same job always posts with the same nonce (Discord accepts 25 characters)."""
    return hashlib.sha256(job_id.encode()).hexdigest()[:25]


class DiscordOutbound:
    platform = "discord"

    def __init__(self, jam: Jamroom, settings: DiscordSettings, rest: DiscordRest | None = None) -> None:
        self.jam = jam
        self.settings = settings
        self.rest = rest or DiscordRest(settings.token)
        self._shown = ProgressTracker()

    async def close(self) -> None:
        await self.rest.close()

    async def _edit_original(self, origin: Origin, payload: render.MessageFrame) -> None:
        """Best effort: the deferred reply shows progress; a stale token just skips it."""
        if not token_fresh(origin):
            return
        try:
            await self.rest.edit_original(origin.reply["app"], origin.reply["token"], payload)
        except Exception as exc:  # cosmetic: a 429 or network error here must never re-run or re-post the job
            log.info("could not edit the deferred reply", extra={"error": str(exc)})

    def file_limit(self, origin: Origin) -> int:
        """The interaction's ``attachment_size_limit`` (the core fits files to it before signing)."""
        return int(origin.reply.get("limit") or self.settings.attachment_limit)

    async def progress(self, origin: Origin, job_id: str, state: str, text: str) -> None:
        if not self._shown.advance(job_id, state):  # never back to "queued" after "working…"
            return
        shown = Progress.CANCELLED.text if state == Progress.CANCELLED else text
        await self._edit_original(origin, {"content": shown})

    async def deliver(self, delivery: Delivery, files: dict[str, bytes]) -> str:
        origin = delivery.origin
        if delivery.direct:
            return await self._deliver_direct(delivery)
        self._shown.advance(delivery.job_id, Progress.DONE if delivery.ok else Progress.FAILED)
        fitted = await asyncio.to_thread(render.fit, delivery.artifact, files if delivery.ok else {},
                                         self.file_limit(origin))
        payload = render.message(delivery, fitted, self.jam.settings.public_url)
        if not delivery.ok:
            return await self._deliver_error(delivery, payload)
        posted = await self._post(origin, payload, fitted.files, delivery.job_id)
        message_id = str(posted.get("id", ""))
        where = str(posted.get("channel_id") or origin.reply.get("post_to") or origin.channel)
        await self._after(delivery, message_id, where)
        return message_id

    async def _deliver_direct(self, delivery: Delivery) -> str:
        """A DM to each member in ``notify`` (a consent request with its Approve / Decline buttons)."""
        payload = render.message(delivery, render.Fitted({}), self.jam.settings.public_url)
        payload["allowed_mentions"] = {"parse": []}
        refs = []
        for user_id in member_ids(delivery.notify, "discord", delivery.origin.workspace):
            channel = await self.rest.dm_channel(user_id)
            posted = await self.rest.channel_message(channel, payload, nonce=job_nonce(f"{delivery.job_id}:{user_id}"))
            refs.append(f"{channel}:{posted.get('id', '')}")
        return ",".join(refs)

    async def _deliver_error(self, delivery: Delivery, payload: render.MessageFrame) -> str:
        origin = delivery.origin
        if token_fresh(origin):
            try:
                await self.rest.edit_original(origin.reply["app"], origin.reply["token"], payload)
                return "original"
            except TokenExpired:
                pass
        payload = {**payload, "content": f"<@{origin.member_id}> {payload['content']}"[:render.MAX_CONTENT],
                   "allowed_mentions": {"users": [origin.member_id]}}
        posted = await self.rest.channel_message(self._target(origin), payload, nonce=job_nonce(delivery.job_id))
        return str(posted.get("id", ""))

    def _target(self, origin: Origin) -> str:
        return str(origin.thread or origin.reply.get("post_to") or origin.channel)

    async def _post(self, origin: Origin, payload: render.MessageFrame, files: dict[str, bytes],
                    job_id: str) -> dict[str, Any]:
        """A follow-up while the token lives and reaches the thread; else a bot message there."""
        if token_fresh(origin) and not origin.reply.get("bot_post"):
            # Settle the deferred reply first: a follow-up to a reply still "thinking" would replace it.
            await self._edit_original(origin, {"content": DONE})
            try:
                return await self.rest.followup(origin.reply["app"], origin.reply["token"], payload, files)
            except TokenExpired:
                log.info("interaction token expired; posting as the bot")
        return await self.rest.channel_message(self._target(origin), payload, files, nonce=job_nonce(job_id))

    async def _after(self, delivery: Delivery, message_id: str, where: str) -> None:
        """Open the jam thread for a first result and settle the deferred reply; never raises."""
        origin = delivery.origin
        art = delivery.artifact
        note = ""
        try:
            if art is not None and not origin.thread and message_id:
                name = render.thread_name(art.spec.get("prompt") or art.summary or art.kind)
                opened = await self.rest.start_thread(where, message_id, name)
                thread_id = str(opened.get("id", message_id))
                await threads.record(self.jam.ledger, origin, thread_id, art.id, name)
                note = f"✅ done — jam thread <#{thread_id}>"
            elif origin.reply.get("bot_post") and origin.thread:
                note = f"✅ done — posted in the jam thread <#{origin.thread}>"
        except Exception as exc:  # the result is already posted: never fail (and re-post) the job now
            log.warning("could not open the jam thread", extra={"job": delivery.job_id, "error": str(exc)})
        if note:
            await self._edit_original(origin, {"content": note})
