"""Sign-in, registration, and the HTTP endpoints that set and clear the session cookie."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import RedirectResponse, Response
from nicegui import app, ui

from components import session
from components.auth_forms import ecourses_sign_in_form, register_form, sign_in_form
from components.frame import frame
from components.i18n import _
from equeue_ui import runtime
from equeue_ui.errors import DomainError
from equeue_ui.i18n import LANGUAGES
from equeue_ui.services import accounts, site


def client_address(request: Request) -> str:
    return request.client.host if request.client else ""


def register() -> None:
    @ui.page("/login")
    async def login_page(request: Request, next: str = "/") -> Response | None:
        if await session.current_user(request) is not None:
            return RedirectResponse(session.safe_next(next), status_code=303)
        with frame(_("Sign in"), user=None, here=request.url.path):
            await sign_in_section(request, session.safe_next(next))
        return None

    @ui.page("/register")
    async def register_page(request: Request, next: str = "/") -> Response | None:
        if await session.current_user(request) is not None:
            return RedirectResponse(session.safe_next(next), status_code=303)
        with frame(_("Registration"), user=None, here=request.url.path):
            if await site.is_registration_open():
                register_form(next_path=session.safe_next(next), address=client_address(request))
            else:
                ui.label(_("Registration is switched off on this site.")).mark("registration-off")
        return None

    @app.get("/auth/complete", include_in_schema=False)
    async def complete_sign_in(request: Request, ticket: str = "", next: str = "/") -> Response:
        try:
            signed_in = await accounts.redeem_ticket(
                ticket,
                address=client_address(request),
                user_agent=request.headers.get("user-agent", ""),
            )
        except DomainError:
            return RedirectResponse("/login?expired=1", status_code=303)
        response = RedirectResponse(session.safe_next(next), status_code=303)
        session.set_session_cookie(response, signed_in.token, secure=_is_https(request))
        return response

    @app.get("/auth/logout", include_in_schema=False)
    async def logout(request: Request, everywhere: bool = False) -> Response:
        token = session.session_token(request)
        user = await accounts.user_for_session(token)
        if token and everywhere and user is not None:
            await accounts.sign_out_everywhere(actor=user)
        elif token:
            await accounts.sign_out(token)
        response = RedirectResponse("/login", status_code=303)
        session.clear_session_cookie(response)
        return response

    @app.get("/auth/language", include_in_schema=False)
    async def choose_language(request: Request, lang: str = "", next: str = "/") -> Response:
        response = RedirectResponse(session.safe_next(next), status_code=303)
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
    if request.query_params.get("expired"):
        ui.label(_("The sign-in link has expired. Sign in again.")).classes(
            "text-warning text-center w-full"
        )
    sign_in_form(
        next_path=next_path,
        address=client_address(request),
        can_register=await site.is_registration_open(),
    )
    if (await site.ecourses_config()).enabled:
        ecourses_sign_in_form(next_path=next_path, address=client_address(request))


def _is_https(request: Request) -> bool:
    public = runtime.current().settings.public_url or ""
    return request.url.scheme == "https" or public.startswith("https://")
