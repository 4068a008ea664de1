"""Who a studio member is: their browser's own secret, not the name they type.

On a browser's first visit the studio sets an HttpOnly cookie holding a long random
secret; the member id is a hash of it, so it survives restarts without a table, and
no page script (nor another tab typing the same name) can take it.  The display name
is only a name: two members may both call themselves "Ann", and "Ａｎｎ" in fullwidth
letters is whoever's browser sent it.  Clearing cookies makes a new member.
"""

from __future__ import annotations

import hashlib
import re
import secrets

from aiohttp import web

COOKIE = "jamroom_member"
#: A year: browsers cap cookie lifetimes near 400 days.
MAX_AGE = 365 * 24 * 3600
_SECRET = re.compile(r"[A-Za-z0-9_-]{32,86}")


def new_secret() -> str:
    return secrets.token_urlsafe(32)


def valid(secret: str | None) -> bool:
    return bool(secret) and _SECRET.fullmatch(secret or "") is not None


def member_id_for(secret: str) -> str:
    """A stable, short member id that reveals nothing about the secret."""
    return "b-" + hashlib.sha256(b"jamroom studio member\0" + secret.encode()).hexdigest()[:16]


def secret_of(request: web.BaseRequest) -> str | None:
    secret = request.cookies.get(COOKIE)
    return secret if valid(secret) else None


def remember(response: web.StreamResponse, secret: str, *, secure: bool = False) -> None:
    """Lax, not Strict: a link to the studio from a chat must not arrive cookie-less and mint a new member."""
    response.set_cookie(COOKIE, secret, max_age=MAX_AGE, path="/", httponly=True, samesite="Lax", secure=secure)


def ensure(request: web.BaseRequest, response: web.StreamResponse) -> str:
    """The browser's secret, issuing one (on ``response``) if it has none yet."""
    secret = secret_of(request)
    if secret is None:
        secret = new_secret()
        remember(response, secret, secure=request.secure)
    return secret
