"""Who a Slack member is: a display name for credits, and whether they may run moderator commands.

Moderators are workspace admins and owners (``users.info``: is_admin / is_owner /
is_primary_owner) or members of one configured user group (SLACK_MODERATOR_GROUP).
Answers are cached briefly so a busy channel costs few API calls.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

log = logging.getLogger(__name__)

CACHE_SECONDS = 300.0


@dataclass(frozen=True)
class Member:
    id: str
    name: str
    admin: bool


class Members:
    def __init__(self, client: AsyncWebClient, moderator_group: str | None = None) -> None:
        self.client = client
        self.moderator_group = moderator_group
        self._users: dict[str, tuple[float, Member]] = {}
        self._group: tuple[float, frozenset[str]] | None = None

    async def get(self, user_id: str) -> Member:
        now = time.monotonic()
        hit = self._users.get(user_id)
        if hit and now - hit[0] < CACHE_SECONDS:
            return hit[1]
        try:
            resp = await self.client.users_info(user=user_id)
        except SlackApiError as exc:  # no users:read, or a user from another org: not an admin
            log.warning("users.info failed", extra={"error": exc.response.get("error", "")})
            return Member(user_id, user_id, False)
        member = _member(user_id, resp.get("user") or {})
        self._users[user_id] = (now, member)
        return member

    async def name(self, user_id: str, hint: str | None = None) -> str:
        """The name the payload gave, else the profile's display name."""
        if hint:
            return hint
        return (await self.get(user_id)).name

    async def is_moderator(self, user_id: str) -> bool:
        if (await self.get(user_id)).admin:
            return True
        if not self.moderator_group:
            return False
        return user_id in await self._group_members()

    async def _group_members(self) -> frozenset[str]:
        now = time.monotonic()
        if self._group and now - self._group[0] < CACHE_SECONDS:
            return self._group[1]
        resp = await self.client.usergroups_users_list(usergroup=self.moderator_group or "")
        users = frozenset(resp.get("users") or ())
        self._group = (now, users)
        return users


def _member(user_id: str, user: dict[str, Any]) -> Member:
    profile = user.get("profile") or {}
    name = profile.get("display_name") or user.get("real_name") or user.get("name") or user_id
    admin = bool(user.get("is_admin") or user.get("is_owner") or user.get("is_primary_owner"))
    return Member(user_id, name, admin)
