"""Slack message text and Block Kit built from the core's Delivery, with nothing platform-specific upstream.

Buttons carry the whole command text in their ``value``, so a click needs no lookup and
survives restarts: the clicker runs that command, and is credited for it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypedDict

from bot.models import Delivery
from bot.presentation import MessageView, built_on_line, view_of

ICONS = {"images": "🎨", "music": "🎵", "credits": "📜", "moderation": "🛡️"}
DEFAULT_ICON = "🎛️"
ACTION_PREFIX = "jam:"
#: Slack allows 25 elements per actions block; five keep rows readable on phones.
PER_ROW = 5
#: Slack's limit on a section's text.
SECTION_LIMIT = 3000


def escape(text: str) -> str:
    """Members' words shown as they typed them, never as mentions or links."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def header_text(icon: str, member_id: str, shown: str, state: str) -> str:
    """``🎨 <@U1> · /sketch neon koi · queued · position 2``."""
    return f"{icon} <@{member_id}> · {escape(shown)} · {state}"


def short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


class ButtonElement(TypedDict):
    type: str
    action_id: str
    text: dict[str, Any]
    value: str


class ActionsBlock(TypedDict):
    type: str
    block_id: str
    elements: list[ButtonElement]


def button_rows(view: MessageView) -> list[ActionsBlock]:
    """The view's rows as actions blocks; ids unique in the message, the command text in each value."""
    blocks: list[ActionsBlock] = []
    for r, row in enumerate(view.rows(PER_ROW)):
        elements = [
            {
                "type": "button",
                "action_id": f"{ACTION_PREFIX}{r}:{i}",
                "text": {"type": "plain_text", "text": short(b.label, 75), "emoji": True},
                "value": short(b.text(), 2000),
            }
            for i, b in enumerate(row)
        ]
        blocks.append({"type": "actions", "block_id": f"jam-row-{r}", "elements": elements})
    return blocks


def result_blocks(delivery: Delivery, notes: Sequence[str] = ()) -> list[dict[str, Any]]:
    """The core's view in Block Kit: title and id, then label, credits and notes, then the buttons."""
    view = view_of(delivery)
    who = f"<@{delivery.origin.member_id}>"
    if view.notice and view.built_on:  # a notice to others (consent asks): mention them
        who = " ".join(mention(m) for m in view.built_on)
    title = escape(view.title)
    if view.artifact_id:
        title += f"  `{view.artifact_id}`"
    blocks: list[dict[str, Any]] = [
        {"type": "section", "text": {"type": "mrkdwn", "text": short(f"{who} {title}", SECTION_LIMIT)}},
    ]
    context = [escape(line) for line in view.lines] + list(notes)
    if context:
        blocks.append({"type": "context",
                       "elements": [{"type": "mrkdwn", "text": short(line, SECTION_LIMIT)} for line in context]})
    blocks.extend(button_rows(view))
    return blocks


def built_on_note(members: Sequence[str]) -> str:
    """Mention the members whose work this builds on (member keys end in the Slack user id)."""
    return built_on_line([mention(m) for m in members])


def mention(member_key: str) -> str:
    """``slack:T1:U2`` -> ``<@U2>``."""
    return f"<@{member_key.rsplit(':', 1)[-1]}>"


def fallback_text(delivery: Delivery) -> str:
    """Plain text for notifications and clients without Block Kit."""
    view = view_of(delivery)
    return " · ".join([view.title, *view.lines])
