"""Telling members things outside their own request: consent asks to owners (and their outcomes).

Best effort: a notice that cannot be posted is logged; the request itself is already recorded.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from bot.consent import Pending, pseudonym
from bot.models import Button, Delivery
from bot.services.records import origin_for_thread

if TYPE_CHECKING:
    from bot.runtime import Jamroom

log = logging.getLogger(__name__)


async def tell(jam: Jamroom, delivery: Delivery) -> None:
    try:
        await jam.outbounds.deliver(delivery, {})
    except Exception as exc:  # a notice is best-effort; the request itself is recorded
        log.warning("could not post a consent notice", extra={"job": delivery.job_id, "error": str(exc)})


async def ask_owners(jam: Jamroom, pending: Pending) -> None:
    """Each owner gets Approve / Decline buttons privately: a DM on Discord and Slack, a notice in the studio
    (``Delivery.direct``; the origin is the thread where their work is, for platforms without DMs)."""
    job = pending.job
    asker = job.request.origin.member_name
    for owner in pending.waiting_on:
        where = origin_for_thread(owner["thread"], owner["member"], owner["name"], f"{pending.id}-ask")
        text = (f"@{owner['name']}: {asker} wants to build on your work ({', '.join(pending.parents)}) "
                f"with `{job.request.text or '/' + job.request.command}`. Approve or decline (request {pending.id}).")
        await tell(jam, Delivery(
            job_id=f"{pending.id}-{pseudonym(owner['member'])}", origin=where, text=text,
            buttons=[Button("Approve", "approve", {"to": pending.id}, description=f"Approve request {pending.id}"),
                     Button("Decline", "decline", {"to": pending.id}, description=f"Decline request {pending.id}")],
            notify=[owner["member"]], direct=True))
