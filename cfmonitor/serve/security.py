"""Who may talk to `cfmonitor serve`: the holder of this start's token, from the server's own page.

A secret token is made at each start and printed once, inside a URL. Opening that URL
swaps the token for an HttpOnly, SameSite=Strict cookie and redirects to a clean address
(so the token does not stay in the address bar). From then on every request needs the
cookie; the websocket (which starts an app process) and every download also need the
server's own Origin, so a page from another site can neither start the app nor read a
file. Anything else is refused with 403. Tokens are compared in constant time.
"""

from __future__ import annotations

import ipaddress
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import NoReturn
from urllib.parse import urlsplit

from aiohttp import web

COOKIE_NAME = "cfmonitor-session"
TOKEN_PARAMETER = "token"
LOOPBACK_NAMES = frozenset({"localhost", "127.0.0.1", "::1"})
GUARDED_PREFIXES = ("/ws", "/download/")
"""Requests that start an app process or hand out data: they need the server's own Origin."""

CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",  # xterm.js styles its rows from script
        "font-src 'self'",
        "img-src 'self' data:",
        "connect-src 'self'",
        "base-uri 'none'",
        "form-action 'none'",
        "frame-ancestors 'none'",
    )
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
}


def is_loopback(host: str) -> bool:
    """True for a name or address that only this computer can reach."""
    name = host.strip("[]").lower()
    if name in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def origin_of(url: str) -> str | None:
    """`scheme://host[:port]` of a URL, lower-cased; None when it has none."""
    parts = urlsplit(url)
    if not parts.scheme or not parts.netloc:
        return None
    return f"{parts.scheme}://{parts.netloc}".lower()


class Refused(web.HTTPForbidden):
    """403 with one sentence saying what to do, and nothing else."""

    def __init__(self, reason: str) -> None:
        super().__init__(text=f"403 Forbidden: {reason}\n", content_type="text/plain")


@dataclass(frozen=True)
class Access:
    """The rules of one server start: its token, and which Host and Origin are its own."""

    token: str
    public_origin: str | None = None
    """The address people open when a reverse proxy is in front (e.g. https://…); None:
    the server's own address, as the browser's Host header gives it."""
    loopback_only: bool = True
    """Bound to loopback: refuse any other Host header (a DNS-rebinding page has one)."""

    @classmethod
    def new(cls, *, host: str, public_url: str | None = None) -> Access:
        return cls(
            token=secrets.token_urlsafe(32),
            public_origin=origin_of(public_url) if public_url else None,
            loopback_only=is_loopback(host) and public_url is None,
        )

    @property
    def secure_cookie(self) -> bool:
        return bool(self.public_origin and self.public_origin.startswith("https://"))

    def token_matches(self, candidate: str | None) -> bool:
        if not candidate:
            return False
        return secrets.compare_digest(candidate.encode(), self.token.encode())

    def own_origin(self, request: web.Request) -> str:
        return self.public_origin or f"http://{request.host}".lower()

    def host_allowed(self, request: web.Request) -> bool:
        if not self.loopback_only:
            return True
        host = request.host.rsplit(":", 1)[0] if not request.host.endswith("]") else request.host
        return is_loopback(host)

    def has_cookie(self, request: web.Request) -> bool:
        return self.token_matches(request.cookies.get(COOKIE_NAME))

    def from_own_page(self, request: web.Request) -> bool:
        """The request comes from a page this server served. Browsers send Origin with a
        websocket; a download opened in a new tab has none, so its Referer (always sent:
        the page's policy is same-origin) must be ours instead."""
        origin = request.headers.get("Origin")
        if origin is None:
            referer = request.headers.get("Referer")
            origin = origin_of(referer) if referer else None
        return origin is not None and origin.lower() == self.own_origin(request)

    def exchange(self, request: web.Request) -> NoReturn:
        """The printed URL: a right token becomes the cookie and a clean redirect (raised,
        as aiohttp wants its redirects)."""
        if not self.token_matches(request.query.get(TOKEN_PARAMETER)):
            raise Refused("this address has no valid token; open the one cfmonitor serve printed.")
        response = web.HTTPSeeOther(location="/")
        response.set_cookie(
            COOKIE_NAME,
            self.token,
            path="/",
            httponly=True,
            samesite="Strict",
            secure=self.secure_cookie,
        )
        raise response

    def check(self, request: web.Request) -> None:
        """Raise `Refused` unless `request` may be served (the token exchange aside)."""
        if not self.host_allowed(request):
            raise Refused("this server only answers to its own loopback address.")
        if request.headers.get("Sec-Fetch-Site", "same-origin") not in ("same-origin", "none"):
            raise Refused("requests from other sites are not served.")
        if not self.has_cookie(request):
            raise Refused("no session; open the address cfmonitor serve printed (with its token).")
        if request.path.startswith(GUARDED_PREFIXES) and not self.from_own_page(request):
            raise Refused("this request did not come from cfmonitor's own page.")

    @web.middleware
    async def middleware(
        self,
        request: web.Request,
        handler: Callable[[web.Request], Awaitable[web.StreamResponse]],
    ) -> web.StreamResponse:
        if request.path == "/" and TOKEN_PARAMETER in request.query:
            if not self.host_allowed(request):
                raise Refused("this server only answers to its own loopback address.")
            self.exchange(request)
        self.check(request)
        return await handler(request)


async def add_security_headers(request: web.Request, response: web.StreamResponse) -> None:
    """On every response, refusals and downloads included: nothing from elsewhere, no
    framing, no caching, no sniffing."""
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
