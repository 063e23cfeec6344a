"""NiceGUI's two HTTP middlewares, rewritten as plain ASGI middlewares that do the same.

NiceGUI adds ``RedirectWithPrefixMiddleware`` and ``SetCacheControlMiddleware`` as Starlette
``BaseHTTPMiddleware`` classes. Each of those runs every request in an extra task with memory
streams between the layers: with both, about a seventh of the server's CPU while a thousand
pages load (measured with py-spy on tests/bench). The plain versions below only look at the
response's first message, and the prefix one only when a prefix was forwarded.
"""

from __future__ import annotations

from nicegui import app, core
from nicegui.middlewares import RedirectWithPrefixMiddleware, SetCacheControlMiddleware
from nicegui.version import __version__
from starlette.datastructures import Headers, MutableHeaders
from starlette.middleware import Middleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from equeue_ui.stack_build import Build, around_build

STATIC_PREFIX = f"/_nicegui/{__version__}/"
DYNAMIC_PREFIX = f"{STATIC_PREFIX}dynamic_resources/"


class RedirectWithPrefix:
    """Behind a proxy that sends ``X-Forwarded-Prefix``, local redirects keep the prefix."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        http = scope["type"] == "http"
        prefix = Headers(scope=scope).get("x-forwarded-prefix", "") if http else ""
        if not prefix:
            await self.app(scope, receive, send)
            return

        async def send_prefixed(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                location = headers.get("location")
                if location is not None and location.startswith("/"):
                    headers["location"] = prefix + location
            await send(message)

        await self.app(scope, receive, send_prefixed)


class CacheNiceGuiAssets:
    """NiceGUI's versioned static files are cached as its configuration says."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path: str = scope.get("path", "")
        if (
            scope["type"] != "http"
            or not path.startswith(STATIC_PREFIX)
            or path.startswith(DYNAMIC_PREFIX)
        ):
            await self.app(scope, receive, send)
            return

        async def send_cached(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers["cache-control"] = core.app.config.cache_control_directives
            await send(message)

        await self.app(scope, receive, send_cached)


REPLACEMENTS: dict[type, type] = {
    RedirectWithPrefixMiddleware: RedirectWithPrefix,
    SetCacheControlMiddleware: CacheNiceGuiAssets,
}


def lightened(middleware: list[Middleware]) -> list[Middleware]:
    """The same stack in the same order, with NiceGUI's middlewares swapped for the plain ones."""
    swapped: list[Middleware] = []
    for entry in middleware:
        replacement = REPLACEMENTS.get(entry.cls)  # type: ignore[call-overload]
        swapped.append(entry if replacement is None else Middleware(replacement))
    return swapped


def install() -> None:
    """Swap them when the stack is built (``ui.run`` adds NiceGUI's after setup); once."""

    def build_lightened(build_stack: Build) -> ASGIApp:
        app.user_middleware[:] = lightened(app.user_middleware)
        return build_stack()

    around_build("light_middleware", build_lightened)
