"""Two checks on every HTTP request that protect browsers from other sites.

- **Cross-site requests change nothing.** A request that could change state (any method but
  GET, HEAD, OPTIONS) is refused with 403 when the browser says it comes from another site:
  ``Sec-Fetch-Site`` other than ``same-origin``/``none`` (every current browser sends it), or
  else an ``Origin`` that is not this site's. Requests with neither header do not come from a
  page of another site (browsers send ``Origin`` with every cross-site POST), so scripts and
  the load benchmark are not affected. State changes are never plain GETs, so this covers
  forms (log out, language) and NiceGUI's uploads alike.
- **A sign-in cookie.** Page loads of a browser without one get a random, HttpOnly,
  SameSite=Strict ``equeue_sign_in`` cookie (and so does the refusal of a sign-in posted
  without one, so that the next attempt has it). A sign-in ticket is bound to it, so a link to
  ``/auth/complete`` made in one browser cannot sign another one in (login CSRF): another
  site's link never carries a Strict cookie, and it cannot read or set this one.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable

from starlette.datastructures import Headers, MutableHeaders
from starlette.middleware import Middleware
from starlette.requests import cookie_parser
from starlette.responses import PlainTextResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from equeue_ui import runtime
from equeue_ui.i18n import msg, translate

SIGN_IN_COOKIE = "equeue_sign_in"
SIGN_IN_STATE = "sign_in_binding"
SIGN_IN_PATH = "/auth/sign-in"  # the sign-in page's forms post here (pages/auth.py)
SIGN_IN_COOKIE_MAX_AGE = 24 * 3600
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
SAME_SITE_FETCHES = frozenset({"same-origin", "none"})
# Static files and the live socket's HTTP requests never render a sign-in form.
_NO_PAGE_PREFIXES = ("/_nicegui",)
CROSS_SITE = msg("This request came from another website and was refused.")
LANGUAGE_COOKIE = "equeue_language"


def is_cross_site(scope: Scope, headers: Headers, *, public_origin: str | None) -> bool:
    """Whether a browser sent this request from a page of another site."""
    fetch_site = headers.get("sec-fetch-site")
    if fetch_site is not None:
        return fetch_site.lower() not in SAME_SITE_FETCHES
    origin = headers.get("origin")
    if origin is None:
        return False
    host = headers.get("host", "")
    own = {f"{scope.get('scheme', 'http')}://{host}".lower()}
    if public_origin:
        own.add(public_origin.lower())
    return origin.lower() not in own


class CrossSiteRefusal:
    """Refuses state-changing requests that other sites' pages make (see the module doc)."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        public_origin: Callable[[], str | None],
        default_language: Callable[[], str],
    ) -> None:
        self.app = app
        self.public_origin = public_origin
        self.default_language = default_language

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in SAFE_METHODS:
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        if not is_cross_site(scope, headers, public_origin=self.public_origin()):
            await self.app(scope, receive, send)
            return
        language = (
            cookie_parser(headers.get("cookie", "")).get(LANGUAGE_COOKIE) or self.default_language()
        )
        response = PlainTextResponse(translate(CROSS_SITE.msgid, language), status_code=403)
        await response(scope, receive, send)


class SignInCookie:
    """Gives a browser its sign-in cookie with the first page it loads (see the module doc)."""

    def __init__(self, app: ASGIApp, *, secure: Callable[[Scope], bool]) -> None:
        self.app = app
        self.secure = secure

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith(_NO_PAGE_PREFIXES):
            await self.app(scope, receive, send)
            return
        page_load = scope["method"] == "GET"
        # A sign-in posted without the cookie (it expired while the page was open) is refused,
        # but the page that says so brings a new one: the next attempt then goes through.
        if not page_load and scope["path"] != SIGN_IN_PATH:
            await self.app(scope, receive, send)
            return
        cookies = cookie_parser(Headers(scope=scope).get("cookie", ""))
        if cookies.get(SIGN_IN_COOKIE):
            await self.app(scope, receive, send)
            return
        value = secrets.token_urlsafe(24)
        if page_load:  # a post proves nothing with a cookie made for its own answer
            scope.setdefault("state", {})[SIGN_IN_STATE] = value
        cookie = (
            f"{SIGN_IN_COOKIE}={value}; Max-Age={SIGN_IN_COOKIE_MAX_AGE}; Path=/; HttpOnly; "
            "SameSite=Strict" + ("; Secure" if self.secure(scope) else "")
        )

        async def send_with_cookie(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                if headers.get("content-type", "").startswith("text/html"):
                    headers.append("set-cookie", cookie)
            await send(message)

        await self.app(scope, receive, send_with_cookie)


def sign_in_binding(cookies: dict[str, str], state: dict[str, object]) -> str:
    """The browser's sign-in cookie: the one it sent, or the one this response gives it."""
    sent = cookies.get(SIGN_IN_COOKIE)
    if sent:
        return sent
    given = state.get(SIGN_IN_STATE)
    return given if isinstance(given, str) else ""


def public_origin() -> str | None:
    url = runtime.current().settings.public_url
    if not url:
        return None
    scheme, _, rest = url.partition("://")
    return f"{scheme}://{rest.split('/', 1)[0]}" if rest else None


def is_https(scope: Scope) -> bool:
    return scope.get("scheme") == "https" or (public_origin() or "").startswith("https://")


def middleware() -> list[Middleware]:
    """Both checks for the app's stack, outermost first (app.py puts them inside the gate)."""
    return [
        Middleware(
            CrossSiteRefusal,
            public_origin=public_origin,
            default_language=lambda: runtime.current().settings.default_language,
        ),
        Middleware(SignInCookie, secure=is_https),
    ]
