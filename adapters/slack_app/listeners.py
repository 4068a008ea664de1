"""The bolt app: slash commands, @mentions, buttons and the "Jam on this" shortcut, each acked at once.

Listeners only read the payload, ``ack()`` and hand the command text to the
:class:`Runner`; bolt runs the rest after the HTTP answer has gone, and verifies
every request's signature (401 for unsigned, wrong or stale ones) before any of this.
"""

from __future__ import annotations

import html
import json
import re
from typing import Any

from slack_bolt.async_app import AsyncApp

from adapters.slack_app.blocks import ACTION_PREFIX
from adapters.slack_app.files import SharedFile
from adapters.slack_app.runner import Runner, Where, command_text

SHORTCUT_ID = "jam_on_this"
MODAL_ID = "jam_on_this_modal"
#: Files from the shortcut's message carried in the modal (private_metadata holds 3,000 characters).
MAX_SHARED = 3
PLACEHOLDER = "/vary amount:strong  or  /riff action:continue"
_MENTION = re.compile(r"^\s*(<@[A-Z0-9]+(\|[^>]*)?>\s*)+")


def _files(items: list[dict[str, Any]] | None) -> tuple[SharedFile, ...]:
    found = [SharedFile.from_slack(f) for f in (items or [])[:MAX_SHARED]]
    return tuple(f for f in found if f is not None)


def _team(body: dict[str, Any]) -> str:
    team = body.get("team") or {}
    return str(body.get("team_id") or team.get("id") or (body.get("user") or {}).get("team_id") or "")


def register(app: AsyncApp, runner: Runner) -> None:
    cfg = runner.cfg

    @app.command(re.compile(r"^/[^\s]+$"))
    async def on_slash(ack: Any, body: dict[str, Any]) -> None:
        name = cfg.catalog_name(body["command"])
        text = command_text(f"/{name} {body.get('text') or ''}")
        error = runner.precheck(text)
        if error:
            await ack(response_type="ephemeral", text=error)
            return
        await ack()
        shown = html.unescape(f"{body['command']} {body.get('text') or ''}".strip())
        where = Where(team=_team(body), channel=body["channel_id"], thread="", user=body["user_id"],
                      event_id=body["trigger_id"], user_name=body.get("user_name"),
                      response_url=body.get("response_url"), shown=shown)
        await runner.run(text, where)

    @app.event("app_mention")
    async def on_mention(body: dict[str, Any], event: dict[str, Any]) -> None:
        words = _MENTION.sub("", event.get("text") or "").strip() or "help"
        text = command_text(words)
        where = Where(team=_team(body), channel=event["channel"], thread=event.get("thread_ts") or event["ts"],
                      user=event["user"], event_id=str(body.get("event_id") or event["ts"]),
                      files=_files(event.get("files")), shown=text)
        await runner.run(text, where)

    @app.action(re.compile(f"^{re.escape(ACTION_PREFIX)}"))
    async def on_click(ack: Any, body: dict[str, Any], action: dict[str, Any]) -> None:
        await ack()
        message = body.get("message") or {}
        container = body.get("container") or {}
        user = body.get("user") or {}
        thread = (message.get("thread_ts") or container.get("thread_ts") or message.get("ts")
                  or container.get("message_ts") or "")
        channel = (body.get("channel") or {}).get("id") or container.get("channel_id") or ""
        text = command_text(action.get("value") or "")
        where = Where(team=_team(body), channel=channel, thread=thread, user=user["id"],
                      event_id=str(body.get("trigger_id") or action.get("action_ts")),
                      user_name=user.get("username") or user.get("name"), shown=text)
        await runner.run(text, where)

    @app.shortcut(SHORTCUT_ID)
    async def on_shortcut(ack: Any, body: dict[str, Any], client: Any) -> None:
        await ack()
        message = body.get("message") or {}
        meta = {"c": (body.get("channel") or {}).get("id", ""), "t": message.get("thread_ts") or message.get("ts"),
                "f": [f.to_dict() for f in _files(message.get("files"))]}
        await client.views_open(trigger_id=body["trigger_id"], view=_modal(json.dumps(meta)))

    @app.view(MODAL_ID)
    async def on_modal(ack: Any, body: dict[str, Any], view: dict[str, Any]) -> None:
        raw = view["state"]["values"]["command"]["text"]["value"] or ""
        text = command_text(raw)
        meta = json.loads(view.get("private_metadata") or "{}")
        error = runner.precheck(text, _files(meta.get("f")))
        if error:
            await ack(response_action="errors", errors={"command": error})
            return
        await ack()
        user = body.get("user") or {}
        where = Where(team=_team(body), channel=meta.get("c", ""), thread=meta.get("t") or "", user=user["id"],
                      event_id=str(view.get("id") or body.get("trigger_id")),
                      user_name=user.get("username") or user.get("name"), files=_files(meta.get("f")), shown=text)
        await runner.run(text, where)


def _modal(private_metadata: str) -> dict[str, Any]:
    return {
        "type": "modal",
        "callback_id": MODAL_ID,
        "title": {"type": "plain_text", "text": "Jam on this"},
        "submit": {"type": "plain_text", "text": "Run"},
        "close": {"type": "plain_text", "text": "Cancel"},
        "private_metadata": private_metadata,
        "blocks": [
            {
                "type": "input",
                "block_id": "command",
                "label": {"type": "plain_text", "text": "Command (the result lands in this message's thread)"},
                "element": {"type": "plain_text_input", "action_id": "text",
                            "placeholder": {"type": "plain_text", "text": PLACEHOLDER}},
            }
        ],
    }
