"""/consent, /approve, /decline and /optout: members decide what happens to their work and name."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from bot.catalog.parse import Parsed
from bot.consent import pseudonym
from bot.models import Delivery, Origin
from bot.reply import Reply, queued_text
from bot.services.notices import tell
from bot.services.records import is_removed

if TYPE_CHECKING:
    from bot.runtime import Jamroom

log = logging.getLogger(__name__)


async def _answer(jam: Jamroom, origin: Origin, request_id: str, approve: bool) -> Reply:
    pending = await jam.consent.get(request_id)
    if pending is None:
        return Reply.error(f"no consent request {request_id}")
    if all(o["member"] != origin.member_key for o in pending.owners):
        return Reply.error(f"request {request_id} is not yours to answer")
    if pending.state != "waiting":
        return Reply.error(f"request {request_id} is already {pending.state}")
    pending = await jam.consent.decide(pending, origin.member_key, approve)
    job = pending.job
    asker_origin = job.request.origin
    if pending.state == "declined":
        await tell(jam, Delivery(job_id=f"{pending.id}-declined", origin=asker_origin,
                                  text=f"{origin.member_name} declined: your {job.request.command} was not made",
                                  error=f"{origin.member_name} declined request {pending.id}"))
        return Reply(f"declined request {pending.id}; {asker_origin.member_name} is told", private=True)
    if pending.state == "waiting":
        names = ", ".join(o["name"] for o in pending.waiting_on)
        return Reply(f"approved; request {pending.id} still waits for {names}", private=True)
    if any([await is_removed(jam.ledger, p) for p in pending.parents]):
        return Reply.error(f"approved, but the work it builds on was removed, so request {pending.id} can't run")
    result = await jam.queue.enqueue(job, pending.idem)
    # the requester's "waiting for … to approve" line becomes the decision (edited where the platform allows)
    await jam.outbounds.progress(asker_origin, job.id, "queued",
                                 f"{origin.member_name} approved · {queued_text(result.position)}")
    return Reply(f"approved; {asker_origin.member_name}'s /{job.request.command} is {queued_text(result.position)}",
                 job_id=result.job.id, position=result.position, duplicate=result.duplicate)


async def approve_handler(jam: Jamroom, parsed: Parsed, origin: Origin) -> Reply:
    return await _answer(jam, origin, str(parsed.values.get("to")), True)


async def decline_handler(jam: Jamroom, parsed: Parsed, origin: Origin) -> Reply:
    return await _answer(jam, origin, str(parsed.values.get("to")), False)


async def consent_handler(jam: Jamroom, parsed: Parsed, origin: Origin) -> Reply:
    values = parsed.values
    if values.get("approve"):
        return await _answer(jam, origin, str(values["approve"]), True)
    if values.get("decline"):
        return await _answer(jam, origin, str(values["decline"]), False)
    remix, notices = values.get("remix"), values.get("notices")
    if remix is None and notices is None:
        prefs = await jam.consent.prefs(origin.member_key)
        waiting = await jam.consent.waiting(origin.member_key)
        lines = [f"remixes of your work: {prefs.remix} · notices: {'on' if prefs.notices else 'off'}"]
        lines += [f"request {p.id}: {p.job.request.origin.member_name}'s /{p.job.request.command} waits for "
                  f"{', '.join(o['name'] for o in p.waiting_on)}" for p in waiting]
        return Reply("\n".join(lines), private=True)
    prefs = await jam.consent.set_prefs(origin, remix=remix, notices=None if notices is None else notices == "on")
    meaning = {"allow": "anyone may build on your work", "ask": "you approve each build on your work first",
               "deny": "nobody may build on your work"}[prefs.remix]
    return Reply(f"recorded: {meaning}; notices {'on' if prefs.notices else 'off'}", private=True)


async def optout_handler(jam: Jamroom, parsed: Parsed, origin: Origin) -> Reply:
    on = (parsed.values.get("state") or "on") == "on"
    await jam.consent.set_optout(origin, on)
    if on:
        return Reply(f"from now on your name is shown as {pseudonym(origin.member_key)} in credits and in files "
                     "made from here on (records keep this stable id)", private=True)
    return Reply("your display name is shown in credits again", private=True)


HANDLERS = {"consent": consent_handler, "approve": approve_handler, "decline": decline_handler,
            "optout": optout_handler}
