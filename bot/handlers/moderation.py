"""/labels, /settings, /declare and /remove: the record's rules, kept as ledger entries.

Removal appends a tombstone (the chain stays valid and credits say "removed"),
purges the bytes from the store and asks the platform to delete the posted
message where its outbound can (an optional ``retract(origin, ref)``).
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from bot.catalog.parse import Parsed
from bot.ledger import Ledger
from bot.ledger.schema import deliveries
from bot.models import Artifact, Origin, Upload
from bot.reply import Reply
from bot.services.records import DECLARATION, MADE, TOMBSTONE, is_removed, origin_for_thread, removed_ids
from bot.services.records import declarations as declarations  # re-exported: credits and the CLI read it here

if TYPE_CHECKING:
    from bot.runtime import Jamroom

log = logging.getLogger(__name__)

# -- /labels ----------------------------------------------------------------------------------

async def labels_handler(jam: Jamroom, parsed: Parsed, origin: Origin) -> Reply:
    values = parsed.values
    state, text = values.get("state"), values.get("text")
    if state is None and text:
        first, _, rest = str(text).partition(" ")
        if first.lower() in ("on", "off"):
            state, text = first.lower(), rest.strip() or None
    if state is None and text is None:
        policy = await jam.labels.policy(origin)
        where = {"default": "default (nobody has set it)"}.get(policy.scope, policy.scope)
        when = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(policy.set_at)) if policy.set_at else ""
        who = f", set by {policy.set_by} at {when}" if policy.set_by else ""
        shown = f'on: "{policy.text}"' if policy.on else "off (no visible label; files still carry provenance)"
        return Reply(f"AI labels are {shown} · scope {where}{who}")
    if not origin.is_moderator:
        return Reply.error("only moderators can change the AI-label policy")
    current = await jam.labels.policy(origin)
    on = current.on if state is None else state == "on"
    scope = values.get("scope") or "server"
    policy = await jam.labels.set(origin, on=on, scope=scope, text=text or (current.text if current.set_by else None))
    shown = f'on: "{policy.text}"' if policy.on else "off"
    return Reply(f"AI labels are now {shown} for this {scope} (set by {origin.member_name})")


# -- /settings --------------------------------------------------------------------------------

def _split(value: Any) -> list[str]:
    return [w.strip() for w in str(value or "").split(",") if w.strip()]


async def settings_handler(jam: Jamroom, parsed: Parsed, origin: Origin) -> Reply:
    values = {k: v for k, v in parsed.values.items() if v not in (None, "")}
    current = await jam.policy.settings(origin)
    changed: list[str] = []
    if "block" in values or "unblock" in values:
        add, drop = _split(values.get("block")), {w.casefold() for w in _split(values.get("unblock"))}
        words = [w for w in current.blocked if w.casefold() not in drop]
        words += [w for w in add if w.casefold() not in {x.casefold() for x in words}]
        await jam.policy.set(origin, "blocked", words)
        changed.append(f"blocked words: {len(words)}")
    if "channels" in values:
        raw = str(values["channels"]).strip().lower()
        chans: list[str] = [] if raw in ("all", "any", "everywhere") else \
            [origin.channel if c.lower() == "here" else c.lstrip("#") for c in _split(values["channels"])]
        await jam.policy.set(origin, "channels", chans)
        changed.append("answers in " + (", ".join(f"#{c}" for c in chans) if chans else "every channel"))
    for key, label in (("member_jobs", "waiting jobs per member"), ("rate_limit", "jobs per member per window"),
                       ("consent_hours", "consent wait (hours)")):
        if key in values:
            value = values[key] if values[key] else None  # 0 means the server default
            await jam.policy.set(origin, key, value)
            changed.append(f"{label}: {value if value is not None else 'server default'}")
    if "rate_minutes" in values:
        await jam.policy.set(origin, "rate_window", float(values["rate_minutes"]) * 60.0)
        changed.append(f"rate window: {values['rate_minutes']} min")
    if "label_text" in values:
        policy = await jam.labels.policy(origin)
        await jam.labels.set(origin, on=policy.on, scope="server", text=str(values["label_text"]))
        changed.append("label text updated")
    if not changed:
        return Reply("Settings for this server:\n" + current.describe(), private=True)
    return Reply("Settings changed: " + "; ".join(changed), private=True)


# -- /declare ---------------------------------------------------------------------------------

async def declare_handler(jam: Jamroom, parsed: Parsed, origin: Origin, uploads: dict[str, Upload] | None = None
                          ) -> Reply:
    upload = (uploads or {}).get("file")
    if upload is None:
        return Reply.error("/declare needs file: attach the file you are declaring")
    made = str(parsed.values.get("made"))
    await jam.ledger.append(DECLARATION, upload.sha256, origin.thread_key,
                            {"made": made, "member": origin.member_key, "name": origin.member_name,
                             "file": upload.name, "at": time.time()})
    return Reply(f"recorded: {upload.name} is {MADE.get(made, made)}, declared by {origin.member_name}; "
                 "credits will show it wherever it is used")


# -- /remove ----------------------------------------------------------------------------------

def author_of(artifact: Artifact) -> str:
    return artifact.contributors[-1].member if artifact.contributors else ""


async def delivery_ref(ledger: Ledger, job_id: str) -> str:
    async with ledger.engine.connect() as conn:
        row = (await conn.execute(select(deliveries.c.ref).where(deliveries.c.job_id == job_id))).first()
    return row.ref if row else ""


async def remove_artifact(jam: Jamroom, artifact: Artifact, origin: Origin, reason: str = "") -> dict[str, Any]:
    """Tombstone, purge bytes no other live artifact shares, retract the posted message."""
    gone = await removed_ids(jam.ledger) | {artifact.id}
    shared = {f.sha256 for a in await jam.ledger.artifacts() if a.id not in gone for f in a.files}
    purged = []
    for f in artifact.files:
        if f.sha256 not in shared and await asyncio.to_thread(jam.store.delete, f.sha256):
            purged.append(f.sha256)
    ref = await delivery_ref(jam.ledger, artifact.job_id) if artifact.job_id else ""
    retracted = False
    target = jam.outbounds.get(artifact.thread.split(":", 1)[0])
    retract = getattr(target, "retract", None)
    if ref and retract is not None:
        where = origin_for_thread(artifact.thread, origin.member_key, origin.member_name, f"remove-{artifact.id}")
        try:
            await retract(where, ref)
            retracted = True
        except Exception as exc:  # the record is still removed; the platform may keep the message
            log.warning("could not delete the posted message", extra={"artifact": artifact.id, "error": str(exc)})
    payload = {"by": origin.member_key, "name": origin.member_name, "moderator": origin.is_moderator,
               "reason": reason, "files": [f.sha256 for f in artifact.files], "purged": purged,
               "retracted": retracted, "at": time.time()}
    await jam.ledger.append(TOMBSTONE, artifact.id, artifact.thread, payload)
    return payload


async def remove_handler(jam: Jamroom, parsed: Parsed, origin: Origin) -> Reply:
    ref = str(parsed.values.get("artifact") or "")
    artifact = await jam.ledger.artifact(ref)
    if artifact is None or not artifact.thread.startswith(f"{origin.platform}:{origin.workspace}:"):
        return Reply.error(f"no artifact {ref} here; check the id under the result")
    if await is_removed(jam.ledger, artifact.id):
        return Reply.error(f"{ref} was already removed")
    if author_of(artifact) != origin.member_key and not origin.is_moderator:
        return Reply.error(f"only its author or a moderator can remove {ref}")
    done = await remove_artifact(jam, artifact, origin, str(parsed.values.get("reason") or ""))
    note = "" if done["retracted"] else " (delete the posted message by hand if it is still shown)"
    return Reply(f"removed {ref}: its files are deleted and the record says 'removed'{note}", private=True)


HANDLERS = {"labels": labels_handler, "settings": settings_handler, "declare": declare_handler,
            "remove": remove_handler}
