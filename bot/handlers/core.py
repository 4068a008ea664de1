"""/help and /cancel."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.catalog.help import help_text
from bot.catalog.parse import Parsed
from bot.models import Origin
from bot.reply import Reply

if TYPE_CHECKING:
    from bot.runtime import Jamroom


async def help_handler(jam: Jamroom, parsed: Parsed, origin: Origin) -> Reply:
    return Reply(help_text(parsed.values.get("command"), jam.catalog), private=True)


async def cancel_handler(jam: Jamroom, parsed: Parsed, origin: Origin) -> Reply:
    job_id = parsed.values.get("job")
    if not job_id:
        waiting = await jam.queue.waiting_of(origin.member_key)
        if not waiting:
            return Reply.error("you have no waiting job to cancel")
        job_id = waiting[-1]
    queued = await jam.queue.job(job_id)
    if await jam.queue.cancel(job_id, origin.member_key):
        # update the message that queued the job, not the /cancel command's own reply
        where = queued.request.origin if queued is not None else origin
        await jam.outbounds.progress(where, job_id, "cancelled", "cancelled")
        return Reply(f"cancelled {job_id}", private=True)
    return Reply.error(f"job {job_id} is not a waiting job of yours (it may have started already)")


HANDLERS = {"help": help_handler, "cancel": cancel_handler}
