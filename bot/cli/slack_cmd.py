"""`jamroom slack-manifest`: print the Slack app manifest generated from the catalog."""

from __future__ import annotations

import argparse
import json
import os

from bot.cli.common import fail


def add_parsers(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("slack-manifest", help="print the Slack app manifest (JSON) made from the catalog",
                       description="Print a Slack app manifest with every command as a slash command and exactly "
                                   "the scopes Jamroom uses. Paste it into api.slack.com/apps → Create New App → "
                                   "From an app manifest.")
    p.add_argument("--url", default=None,
                   help="public base URL of `jamroom serve` (default: JAMROOM_PUBLIC_URL); /slack/events is added")
    p.add_argument("--name", default="Jamroom", help="app and bot name (default Jamroom)")
    p.add_argument("--prefix", default=None,
                   help="slash command prefix where names are taken, e.g. jam- (default: SLACK_COMMAND_PREFIX)")
    p.add_argument("--socket-mode", action="store_true", help="for Socket Mode (SLACK_APP_TOKEN): no request URLs")
    p.add_argument("--moderator-group", action="store_true",
                   help="add usergroups:read, for SLACK_MODERATOR_GROUP (default: when that variable is set)")
    p.set_defaults(func=_manifest)


def _manifest(args: argparse.Namespace) -> int:
    from adapters.slack_app.manifest import build

    url = args.url or os.environ.get("JAMROOM_PUBLIC_URL")
    if not url and not args.socket_mode:
        fail("give --url https://your-host (where `jamroom serve` is reachable), or --socket-mode")
    prefix = args.prefix if args.prefix is not None else os.environ.get("SLACK_COMMAND_PREFIX", "")
    group = args.moderator_group or bool(os.environ.get("SLACK_MODERATOR_GROUP"))
    try:
        manifest = build(url=url or "", name=args.name, prefix=prefix.strip().lstrip("/"),
                         socket_mode=args.socket_mode, moderator_group=group)
    except ValueError as exc:
        fail(str(exc))
    print(json.dumps(manifest, indent=2, ensure_ascii=False))
    return 0
