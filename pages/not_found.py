"""An address whose id is no number (`/queues/abc`, `/subjects/1.5`) names no page: it answers
404 with the refusal card that a page of a missing thing shows, instead of FastAPI's JSON 422.

Other routes (the HTTP API) keep FastAPI's validation answer, which tells a program what was
wrong with its request."""

from __future__ import annotations

from fastapi import Request
from fastapi.exception_handlers import request_validation_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from nicegui import Client, app, ui

from components import session
from components.i18n import _
from components.notices import refusal


def register() -> None:
    app.add_exception_handler(RequestValidationError, _unreadable_address)


async def _unreadable_address(request: Request, error: Exception) -> Response:
    assert isinstance(error, RequestValidationError)
    route = request.scope.get("route")
    if getattr(route, "path", None) not in Client.page_routes.values():
        return await request_validation_exception_handler(request, error)
    with Client(ui.page(""), request=request) as client:
        await session.current_user(request)  # the reader's language
        ui.page_title(_("Not found") + " · eQueue")
        refusal(_("There is no such page."))
    return client.build_response(request, 404)
