"""Hooking into the ASGI stack Starlette builds for NiceGUI's app, and where eQueue's own
middlewares go.

Starlette builds the middleware stack on the first request, after ``ui.run`` has added
NiceGUI's middlewares, and puts its ``ServerErrorMiddleware`` outermost. The hook replaces the
app's ``build_middleware_stack`` (on the instance) so that, at that moment, other patches can
swap NiceGUI's middlewares (light_middleware) and put a layer around the built stack
(socket_shortcut), and eQueue's own middlewares go around all of it: outside the error handler,
so its 500s get the security headers too, and outside the socket shortcut, so the start-up gate
holds WebSockets too.

Without the hook (``EQUEUE_TUNING=off``, other Starlette or FastAPI versions) eQueue's own
middlewares are added the stock way, ``app.add_middleware``, in the same order: then they sit
inside Starlette's error handler and NiceGUI's middlewares, and every request, WebSocket or not,
goes through the whole stack. The error handler answers outside all of them, so the response
of its handler (``app.exception_handlers``, public) is sent through the outermost one too: the
security headers reach NiceGUI's 500 page either way.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Sequence
from typing import Any

from nicegui import app
from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.types import ASGIApp

from equeue_ui.tuning.patch import Fallback, Patch

Layer = Callable[[ASGIApp], ASGIApp]

_before_build: dict[str, Callable[[], None]] = {}  # by patch name
_layers: dict[str, Layer] = {}  # by patch name; the first added is the innermost
_app_middleware: list[Middleware] = []  # eQueue's own, outermost first
fallback = Fallback("stack")


def add_app_middleware(middleware: Sequence[Middleware]) -> None:
    """eQueue's own middlewares, outermost first, replacing those of an earlier setup: around
    the built stack with the hook installed, else added to the app as Starlette does."""
    _uncover_error_pages()
    if installed():
        _app_middleware[:] = middleware
        return
    _app_middleware.clear()
    for entry in reversed(middleware):  # each add_middleware goes outside the ones before
        app.add_middleware(entry.cls, *entry.args, **entry.kwargs)  # type: ignore[arg-type]
    if middleware:
        _cover_error_pages(middleware[0])


def before_build(name: str, change: Callable[[], None]) -> None:
    """Run ``change`` (say, on ``app.user_middleware``) right before the stack is built."""
    _before_build[name] = change


def add_layer(name: str, layer: Layer) -> None:
    """Wrap the built stack in ``layer`` (inside eQueue's own middlewares)."""
    _layers[name] = layer


def has(name: str) -> bool:
    """Whether the patch called ``name`` takes part in the next build."""
    return installed() and (name in _layers or name in _before_build)


def remove(name: str) -> None:
    _before_build.pop(name, None)
    _layers.pop(name, None)


def install() -> None:
    app.build_middleware_stack = _build  # type: ignore[method-assign]


def uninstall() -> None:
    vars(app).pop("build_middleware_stack", None)  # the class's method again
    _uncover_error_pages()
    _before_build.clear()
    _layers.clear()
    _app_middleware.clear()


def installed() -> bool:
    return vars(app).get("build_middleware_stack") is _build


def _build() -> ASGIApp:
    for name, change in list(_before_build.items()):
        try:
            change()
        except Exception as error:  # the stack is built as it stands
            fallback.note(error)
            _before_build.pop(name, None)
    stack: ASGIApp = type(app).build_middleware_stack(app)
    for name, layer in list(_layers.items()):
        try:
            stack = layer(stack)
        except Exception as error:  # without that layer
            fallback.note(error)
            _layers.pop(name, None)
    for entry in reversed(_app_middleware):  # not guarded: eQueue's own, never left out
        stack = entry.cls(stack, *entry.args, **entry.kwargs)  # type: ignore[call-arg]
    return stack


# Starlette's error handler takes the app's handler of 500 or Exception (FastAPI: the last one).
_ERROR_KEYS: tuple[Any, ...] = (500, Exception)


class _CoveredErrorHandler:
    """The app's error handler, with its response sent through ``outermost``."""

    def __init__(self, handler: Callable[..., Any] | None, outermost: Middleware) -> None:
        self.handler = handler
        self.outermost = outermost

    async def __call__(self, request: Request, error: Exception) -> Any:
        """An ASGI app, where Starlette expects a response: it only calls what it gets."""
        if self.handler is None:  # what Starlette answers without one
            response: Any = PlainTextResponse("Internal Server Error", status_code=500)
        elif inspect.iscoroutinefunction(self.handler) or inspect.iscoroutinefunction(
            type(self.handler).__call__
        ):
            response = await self.handler(request, error)
        else:
            response = await run_in_threadpool(self.handler, request, error)
        entry = self.outermost
        return entry.cls(response, *entry.args, **entry.kwargs)  # type: ignore[call-arg]


def _cover_error_pages(outermost: Middleware) -> None:
    handlers = app.exception_handlers
    keys = [key for key in _ERROR_KEYS if key in handlers] or [Exception]
    for key in keys:
        handlers[key] = _CoveredErrorHandler(handlers.get(key), outermost)


def _uncover_error_pages() -> None:
    handlers = app.exception_handlers
    for key in _ERROR_KEYS:
        covered = handlers.get(key)
        if isinstance(covered, _CoveredErrorHandler):
            if covered.handler is None:
                del handlers[key]
            else:
                handlers[key] = covered.handler


PATCH = Patch(
    name="stack",
    speeds_up="nothing by itself: the socket shortcut and the light middlewares build on it",
    verified={"starlette": "1.10.0", "fastapi": "0.165.0", "nicegui": "3.18.0"},
    relies_on=(
        "starlette.applications.Starlette.build_middleware_stack (called once, lazily, on the "
        "first request, after ui.run added NiceGUI's middlewares; overridden by FastAPI)",
        "starlette.applications.Starlette.user_middleware (the list it builds from)",
    ),
    install=install,
    uninstall=uninstall,
    installed=installed,
)
