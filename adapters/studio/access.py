"""Who may reach the studio, and from which pages.

Two modes, chosen by the bind address and ``JAMROOM_STUDIO_TOKEN``:

* **Loopback, no token** (the default): only this machine can connect, but any web page
  the operator visits can make the browser talk to 127.0.0.1, and with DNS rebinding
  (``evil.example`` re-resolving to 127.0.0.1) that page even counts as same-origin.
  So the ``Host`` header must name this machine (``localhost``, a loopback address, or
  the host of ``JAMROOM_PUBLIC_URL``), and so must ``Origin`` when a browser sends one.
* **With a token** (LAN or public): every studio route needs the token (``?token=`` once,
  exchanged for an HttpOnly cookie and a redirect to a clean URL, or an
  ``Authorization: Bearer`` header); the token rules, so a LAN address keeps working.

Bound beyond loopback without a token, the studio is off.  Permalinks (``/a/<id>``)
stay open: their ids are unguessable and other platforms link to them.  Access is not
identity: who a member is comes from their browser's own cookie (:mod:`.identity`), and
moderator rights from the operator link (:mod:`.operator`).
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from urllib.parse import urlencode, urlsplit

from aiohttp import web

from bot.web import host_is_loopback, hostname_of, is_loopback

COOKIE = "jamroom_studio"

__all__ = ["COOKIE", "Access", "is_loopback"]


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

    @property
    def tokenless(self) -> bool:
        return self.token is None

    def presented(self, request: web.Request) -> str | None:
        header = request.headers.get("Authorization", "")
        if header.startswith("Bearer "):
            return header[7:].strip()
        return request.query.get("token") or request.cookies.get(COOKIE)

    def token_ok(self, request: web.Request) -> bool:
        given = self.presented(request)
        return bool(self.token and given and hmac.compare_digest(given.encode(), self.token.encode()))

    def host_ok(self, request: web.Request) -> bool:
        """Token-less, the Host header must name this machine: a rebound DNS name is refused."""
        if not self.tokenless:
            return True
        return host_is_loopback(request) or (bool(self.public_host) and request.host.lower() == self.public_host)

    def allows(self, request: web.Request) -> bool:
        if not self.host_ok(request):
            return False
        if self.tokenless:
            return self.local
        return self.token_ok(request)

    def same_origin(self, request: web.Request) -> bool:
        """True unless a browser says the request comes from a page that is not the studio's own."""
        origin = request.headers.get("Origin")
        if origin is None:
            return True
        if origin == "null":
            return False
        netloc = urlsplit(origin).netloc.lower()
        if self.public_host and netloc == self.public_host:
            return True
        if netloc != request.host.lower():
            return False
        # Same as Host; token-less, that Host must itself be this machine (not a rebound name).
        return not self.tokenless or is_loopback(hostname_of(netloc))

    def token_exchange(self, request: web.Request) -> web.StreamResponse | None:
        """A ``?token=`` visit: keep the token in an HttpOnly cookie and redirect to the same URL without it."""
        if "token" not in request.query:
            return None
        rest = [(k, v) for k, v in request.query.items() if k != "token"]
        clean = request.path + (f"?{urlencode(rest)}" if rest else "")
        response = see_other(clean)
        if self.token_ok(request):
            response.set_cookie(COOKIE, request.query["token"], httponly=True, samesite="Lax", path="/",
                                secure=request.secure)
        return response

    def refusal(self, request: web.Request | None = None) -> web.Response:
        if not self.enabled:
            text = ("The studio is off: this server listens beyond this machine and JAMROOM_STUDIO_TOKEN is not "
                    "set. Set it and restart, then open /?token=<your token>.")
            return web.Response(status=403, text=text)
        if request is not None and not self.host_ok(request):
            return web.Response(status=421, text="This studio answers only to localhost, 127.0.0.1 or its public "
                                                 "URL; open it by one of those names.")
        return web.Response(status=401, text="This studio needs its access token: open /?token=<JAMROOM_STUDIO_TOKEN>.")


def see_other(location: str) -> web.Response:
    """A redirect that leaves no trace of the address it came from (no cache, no Referer)."""
    return web.Response(status=303, headers={"Location": location, "Cache-Control": "no-store",
                                             "Referrer-Policy": "no-referrer"})
