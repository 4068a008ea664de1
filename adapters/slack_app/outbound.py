"""Deliveries to Slack over the Web API only, so any worker process or host can post.

The header message (posted when the command was accepted, its ts in ``origin.reply``)
is edited in place as the job moves; the files and a Block Kit message with the label,
credits and follow-up buttons go into the thread.  Transient failures raise
``DeliveryRetry``; files already uploaded for a job are not uploaded twice by this process.
"""

from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack_app import blocks
from adapters.slack_app.client import is_transient
from adapters.slack_app.config import SlackSettings
from bot.models import Delivery, Origin
from bot.outbound import DeliveryRetry
from bot.presentation import Progress, ProgressTracker, member_ids, view_of

log = logging.getLogger(__name__)

REMEMBERED_JOBS = 10_000


@dataclass
class _Track:
    origin: Origin | None
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)


class SlackOutbound:
    platform = "slack"

    def __init__(self, client: AsyncWebClient, cfg: SlackSettings, public_url: str | None = None) -> None:
        self.client = client
        self.cfg = cfg
        self.public_url = (public_url or "").rstrip("/")
        self._uploaded: dict[str, list[str]] = {}
        self._jobs: OrderedDict[str, _Track] = OrderedDict()
        self._shown = ProgressTracker(REMEMBERED_JOBS)

    def _track(self, job_id: str, origin: Origin | None) -> _Track:
        track = self._jobs.get(job_id)
        if track is None:
            track = self._jobs[job_id] = _Track(origin)
            while len(self._jobs) > REMEMBERED_JOBS:
                self._jobs.popitem(last=False)
        elif track.origin is None or not (track.origin.reply or {}).get("header"):
            track.origin = origin or track.origin
        return track

    async def queued(self, job_id: str, origin: Origin, position: int | None, text: str) -> None:
        """The web process shows the queue position; never over a later state ("working…", "done").

        Position 0 means a worker has it already: "working…" follows at once, so no edit now.
        """
        if position:
            await self._set(job_id, origin, "queued", text)
        else:
            self._track(job_id, origin)

    def file_limit(self, origin: Origin) -> int:
        """Our upload cap for Slack (the core fits files to it before signing; larger ones are linked)."""
        return self.cfg.max_upload_bytes

    async def progress(self, origin: Origin, job_id: str, state: str, text: str) -> None:
        # /cancel reports with the canceller's origin: fall back to the job's own, when this process saw it.
        job_origin = origin if (origin.reply or {}).get("header") else None
        shown = text if state == Progress.QUEUED else Progress.of(state).text
        await self._set(job_id, job_origin, state, shown)

    async def _set(self, job_id: str, origin: Origin | None, state: str, text: str) -> None:
        """Header edits for one job in order: an older state never overwrites a newer one."""
        track = self._track(job_id, origin)
        async with track.lock:
            if track.origin is None or not self._shown.advance(job_id, state):
                return
            await self._header(track.origin, text)

    async def deliver(self, delivery: Delivery, files: dict[str, bytes]) -> str:
        try:
            if delivery.direct:
                return await self._direct(delivery)
            if not delivery.ok:
                return await self._failure(delivery)
            return await self._result(delivery, files)
        except Exception as exc:
            if is_transient(exc):
                raise DeliveryRetry(f"slack: {_describe(exc)}", retry_after=retry_after(exc)) from exc
            raise

    async def _result(self, delivery: Delivery, files: dict[str, bytes]) -> str:
        origin = delivery.origin
        artifact = delivery.artifact
        notes: list[str] = []
        if artifact is not None and delivery.job_id not in self._uploaded:
            fitting = [f for f in artifact.files if f.name in files and f.size <= self.cfg.max_upload_bytes]
            too_big = [f for f in artifact.files if f.name in files and f.size > self.cfg.max_upload_bytes]
            ordered = sorted(fitting, key=lambda f: not f.primary)
            if ordered:
                view = view_of(delivery)
                resp = await self.client.files_upload_v2(
                    file_uploads=[{"file": files[f.name], "filename": f.name,
                                   "title": view.file_title(f.name, f.primary),
                                   **({"alt_txt": view.alt[:1000]} if f.primary and view.alt else {})}
                                  for f in ordered],
                    channel=origin.channel, thread_ts=origin.thread,
                )
                self._uploaded[delivery.job_id] = [f.get("id", "") for f in resp.get("files") or []]
            else:
                self._uploaded[delivery.job_id] = []
            if too_big:
                notes.append(self._too_big_note(artifact.id, [f.name for f in too_big]))
        if delivery.notify and artifact is not None:
            notes.append(blocks.built_on_note(delivery.notify))
        file_ids = [i for i in self._uploaded.get(delivery.job_id, []) if i]
        resp = await self.client.chat_postMessage(
            channel=origin.channel, thread_ts=origin.thread, text=blocks.fallback_text(delivery),
            blocks=blocks.result_blocks(delivery, notes), unfurl_links=False,
        )
        await self._set(delivery.job_id, origin, Progress.DONE, Progress.DONE.text)
        self._uploaded.pop(delivery.job_id, None)
        return ":".join([origin.channel, str(resp.get("ts", "")), *([",".join(file_ids)] if file_ids else [])])

    async def _direct(self, delivery: Delivery) -> str:
        """A DM from the app to each member in ``notify`` (a consent request with Approve / Decline)."""
        refs = []
        for user_id in member_ids(delivery.notify, "slack", delivery.origin.workspace):
            resp = await self.client.chat_postMessage(channel=user_id, text=blocks.fallback_text(delivery),
                                                      blocks=blocks.result_blocks(delivery), unfurl_links=False)
            refs.append(f"{resp.get('channel', user_id)}:{resp.get('ts', '')}")
        return ",".join(refs)

    async def retract(self, origin: Origin, ref: str) -> None:
        """Delete a posted result (moderation's /remove): the message and the files we uploaded with it."""
        channel, _, rest = ref.partition(":")
        ts, _, files = rest.partition(":")
        if ts:
            await self.client.chat_delete(channel=channel or origin.channel, ts=ts)
        for file_id in filter(None, files.split(",")):
            await self.client.files_delete(file=file_id)

    def _too_big_note(self, artifact_id: str, names: list[str]) -> str:
        what = ", ".join(names)
        if self.public_url:
            link = f"{self.public_url}/a/{artifact_id}"
            return f"{blocks.escape(what)} is too large for Slack: <{link}|open it in the studio>"
        return f"{blocks.escape(what)} is too large for Slack; ask the studio host for artifact `{artifact_id}`"

    async def _failure(self, delivery: Delivery) -> str:
        origin = delivery.origin
        resp = await self.client.chat_postMessage(
            channel=origin.channel, thread_ts=origin.thread,
            text=f"⚠️ <@{origin.member_id}> {blocks.escape(delivery.error or delivery.text)}",
        )
        await self._set(delivery.job_id, origin, Progress.FAILED, Progress.FAILED.text)
        return f"{origin.channel}:{resp.get('ts', '')}"

    async def _header(self, origin: Origin, state: str) -> None:
        """Edit the command's header message; best-effort (the result matters more)."""
        reply: dict[str, Any] = origin.reply or {}
        ts = reply.get("header")
        if not ts:
            return
        text = blocks.header_text(reply.get("icon", blocks.DEFAULT_ICON), origin.member_id,
                                  reply.get("shown", ""), state)
        try:
            await self.client.chat_update(channel=origin.channel, ts=ts, text=text)
        except Exception as exc:  # cosmetic: a network error here must never re-run or re-post the job
            log.warning("slack header update failed", extra={"error": _describe(exc)})


def retry_after(exc: BaseException) -> float | None:
    """Slack's Retry-After on a 429 that outlasted slack_sdk's own retries (the queue waits at least that)."""
    if not isinstance(exc, SlackApiError):
        return None
    headers = getattr(exc.response, "headers", None) or {}
    raw = next((v for k, v in headers.items() if k.lower() == "retry-after"), None)
    try:
        return float(raw[0] if isinstance(raw, list) else raw) if raw is not None else None
    except (TypeError, ValueError):
        return None


def _describe(exc: BaseException) -> str:
    if isinstance(exc, SlackApiError):
        return f"{getattr(exc.response, 'status_code', '?')} {exc.response.get('error', '')}".strip()
    return type(exc).__name__
