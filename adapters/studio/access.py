"""Who may use the studio.

Bound to a loopback address, only this machine can reach it, so whoever opens it
is its moderator and no token is asked.  Bound to any other address, every studio
route needs ``JAMROOM_STUDIO_TOKEN`` (as ``?token=``, which sets a cookie, or an
``Authorization: Bearer`` header), and token holders are moderators.  Permalinks
(``/a/<id>``) stay open: their ids are unguessable and other platforms link to them.

Browsers let any web page open a WebSocket or POST a form to 127.0.0.1, so requests
that carry an ``Origin`` header must come from the studio's own page.
"""

from __future__ import annotations

import hmac
import ipaddress
from dataclasses import dataclass
from urllib.parse import urlsplit

from aiohttp import web

COOKIE = "jamroom_studio"


def is_loopback(host: str) -> bool:
    if host in ("localhost", "localhost.localdomain"):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


@dataclass(frozen=True)
class Access:
    local: bool
    token: str | None
    #: The host of JAMROOM_PUBLIC_URL: behind a reverse proxy, pages come from there.
    public_host: str = ""

    @classmethod
    def from_settings(cls, host: str, token: str | None, public_url: str | None = None) -> Access:
        return cls(local=is_loopback(host), token=token or None, public_host=urlsplit(public_url or "").netloc.lower())

    @property
    def enabled(self) -> bool:
        """Off when exposed beyond this machine without a token."""
        return self.local or self.token is not None

    def presented(self, request: web.Request) -> str | None:
        header = request.headers.get("Authorization", "")
        if header.startswith("Bearer "):
            return header[7:].strip()
        return request.query.get("token") or request.cookies.get(COOKIE)

    def allows(self, request: web.Request) -> bool:
        if self.local:
            return True
        given = self.presented(request)
        return bool(self.token and given and hmac.compare_digest(given.encode(), self.token.encode()))

    def is_moderator(self, request: web.Request) -> bool:
        return self.allows(request)

    def same_origin(self, request: web.Request) -> bool:
        """True unless a browser says the request comes from another site's page."""
        origin = request.headers.get("Origin")
        if not origin or origin == "null":
            return origin is None
        netloc = urlsplit(origin).netloc.lower()
        return netloc == request.host.lower() or (bool(self.public_host) and netloc == self.public_host)

    def remember(self, request: web.Request, response: web.StreamResponse) -> None:
        """After a ``?token=`` visit, keep the token in a cookie so links and the socket work."""
        if not self.local and request.query.get("token") and self.allows(request):
            response.set_cookie(COOKIE, request.query["token"], httponly=True, samesite="Strict", path="/")

    def refusal(self) -> web.Response:
        if not self.enabled:
            text = ("The studio is off: this server listens beyond this machine and JAMROOM_STUDIO_TOKEN is not "
                    "set. Set it and restart, then open /?token=<your token>.")
            return web.Response(status=403, text=text)
        return web.Response(status=401, text="This studio needs its access token: open /?token=<JAMROOM_STUDIO_TOKEN>.")
