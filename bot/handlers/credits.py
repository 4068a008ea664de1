"""/credits: the thread's contributors, an artifact's lineage (with a picture), or your own contributions.

Opted-out members appear under their pseudonym, removed artifacts say "removed",
and uploads their owners declared (human-made, AI-assisted...) say so.
"""

from __future__ import annotations

import asyncio
import dataclasses
from typing import TYPE_CHECKING

from bot import credits as fmt
from bot.catalog.parse import Parsed
from bot.lineage_picture import picture
from bot.models import Artifact, Origin
from bot.reply import Attachment, Reply
from bot.services.records import declarations, removed_ids

if TYPE_CHECKING:
    from bot.runtime import Jamroom

_MIME = {"text": "text/plain", "md": "text/markdown", "json": "application/json", "csv": "text/csv"}


async def _shown(jam: Jamroom, artifacts: list[Artifact]) -> list[Artifact]:
    """Artifacts with opted-out members' names replaced by their pseudonyms."""
    return [dataclasses.replace(a, contributors=await jam.consent.display(a.contributors)) for a in artifacts]


async def credits_handler(jam: Jamroom, parsed: Parsed, origin: Origin) -> Reply:
    target = parsed.values.get("artifact")
    form = parsed.values.get("format") or "text"
    here = f"{origin.platform}:{origin.workspace}:"
    removed = await removed_ids(jam.ledger)
    declared = await declarations(jam.ledger)
    extra: list[Attachment] = []
    private = False
    if target == "me":
        # only the asker sees it: an opted-out member's list would tie their pseudonym to their name
        artifacts = [a for a in await jam.ledger.artifacts(member=origin.member_key) if a.thread.startswith(here)]
        title = f"What {origin.member_name} contributed"
        private = True
    elif target:
        lineage = await jam.ledger.lineage(target)
        if not lineage or not lineage[0].thread.startswith(here):
            return Reply.error(f"no artifact {target} here; /credits lists this thread's")
        artifacts = await _shown(jam, lineage)
        title = f"Lineage of {target}: {fmt.lineage_text(artifacts, removed)}"
        models = list(dict.fromkeys(line for a in artifacts for line in fmt.model_lines(a)))
        if models:
            title += "\n" + "\n".join(models)
        if len(fmt.levels(artifacts)) > 1:
            png = await asyncio.to_thread(picture, artifacts, removed)  # drawing + PNG encode: off the loop
            extra.append(Attachment(f"lineage-{target}.png", "image/png", png))
            if form == "text":
                title += "\n" + fmt.tree_text(artifacts, removed)
    else:
        artifacts = await jam.ledger.artifacts(thread=origin.thread_key)
        title = "Credits for this thread"
    artifacts = await _shown(jam, artifacts)
    body = fmt.render(artifacts, form, title, removed=removed, declared=declared)
    if form == "text":
        return Reply(body, attachments=extra, private=private)
    name = f"credits.{form}"
    first_line = title.splitlines()[0]
    return Reply(f"{first_line} ({len(artifacts)} artifacts) — attached as {name}",
                 attachments=[Attachment(name, _MIME[form], body.encode()), *extra], private=private)


HANDLERS = {"credits": credits_handler}
