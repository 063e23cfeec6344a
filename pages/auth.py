"""Sign-in, registration, and the HTTP endpoints that set and clear the session cookie.

Everything that changes state here is a POST (equeue_ui/browser_guard.py refuses other sites'),
and completing a sign-in works only in the browser that typed the password."""

from __future__ import annotations

import logging
from dataclasses import replace
from urllib.parse import quote

from fastapi import Request
from fastapi.responses import RedirectResponse, Response
from nicegui import app, ui
from starlette.datastructures import FormData

from components import session, sign_in_page
from components.auth_forms import register_form
from components.ecourses_panel import ecourses_host
from components.frame import frame, logout_items
from components.i18n import _
from components.sign_in_page import ECOURSES, PASSWORD
from equeue_ui import browser_guard
from equeue_ui.ecourses.errors import (
    EcoursesBadAnswer,
    EcoursesMaintenance,
    EcoursesServiceUnavailable,
    EcoursesTimeout,
    EcoursesUnreachable,
)
from equeue_ui.errors import DomainError, ForbiddenError, RateLimitedError, invalid
from equeue_ui.i18n import LANGUAGES, Msg, msg
from equeue_ui.services import accounts, ecourses_accounts, site
from equeue_ui.services.accounts import SignedIn
from pages import web_app
from pages.guard import page_at

log = logging.getLogger(__name__)

# Why the sign-in page was shown again (`/login?notice=…`).
NOTICES = {
    "expired": msg("The sign-in link has expired. Sign in again."),
    "other-browser": accounts.OTHER_BROWSER,
    "deleted": msg("Your account was deleted, and you are signed out."),
}
UNEXPECTED = msg("Something went wrong. Please try again.")
ECOURSES_DOWN = (
    EcoursesUnreachable,
    EcoursesTimeout,
    EcoursesMaintenance,
    EcoursesServiceUnavailable,
    EcoursesBadAnswer,
)


def register() -> None:
    @app.get("/login", include_in_schema=False)
    async def login_page(request: Request, next: str = "/", notice: str = "") -> Response:
        next_path = session.safe_next(next)
        if await accounts.user_for_session(session.session_token(request)) is not None:
            return RedirectResponse(next_path, status_code=303)
        shown = NOTICES.get(notice)
        if shown is None and request.query_params.get("expired"):
            shown = NOTICES["expired"]
        return await sign_in_response(request, next_path, notice=shown)

    @app.post(browser_guard.SIGN_IN_PATH, include_in_schema=False)
    async def sign_in(request: Request) -> Response:
        """Either form of the sign-in page: a password of this site's, or of eCourses'."""
        form = await request.form()
        method = ECOURSES if _field(form, "method") == ECOURSES else PASSWORD
        username, password = _field(form, "username"), _field(form, "password")
        next_path = session.safe_next(_field(form, "next") or "/")
        language = await session.visitor_language(request)
        try:
            signed_in = await _sign_in(request, method, username, password)
        except DomainError as error:
            refusal, status = error.render(language), _refusal_status(error)
        except Exception:
            log.exception("unexpected failure while signing in")
            refusal, status = UNEXPECTED.render(language), 503
        else:
            return _with_session(request, signed_in, next_path)
        page = await _sign_in_page(language, next_path)
        return sign_in_page.response(
            replace(page, error=refusal, error_form=method, username=username),
            status_code=status,
        )

    @page_at("/register")
    async def register_page(request: Request, next: str = "/") -> Response | None:
        if await session.current_user(request) is not None:
            return RedirectResponse(session.safe_next(next), status_code=303)
        with frame(_("Registration"), user=None, here=request.url.path):
            if await site.is_registration_open():
                register_form(next_path=session.safe_next(next), browser=session.browser(request))
            else:
                ui.label(_("Registration is switched off on this site.")).mark("registration-off")
        return None

    @app.get("/auth/complete", include_in_schema=False)
    async def complete_sign_in(request: Request, ticket: str = "", next: str = "/") -> Response:
        try:
            signed_in = await accounts.redeem_ticket(
                ticket,
                # Only the cookie the browser sent: a new one made for this response proves nothing.
                binding=request.cookies.get(browser_guard.SIGN_IN_COOKIE, ""),
                address=session.client_address(request),
                user_agent=request.headers.get("user-agent", ""),
            )
        except DomainError as error:
            notice = "other-browser" if error.message == accounts.OTHER_BROWSER else "expired"
            return RedirectResponse(f"/login?notice={notice}", status_code=303)
        return _with_session(request, signed_in, session.safe_next(next))

    @page_at("/auth/logout")
    async def logout_page(request: Request) -> Response | None:
        """An old link or bookmark to the logout address: ask, since a GET changes nothing."""
        user = await session.current_user(request)
        if user is None:
            return RedirectResponse("/login", status_code=303)
        with (
            frame(_("Log out"), user=user, here=request.url.path),
            ui.card().classes("w-full max-w-sm mx-auto").mark("logout-card"),
        ):
            ui.label(_("Log out of eQueue?")).classes("text-h6")
            logout_items()
        return None

    @app.post("/auth/logout", include_in_schema=False)
    async def logout(request: Request) -> Response:
        form = await request.form()
        token = session.session_token(request)
        user = await accounts.user_for_session(token)
        if token and form.get("everywhere") == "1" and user is not None:
            await accounts.sign_out_everywhere(actor=user)
        elif token:
            await accounts.sign_out(token)
        response = RedirectResponse("/login", status_code=303)
        session.clear_session_cookie(response)
        return response

    @app.post("/auth/language", include_in_schema=False)
    async def choose_language(request: Request) -> Response:
        form = await request.form()
        lang, next_path = str(form.get("lang", "")), str(form.get("next", "/"))
        response = RedirectResponse(session.safe_next(next_path), status_code=303)
        if lang not in LANGUAGES:
            return response
        user = await accounts.user_for_session(session.session_token(request))
        if user is not None:
            await accounts.set_preferences(actor=user, language=lang)
        response.set_cookie(
            session.LANGUAGE_COOKIE, lang, max_age=365 * 24 * 3600, samesite="lax", path="/"
        )
        return response


