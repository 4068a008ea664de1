"""A core :class:`Delivery` as a Discord message: text, buttons, and files that fit the upload limit.

Pure functions (Pillow only), so the message a result becomes can be tested
without a network.  Files over the interaction's ``attachment_size_limit`` are
downscaled keeping their text chunks (the XMP provenance); what still does not fit
is replaced by the studio permalink.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from adapters.discord_app.shrink import downscale_png, reencode_audio
from bot.models import Artifact, Button, Delivery

MAX_CONTENT = 2000
MAX_FILES = 10
MAX_ROWS = 5
PER_ROW = 5
#: Matches bot.models.Button.custom_id, plus the other args (part, as) the core's id leaves out.
TEMPLATE = r"jam:(?P<command>\w+):(?P<to>\w*):(?P<pick>\d*)(?::(?P<extra>[\w=,.-]*))?"
_PLAIN = {"to", "pick"}


def custom_id(button: Button) -> str:
    """``jam:<command>:<artifact>:<pick>`` and, when the button has other args, ``:<k>=<v>,…``."""
    args = button.args
    base = f"jam:{button.command}:{args.get('to', '')}:{args.get('pick', '') or ''}"  # == Button.custom_id
    extra = ",".join(f"{k}={v}" for k, v in sorted(args.items()) if k not in _PLAIN and v not in (None, ""))
    return f"{base}:{extra}" if extra else base


def parse_custom_id(value: str) -> tuple[str, dict[str, Any]] | None:
    """The command and its options from a button's custom_id; None if it is not ours."""
    m = re.fullmatch(TEMPLATE, value)
    if m is None:
        return None
    return m["command"], args_from(m["to"], m["pick"], m["extra"])


def args_from(to: str, pick: str, extra: str | None) -> dict[str, Any]:
    args: dict[str, Any] = {}
    if to:
        args["to"] = to
    if pick:
        args["pick"] = int(pick)
    for part in (extra or "").split(","):
        key, sep, val = part.partition("=")
        if sep and key:
            args[key] = val
    return args


def components(buttons: list[Button]) -> list[dict[str, Any]]:
    """Action rows in the catalog's row order, 5 buttons per row, at most 5 rows."""
    rows: dict[int, list[Button]] = {}
    for b in buttons:
        rows.setdefault(b.row, []).append(b)
    out: list[dict[str, Any]] = []
    for _, group in sorted(rows.items()):
        for i in range(0, len(group), PER_ROW):
            out.append({"type": 1, "components": [
                {"type": 2, "style": 2, "label": b.label[:80], "custom_id": custom_id(b)[:100]}
                for b in group[i:i + PER_ROW]]})
    return out[:MAX_ROWS]


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


def member_ids(keys: list[str], workspace: str) -> list[str]:
    prefix = f"discord:{workspace}:"
    return [k[len(prefix):] for k in keys if k.startswith(prefix)]


def message(delivery: Delivery, fitted: Fitted, public_url: str | None) -> dict[str, Any]:
    """The message body: summary, label, credits, id, notes, and the follow-up buttons."""
    if not delivery.ok:
        return {"content": f"⚠️ {delivery.error}"[:MAX_CONTENT], "allowed_mentions": {"parse": []}}
    art = delivery.artifact
    lines = [delivery.text]
    if delivery.label:
        lines.append(delivery.label)
    if delivery.credits_line:
        lines.append(delivery.credits_line)
    mentions = member_ids(delivery.notify, delivery.origin.workspace)
    if mentions:
        lines.append("builds on work by " + ", ".join(f"<@{m}>" for m in mentions))
    if art is not None:
        lines.append(f"id `{art.id}`")
    lines.extend(f"📎 {note}" for note in fitted.notes)
    if art is not None and (fitted.notes or fitted.primary_missing):
        if public_url:
            lines.append(f"Full files: {public_url.rstrip('/')}/a/{art.id}")
        else:
            lines.append(f"Full files are kept in the studio under {art.id}")
    content = "\n".join(line for line in lines if line)
    if len(content) > MAX_CONTENT:
        content = content[: MAX_CONTENT - 1] + "…"
    payload: dict[str, Any] = {"content": content, "allowed_mentions": {"parse": [], "users": mentions[:100]},
                               "components": components(delivery.buttons)}
    if fitted.files:
        payload["attachments"] = [{"id": i, "filename": n} for i, n in enumerate(fitted.files)]
    return payload
