"""`@signed_in_page(path)`: a page for signed-in people only (most of them)."""

from __future__ import annotations

import functools
import inspect
from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import Request
from fastapi.responses import Response
from nicegui import ui

from components import session

Page = Callable[..., Awaitable[Response | None]]


def signed_in_page(path: str) -> Callable[[Page], Page]:
    """Register the decorated function as the page at ``path``. It takes the signed-in ``user``
    besides the route's parameters (and ``request`` if it names it); a visitor who is not signed
    in goes to the sign-in page, and comes back to this address after."""

    def register(page: Page) -> Page:
        signature = inspect.signature(page)
        wants_request = "request" in signature.parameters
        route = [p for p in signature.parameters.values() if p.name not in {"user", "request"}]
        request_parameter = inspect.Parameter(
            "request", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=Request
        )

        @functools.wraps(page)
        async def guarded(request: Request, **params: Any) -> Response | None:
            user = await session.current_user(request)  # sets the reader's language too
            if user is None:
                return session.login_redirect(request)
            if wants_request:
                params["request"] = request
            return await page(user=user, **params)

        # NiceGUI and FastAPI read the route's parameters from this signature: the page's own,
        # without `user`, which is filled in here.
        guarded.__signature__ = signature.replace(  # type: ignore[attr-defined]
            parameters=[request_parameter, *route]
        )
        ui.page(path)(guarded)
        return page

    return register
