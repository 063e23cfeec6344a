"""Sign-in, registration, and the HTTP endpoints that set and clear the session cookie.

Everything that changes state here is a POST (equeue_ui/browser_guard.py refuses other sites'),
and completing a sign-in works only in the browser that typed the password."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import RedirectResponse, Response
from nicegui import app, ui

from components import session
from components.auth_forms import ecourses_sign_in_form, register_form, sign_in_form
from components.ecourses_panel import ecourses_host
from components.frame import frame, logout_items
from components.i18n import _, language
from equeue_ui import browser_guard
from equeue_ui.errors import DomainError
from equeue_ui.i18n import LANGUAGES, msg
from equeue_ui.services import accounts, site
from pages.guard import page_at

# Why the sign-in page was shown again (`/login?notice=…`).
NOTICES = {
    "expired": msg("The sign-in link has expired. Sign in again."),
    "other-browser": accounts.OTHER_BROWSER,
    "deleted": msg("Your account was deleted, and you are signed out."),
}


def register() -> None:
    @page_at("/login")
    async def login_page(request: Request, next: str = "/") -> Response | None:
        if await session.current_user(request) is not None:
            return RedirectResponse(session.safe_next(next), status_code=303)
        with frame(_("Sign in"), user=None, here=request.url.path):
            await sign_in_section(request, session.safe_next(next))
        return None

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
        response = RedirectResponse(session.safe_next(next), status_code=303)
        secure = browser_guard.is_https(request.scope)
        session.set_session_cookie(response, signed_in.token, secure=secure)
        session.set_device_cookie(response, signed_in.user.id, secure=secure)
        return response

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


async def sign_in_section(request: Request, next_path: str) -> None:
    notice = NOTICES.get(request.query_params.get("notice", ""))
    if notice is None and request.query_params.get("expired"):
        notice = NOTICES["expired"]
    if notice is not None:
        ui.label(notice.render(language())).classes("text-warning text-center w-full").mark(
            "sign-in-notice"
        )
    browser = session.browser(request)
    sign_in_form(
        next_path=next_path, browser=browser, can_register=await site.is_registration_open()
    )
    if (await site.ecourses_config()).enabled:
        ecourses_sign_in_form(next_path=next_path, browser=browser, host=await ecourses_host())
