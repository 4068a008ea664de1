"""What the page shows, as JSON: a member's command with its status, a result, a failure.

Results are built from a live :class:`Delivery` or, for history after a restart,
from the ledger's :class:`Artifact`, and both come out the same shape so the page
draws them one way.  Files are linked, never inlined: the page fetches them from
the permalink routes.
"""

from __future__ import annotations

import re
import time
from typing import Any

from adapters.studio.links import file_path, page_path
from bot.catalog.registry import Catalog
from bot.credits import credits_line
from bot.models import Artifact, Button, Delivery
from bot.presentation import alt_text, buttons_for
from bot.reply import Reply

_MIDI = {"audio/midi", "audio/x-midi", "audio/mid", "application/x-midi"}

#: A command's states, as the page shows them.
QUEUED, RUNNING, DONE, FAILED, CANCELLED, ANSWERED, REFUSED, WAITING = (
    "queued", "running", "done", "failed", "cancelled", "answered", "refused", "waiting")


def show_as(mime: str) -> str:
    """How the page presents a file: inline image, audio player, or a download."""
    if mime.startswith("image/"):
        return "image"
    if mime.startswith("audio/") and mime not in _MIDI:
        return "audio"
    return "download"


#: The consent request a "waiting for … to approve" answer names, so its line can show the outcome later.
_REQUEST = re.compile(r"\(request (r[\w-]+)[;)]")
#: Consent notices' job ids: "<request>-<owner pseudonym>" (the ask) and "<request>-declined" (the outcome).
_NOTICE_JOB = re.compile(r"^(r[\w]+)-")


#: The one-sentence description generators put in ``facts["alt"]`` (the core decides; the studio shows it).
alt_of = alt_text


def artifact_view(artifact: Artifact) -> dict[str, Any]:
    files = [{"name": f.name, "mime": f.mime, "size": f.size, "primary": f.primary, "show": show_as(f.mime),
              "url": file_path(artifact.id, f.name)} for f in artifact.files]
    return {"id": artifact.id, "kind": artifact.kind, "summary": artifact.summary, "generator": artifact.generator,
            "version": artifact.version, "seed": artifact.seed, "parents": list(artifact.parents), "files": files,
            "alt": alt_of(artifact), "permalink": page_path(artifact.id)}


def buttons_view(buttons: list[Button]) -> list[dict[str, Any]]:
    return [{"label": b.label, "text": b.text(), "row": b.row, "description": getattr(b, "description", "") or ""}
            for b in buttons]


def member_view(member_id: str, name: str) -> dict[str, str]:
    return {"id": member_id, "name": name}


def command_message(thread: str, member: dict[str, str], text: str, event: str, reply: Reply) -> dict[str, Any]:
    """A member's command and the core's answer to it ("queued · position 2", help, a refusal)."""
    if reply.job_id:
        state = RUNNING if reply.position is not None and reply.position <= 0 else QUEUED
    else:
        state = ANSWERED if reply.ok else REFUSED
    found = _REQUEST.search(reply.text) if reply.ok and not reply.job_id else None
    if found:
        state = WAITING
    return {"kind": "command", "thread": thread, "ts": time.time(), "member": member, "text": text,
            "event": event, "job_id": reply.job_id, "ok": reply.ok, "private": reply.private,
            "request": found.group(1) if found else None,
            "status": {"state": state, "text": reply.text}, "attachments": []}


def result_id(artifact_id: str) -> str:
    """A result's message id, stable across restarts: it is also the delivery's ref, used to retract it."""
    return f"r-{artifact_id}"


def history_id(artifact_id: str) -> str:
    return f"h-{artifact_id}"


def result_message(thread: str, delivery: Delivery) -> dict[str, Any]:
    origin = delivery.origin
    base = {"thread": thread, "ts": time.time(), "job_id": delivery.job_id,
            "member": member_view(origin.member_id, origin.member_name)}
    notice = _NOTICE_JOB.match(delivery.job_id)
    if delivery.ok and delivery.artifact is None:
        # A notice, not an error: a consent request for the owner, with its Approve / Decline buttons.
        view = {**base, "id": f"n-{delivery.job_id}", "kind": "notice", "text": delivery.text,
                "request": notice.group(1) if notice else None, "buttons": buttons_view(delivery.buttons),
                "notify": list(delivery.notify)}
        owners = [key.rsplit(":", 1)[-1] for key in delivery.notify if key.startswith("studio:")]
        if getattr(delivery, "direct", False) and len(owners) == 1:
            view["to"] = owners[0]  # for the owner's tabs only, like a DM (and so never journaled)
        return view
    if not delivery.ok or delivery.artifact is None:
        return {**base, "id": f"e-{delivery.job_id}", "kind": "error", "text": delivery.error or delivery.text,
                "request": notice.group(1) if notice else None, "outcome": delivery.text}
    return {**base, "id": result_id(delivery.artifact.id), "kind": "result", "text": delivery.text,
            "artifact": artifact_view(delivery.artifact),
            "credits": delivery.credits_line, "label": delivery.label, "buttons": buttons_view(delivery.buttons),
            "notify": list(delivery.notify)}


def history_message(thread: str, artifact: Artifact, cat: Catalog, label: str | None) -> dict[str, Any]:
    """A result rebuilt from the ledger, for threads whose live log is gone (a restart)."""
    buttons = buttons_for(artifact, cat.actions_for(artifact.kind))
    asker = artifact.author
    member = member_view(asker.member.rsplit(":", 1)[-1], asker.name) if asker else member_view("", "")
    return {"id": history_id(artifact.id), "kind": "result", "thread": thread, "ts": artifact.created,
            "job_id": artifact.job_id,
            "member": member, "text": artifact.summary, "artifact": artifact_view(artifact),
            "credits": credits_line(artifact.contributors), "label": label, "buttons": buttons_view(buttons),
            "notify": [], "from_ledger": True}
