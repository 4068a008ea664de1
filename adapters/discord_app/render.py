"""A core :class:`Delivery` as a Discord message: text, buttons, and files that fit the upload limit.

Pure functions (Pillow only), so the message a result becomes can be tested
without a network.  Files over the interaction's ``attachment_size_limit`` are
downscaled keeping their text chunks (the XMP provenance); what still does not fit
is replaced by the studio permalink.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, TypedDict

from bot.fit import downscale_png, reencode_audio
from bot.models import Artifact, Delivery
from bot.presentation import CUSTOM_ID, MessageView, built_on_line, clip, member_ids, view_of

MAX_CONTENT = 2000
MAX_FILES = 10
MAX_ROWS = 5
PER_ROW = 5
#: Discord's limit on an attachment's description (alt text).
MAX_DESCRIPTION = 1024
#: The one button encoding (bot/presentation.py), as discord.py's DynamicItem template.
TEMPLATE = CUSTOM_ID


class ButtonFrame(TypedDict):
    type: int
    style: int
    label: str
    custom_id: str


class RowFrame(TypedDict):
    type: int
    components: list[ButtonFrame]


class AttachmentFrame(TypedDict, total=False):
    id: int
    filename: str
    description: str


class MessageFrame(TypedDict, total=False):
    """The JSON body of a Discord message create / edit, as far as we send it."""

    content: str
    allowed_mentions: dict[str, Any]
    components: list[RowFrame]
    attachments: list[AttachmentFrame]
    nonce: str
    enforce_nonce: bool


def components(view: MessageView) -> list[RowFrame]:
    """The view's button rows as Discord action rows (5 per row, at most 5 rows)."""
    return [{"type": 1, "components": [
        {"type": 2, "style": 2, "label": b.label[:80], "custom_id": b.custom_id[:100]} for b in row]}
        for row in view.rows(PER_ROW, MAX_ROWS)]


def thread_name(prompt: str) -> str:
    """"🎨 neon koi — jam": Discord allows 100 characters."""
    words = " ".join(str(prompt).split()) or "sketch"
    if len(words) > 80:
        words = words[:79] + "…"
    return f"🎨 {words} — jam"


@dataclass
class Fitted:
    files: dict[str, bytes]
    notes: list[str] = field(default_factory=list)
    #: True when the primary file could not be attached at all.
    primary_missing: bool = False


def fit(artifact: Artifact | None, files: Mapping[str, bytes], limit: int) -> Fitted:
    """Files that fit ``limit`` each (primary first, at most 10); the rest become notes."""
    primary = artifact.primary.name if artifact and artifact.files else None
    mimes = {f.name: f.mime for f in artifact.files} if artifact else {}
    order = sorted(files, key=lambda n: n != primary)
    out = Fitted({})
    if artifact is not None:  # what the core already fitted to this platform before signing
        out.notes.extend(str(n) for n in artifact.facts.get("fitted") or [])
    for name in order:
        data = files[name]
        shown = name
        if len(data) > limit and mimes.get(name, "") == "image/png":
            smaller = downscale_png(data, limit)
            if smaller is not None:
                out.notes.append(f"{name} was downscaled to fit Discord's {_mib(limit)} limit")
                data = smaller
        elif len(data) > limit and mimes.get(name, "").startswith("audio/") and not name.endswith(".ogg"):
            ogg = reencode_audio(data, limit)
            if ogg is not None:
                shown = name.rsplit(".", 1)[0] + ".ogg"
                out.notes.append(f"{name} was re-encoded as {shown} to fit Discord's {_mib(limit)} limit")
                data = ogg
        if len(data) > limit or len(out.files) >= MAX_FILES:
            out.notes.append(f"{name} ({len(data) / 2**20:.1f} MiB) is too large to attach here")
            if name == primary:
                out.primary_missing = True
            continue
        out.files[shown] = data
    return out


def _mib(limit: int) -> str:
    return f"{limit / 2**20:.0f} MiB" if limit >= 2**20 else f"{limit / 1024:.0f} KiB"


def message(delivery: Delivery, fitted: Fitted, public_url: str | None) -> MessageFrame:
    """The core's view in Discord's syntax: mentions, the id, file notes, components, alt text."""
    view = view_of(delivery, public_url)
    if not view.ok:
        return {"content": clip(f"⚠️ {view.error}", MAX_CONTENT), "allowed_mentions": {"parse": []}}
    mentions = member_ids(view.built_on, "discord", delivery.origin.workspace)
    lines = [view.title, *view.lines, built_on_line([f"<@{m}>" for m in mentions])]
    if view.artifact_id:
        lines.append(f"id `{view.artifact_id}`")
    lines.extend(f"📎 {note}" for note in fitted.notes)
    if view.artifact_id and (fitted.notes or fitted.primary_missing):
        lines.append(f"Full files: {view.permalink}" if view.permalink
                     else f"Full files are kept in the studio under {view.artifact_id}")
    content = clip("\n".join(line for line in lines if line), MAX_CONTENT)
    payload: MessageFrame = {"content": content, "allowed_mentions": {"parse": [], "users": mentions[:100]},
                               "components": components(view)}
    if fitted.files:
        primary = delivery.artifact.primary.name if delivery.artifact and delivery.artifact.files else None
        payload["attachments"] = [
            {"id": i, "filename": n, **({"description": clip(view.alt, MAX_DESCRIPTION)}
                                        if view.alt and n == primary else {})}
            for i, n in enumerate(fitted.files)]
    return payload
