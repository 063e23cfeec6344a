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
# How long a page may take to build before NiceGUI gives up on it with an error page (its
# default is 3 s). With thousands of pages open in one process, a full garbage collection of
# CPython 3.11 stops everything for 0.5 to 3 s (tests/bench/README.md, a faculty's day); a page
# caught behind one is served late, never as an error.
BUILD_TIMEOUT_S = 30.0


def page_at(path: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """``ui.page(path)`` with eQueue's build timeout: every page is registered through here."""
    return ui.page(path, response_timeout=BUILD_TIMEOUT_S)


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
        page_at(path)(guarded)
        return page

    return register