async def _sign_in(request: Request, method: str, username: str, password: str) -> SignedIn:
    browser = session.browser(request)
    if method == ECOURSES:
        ticket = await ecourses_accounts.sign_in_with_ecourses(
            username, password, binding=browser.binding, address=browser.address
        )
    else:
        if not username.strip() or not password:
            raise invalid("Enter your username and password.")
        ticket = await accounts.sign_in(
            username,
            password,
            binding=browser.binding,
            address=browser.address,
            device=browser.device,
        )
    # The ticket is bound to this browser's sign-in cookie, which this request carried.
    return await accounts.redeem_ticket(
        ticket,
        binding=browser.binding,
        address=browser.address,
        user_agent=request.headers.get("user-agent", ""),
    )


def _with_session(request: Request, signed_in: SignedIn, next_path: str) -> Response:
    response = RedirectResponse(next_path, status_code=303)
    secure = browser_guard.is_https(request.scope)
    session.set_session_cookie(response, signed_in.token, secure=secure)
    session.set_device_cookie(response, signed_in.user.id, secure=secure)
    return response


async def sign_in_response(
    request: Request, next_path: str, *, notice: Msg | None = None, welcome: bool = False
) -> Response:
    """The sign-in page for a visitor; ``welcome``: at the start page, saying what eQueue is."""
    language = await session.visitor_language(request)
    page = await _sign_in_page(language, next_path, here="/" if welcome else None)
    rendered = notice.render(language) if notice is not None else None
    return sign_in_page.response(replace(page, notice=rendered, welcome=welcome))


async def _sign_in_page(
    language: str, next_path: str, *, here: str | None = None
) -> sign_in_page.SignInPage:
    """``here``: the page's own address, for the language switch to come back to (by default
    the sign-in page's, with ``next_path``)."""
    ecourses = (await site.ecourses_config()).enabled
    return sign_in_page.SignInPage(
        language=language,
        next_path=next_path,
        can_register=await site.is_registration_open(),
        ecourses_host=await ecourses_host() if ecourses else None,
        here=here or ("/login" if next_path == "/" else f"/login?next={quote(next_path, safe='')}"),
        head=web_app.HEAD_HTML,
    )


def _refusal_status(error: DomainError) -> int:
    if isinstance(error, RateLimitedError):
        return 429
    if isinstance(error, ForbiddenError):
        return 403
    if isinstance(error, ECOURSES_DOWN):
        return 503  # nothing the visitor did: eCourses could not check the password
    return 400


def _field(form: FormData, name: str) -> str:
    value = form.get(name)
    return value if isinstance(value, str) else ""
