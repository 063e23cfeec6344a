"""Who is signed in: the signed session cookie, read on each page load."""

from __future__ import annotations

import ipaddress
import secrets
from dataclasses import dataclass
from urllib.parse import quote

from fastapi import Request
from fastapi.responses import RedirectResponse, Response
from itsdangerous import BadSignature, Signer

from components.i18n import set_language
from equeue_ui import browser_guard, runtime
from equeue_ui.i18n import normalize_language
from equeue_ui.services import accounts, site
from equeue_ui.services.sign_in_throttle import TrustedDevice
from equeue_ui.services.views import UserView

COOKIE = "equeue_session"
LANGUAGE_COOKIE = browser_guard.LANGUAGE_COOKIE
# Names the browser an account signed in with before: its failed sign-ins are throttled apart
# from everyone else's (services/sign_in_throttle.py).
DEVICE_COOKIE = "equeue_device"
DEVICE_COOKIE_MAX_AGE = 365 * 24 * 3600


@dataclass(frozen=True)
class Browser:
    """Who is asking, as the sign-in services need it."""

    address: str
    binding: str  # the browser's sign-in cookie (equeue_ui/browser_guard.py)
    device: TrustedDevice | None


def _signer(salt: str = "equeue-session") -> Signer:
    return Signer(runtime.current().settings.resolved_secret, salt=salt)


def browser(request: Request) -> Browser:
    return Browser(
        address=client_address(request),
        binding=browser_guard.sign_in_binding(request.cookies, request.scope.get("state", {})),
        device=_trusted_device(request),
    )


def client_address(request: Request) -> str:
    """The client's address: the peer's, or — only when the peer is a trusted proxy — the
    nearest address in X-Forwarded-For that is not one of the trusted proxies."""
    peer = request.client.host if request.client else ""
    trusted = _trusted_proxies()
    if not trusted or not _is_in(peer, trusted):
        return peer
    hops = [hop.strip() for hop in request.headers.get("x-forwarded-for", "").split(",")]
    for hop in reversed([hop for hop in hops if hop]):
        if not _is_in(hop, trusted):
            return hop
    return peer


def is_trusted_proxy(address: str) -> bool:
    """Whether ``address`` is one of EQUEUE_TRUSTED_PROXIES."""
    return _is_in(address, _trusted_proxies())


def _trusted_proxies() -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    return [
        ipaddress.ip_network(entry, strict=False)
        for entry in runtime.current().settings.trusted_proxies
    ]


def _is_in(address: str, networks: list[ipaddress.IPv4Network | ipaddress.IPv6Network]) -> bool:
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(parsed in network for network in networks)


def set_device_cookie(response: Response, user_id: int, *, secure: bool) -> None:
    value = _signer("equeue-device").sign(f"{user_id}.{secrets.token_urlsafe(16)}").decode()
    response.set_cookie(
        DEVICE_COOKIE,
        value,
        max_age=DEVICE_COOKIE_MAX_AGE,
        httponly=True,
        samesite="lax",
        secure=secure,
        path="/",
    )


def _trusted_device(request: Request) -> TrustedDevice | None:
    raw = request.cookies.get(DEVICE_COOKIE)
    if not raw:
        return None
    try:
        user_id, _, device_id = _signer("equeue-device").unsign(raw).decode().partition(".")
        return TrustedDevice(int(user_id), device_id)
    except (BadSignature, ValueError):
        return None


def session_token(request: Request) -> str | None:
    return token_of(request.cookies.get(COOKIE))


def token_of(cookie: str | None) -> str | None:
    """The session token a session cookie's value carries, if it is ours and intact."""
    if not cookie:
        return None
    try:
        return _signer().unsign(cookie).decode()
    except BadSignature:
        return None


def sign(token: str) -> str:
    return _signer().sign(token).decode()


def set_session_cookie(response: Response, token: str, *, secure: bool) -> None:
    # HttpOnly: page scripts never see the session; Lax: other sites' forms do not carry it.
    response.set_cookie(
        COOKIE,
        sign(token),
        max_age=int(accounts.SESSION_LIFETIME.total_seconds()),
        httponly=True,
        samesite="lax",
        secure=secure,
        path="/",
    )


def clear_session_cookie(response: Response) -> None:
    response.delete_cookie(COOKIE, path="/")


async def current_user(request: Request) -> UserView | None:
    """The signed-in user (and the client's language set from them), or None."""
    user = await accounts.user_for_session(session_token(request))
    set_language(user.language if user and user.language else await visitor_language(request))
    return user


async def reader_language(request: Request) -> str:
    """The language a plain HTTP answer (not a NiceGUI page) is written in, chosen as the pages
    choose theirs: the account's, else the visitor's (below)."""
    user = await accounts.user_for_session(session_token(request))
    if user and user.language:
        return normalize_language(user.language)
    return await visitor_language(request)


async def visitor_language(request: Request) -> str:
    """The language of someone not signed in: the language cookie, else the site's default
    (read only for those who chose nothing: it is a site admin's setting)."""
    return normalize_language(request.cookies.get(LANGUAGE_COOKIE) or await site.default_language())


def login_redirect(request: Request) -> RedirectResponse:
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return RedirectResponse(f"/login?next={quote(target, safe='')}", status_code=303)


def safe_next(target: str | None) -> str:
    """Only local paths: a crafted link cannot send someone to another site after sign-in."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target
