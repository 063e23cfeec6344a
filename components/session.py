"""Who is signed in: the signed session cookie, read on each page load."""

from __future__ import annotations

from urllib.parse import quote

from fastapi import Request
from fastapi.responses import RedirectResponse, Response
from itsdangerous import BadSignature, Signer

from components.i18n import set_language
from equeue_ui import runtime
from equeue_ui.services import accounts, site
from equeue_ui.services.views import UserView

COOKIE = "equeue_session"
LANGUAGE_COOKIE = "equeue_language"


def _signer() -> Signer:
    return Signer(runtime.current().settings.resolved_secret, salt="equeue-session")


def session_token(request: Request) -> str | None:
    raw = request.cookies.get(COOKIE)
    if not raw:
        return None
    try:
        return _signer().unsign(raw).decode()
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
    chosen = user.language if user and user.language else request.cookies.get(LANGUAGE_COOKIE)
    # Only readers who chose nothing cost a read of the site's default (a site admin's setting).
    set_language(chosen or await site.default_language())
    return user


def login_redirect(request: Request) -> RedirectResponse:
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return RedirectResponse(f"/login?next={quote(target, safe='')}", status_code=303)


def safe_next(target: str | None) -> str:
    """Only local paths: a crafted link cannot send someone to another site after sign-in."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target
