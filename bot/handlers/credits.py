"""/credits: the thread's contributors, an artifact's lineage, or your own contributions."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot import credits as fmt
from bot.catalog.parse import Parsed
from bot.models import Origin
from bot.reply import Attachment, Reply

if TYPE_CHECKING:
    from bot.runtime import Jamroom

_MIME = {"text": "text/plain", "md": "text/markdown", "json": "application/json", "csv": "text/csv"}


async def credits_handler(jam: Jamroom, parsed: Parsed, origin: Origin) -> Reply:
    target = parsed.values.get("artifact")
    form = parsed.values.get("format") or "text"
    if target == "me":
        artifacts = [a for a in await jam.ledger.artifacts(member=origin.member_key)
                     if a.thread.startswith(f"{origin.platform}:{origin.workspace}:")]
        title = f"What {origin.member_name} contributed"
    elif target:
        lineage = await jam.ledger.lineage(target)
        if not lineage or not lineage[0].thread.startswith(f"{origin.platform}:{origin.workspace}:"):
            return Reply.error(f"no artifact {target} here; /credits lists this thread's")
        artifacts = lineage
        title = f"Lineage of {target}: {fmt.lineage_text(lineage)}"
    else:
        artifacts = await jam.ledger.artifacts(thread=origin.thread_key)
        title = "Credits for this thread"
    body = fmt.render(artifacts, form, title)
    if form == "text":
        return Reply(body)
    name = f"credits.{form}"
    return Reply(f"{title} ({len(artifacts)} artifacts) — attached as {name}",
                 attachments=[Attachment(name, _MIME[form], body.encode())])


HANDLERS = {"credits": credits_handler}
