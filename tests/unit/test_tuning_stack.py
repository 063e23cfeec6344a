"""The stack hook: eQueue's own middlewares around the built stack with it, added the stock way
without it, and a tuning layer that fails to build left out rather than breaking the app."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from nicegui import app
from starlette.middleware import Middleware
from starlette.middleware.errors import ServerErrorMiddleware
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from equeue_ui.tuning import stack


class Own:
    """Stands for one of eQueue's own middlewares."""

    def __init__(self, app: ASGIApp, *, name: str) -> None:
        self.app = app
        self.name = name

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await self.app(scope, receive, send)


@pytest.fixture(autouse=True)
def fresh_app() -> Iterator[None]:
    """NiceGUI's app as its test harness leaves it between tests, and so again afterwards."""
    saved = list(app.user_middleware)
    stack.uninstall()
    stack.fallback.reset()
    app.middleware_stack = None
    app.user_middleware.clear()
    yield
    stack.uninstall()
    stack.fallback.reset()
    app.middleware_stack = None
    app.user_middleware[:] = saved


def chain(top: object) -> list[object]:
    layers: list[object] = []
    while top is not None and len(layers) < 50:
        layers.append(top)
        top = getattr(top, "app", None)
    return layers


OWN = [Middleware(Own, name="outer"), Middleware(Own, name="inner")]


def test_with_the_hook_own_middlewares_go_around_the_whole_stack_in_order() -> None:
    stack.install()
    stack.add_app_middleware(OWN)

    built = chain(app.build_middleware_stack())

    assert [getattr(layer, "name", None) for layer in built[:2]] == ["outer", "inner"]
    assert isinstance(built[2], ServerErrorMiddleware)  # outside Starlette's error handler
    assert app.user_middleware == []


def test_without_the_hook_own_middlewares_are_added_the_stock_way_in_the_same_order() -> None:
    stack.add_app_middleware(OWN)

    assert [entry.kwargs["name"] for entry in app.user_middleware] == ["outer", "inner"]
    built = chain(app.build_middleware_stack())
    assert isinstance(built[0], ServerErrorMiddleware)
    assert [getattr(layer, "name", None) for layer in built if isinstance(layer, Own)] == [
        "outer",
        "inner",
    ]


def test_a_layer_that_fails_to_build_is_left_out_and_the_own_middlewares_stay(
    caplog: pytest.LogCaptureFixture,
) -> None:
    def broken(built: ASGIApp) -> ASGIApp:
        raise ImportError("sio_app moved")

    def broken_change() -> None:
        raise AttributeError("user_middleware changed")

    stack.install()
    stack.add_layer("broken", broken)
    stack.before_build("broken_change", broken_change)
    stack.add_app_middleware(OWN)

    built = chain(app.build_middleware_stack())

    assert [getattr(layer, "name", None) for layer in built[:2]] == ["outer", "inner"]
    assert isinstance(built[2], ServerErrorMiddleware)
    assert not stack.has("broken") and not stack.has("broken_change")
    assert stack.fallback.count == 2
    assert [r.levelname for r in caplog.records] == ["WARNING"]


async def test_the_app_answers_through_a_stack_built_either_way() -> None:
    @app.get("/_tuning_stack_probe")
    def probe() -> dict[str, bool]:
        return {"ok": True}

    try:
        for hooked in (True, False):
            stack.uninstall()
            app.middleware_stack = None
            app.user_middleware.clear()
            if hooked:
                stack.install()
            stack.add_app_middleware(OWN)
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
                assert (await client.get("/_tuning_stack_probe")).json() == {"ok": True}
    finally:
        app.remove_route("/_tuning_stack_probe")


def test_the_stock_way_the_error_handler_answers_through_the_outermost_and_is_restored() -> None:
    original = app.exception_handlers.get(Exception)

    stack.add_app_middleware(OWN)
    covered = app.exception_handlers.get(Exception)
    stack.install()
    stack.add_app_middleware(OWN)  # a later setup, tuned

    assert covered is not original and getattr(covered, "handler", None) is original
    assert app.exception_handlers.get(Exception) is original


async def test_the_stock_way_a_500_goes_out_through_the_outermost_middleware(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    seen: list[str] = []

    async def error_page(request: Request, error: Exception) -> PlainTextResponse:
        return PlainTextResponse("sorry", status_code=500)

    monkeypatch.setitem(app.exception_handlers, Exception, error_page)

    class Marks(Own):
        async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
            seen.append(self.name)
            await self.app(scope, receive, send)

    @app.get("/_tuning_stack_fails")
    def fails() -> None:
        raise RuntimeError("fails")

    try:
        stack.add_app_middleware([Middleware(Marks, name="outer"), Middleware(Marks, name="inner")])
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
            response = await client.get("/_tuning_stack_fails")
    finally:
        app.remove_route("/_tuning_stack_fails")

    assert (response.status_code, response.text) == (500, "sorry")
    assert seen == ["outer", "inner", "outer"]  # the request, then the error page once more
