"""NiceGUI's two HTTP middlewares, rewritten as plain ASGI middlewares that do the same.

NiceGUI adds ``RedirectWithPrefixMiddleware`` and ``SetCacheControlMiddleware`` as Starlette
``BaseHTTPMiddleware`` classes. Each of those runs every request in an extra task with memory
streams between the layers: with both, about a seventh of the server's CPU while a thousand
pages load (measured with py-spy on tests/bench). The plain versions below only look at the
response's first message, and the prefix one only when a prefix was forwarded.

Should one of them fail before the request reached the app, NiceGUI's own middleware serves
that request; should changing a response's headers fail, the response goes out unchanged.
"""

from __future__ import annotations

from nicegui import app, core
from nicegui.middlewares import RedirectWithPrefixMiddleware, SetCacheControlMiddleware
from nicegui.version import __version__
from starlette.datastructures import Headers, MutableHeaders
from starlette.middleware import Middleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from equeue_ui.tuning import stack
from equeue_ui.tuning.patch import Fallback, Patch

STATIC_PREFIX = f"/_nicegui/{__version__}/"
DYNAMIC_PREFIX = f"{STATIC_PREFIX}dynamic_resources/"
fallback = Fallback("light_middleware")


class RedirectWithPrefix:
    """Behind a proxy that sends ``X-Forwarded-Prefix``, local redirects keep the prefix."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.stock = RedirectWithPrefixMiddleware(app)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            http = scope["type"] == "http"
            prefix = Headers(scope=scope).get("x-forwarded-prefix", "") if http else ""
        except Exception as error:
            fallback.note(error)
            await self.stock(scope, receive, send)
            return
        if not prefix:
            await self.app(scope, receive, send)
            return

        async def send_prefixed(message: Message) -> None:
            if message["type"] == "http.response.start":
                try:
                    headers = MutableHeaders(scope=message)
                    location = headers.get("location")
                    if location is not None and location.startswith("/"):
                        headers["location"] = prefix + location
                except Exception as error:
                    fallback.note(error)
            await send(message)

        await self.app(scope, receive, send_prefixed)


class CacheNiceGuiAssets:
    """NiceGUI's versioned static files are cached as its configuration says."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.stock = SetCacheControlMiddleware(app)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            path: str = scope.get("path", "")
            versioned = (
                scope["type"] == "http"
                and path.startswith(STATIC_PREFIX)
                and not path.startswith(DYNAMIC_PREFIX)
            )
        except Exception as error:
            fallback.note(error)
            await self.stock(scope, receive, send)
            return
        if not versioned:
            await self.app(scope, receive, send)
            return

        async def send_cached(message: Message) -> None:
            if message["type"] == "http.response.start":
                try:
                    headers = MutableHeaders(scope=message)
                    headers["cache-control"] = core.app.config.cache_control_directives
                except Exception as error:
                    fallback.note(error)
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


def _swap() -> None:
    app.user_middleware[:] = lightened(app.user_middleware)


def install() -> None:
    """Swap them when the stack is built (``ui.run`` adds NiceGUI's after setup)."""
    stack.before_build(PATCH.name, _swap)


def uninstall() -> None:
    stack.remove(PATCH.name)


def installed() -> bool:
    return stack.has(PATCH.name)


PATCH = Patch(
    name="light_middleware",
    speeds_up="every HTTP request: no task and memory streams per NiceGUI middleware "
    "(about a seventh of the CPU while a thousand pages load)",
    verified={"nicegui": "3.18.0", "starlette": "1.10.0"},
    relies_on=(
        "nicegui.middlewares.RedirectWithPrefixMiddleware and SetCacheControlMiddleware "
        "(what they do, and that ui.run adds them with app.add_middleware)",
        "nicegui.app.config.cache_control_directives",
        "NiceGUI's static path /_nicegui/<version>/ and its dynamic_resources/ below it",
    ),
    install=install,
    uninstall=uninstall,
    installed=installed,
    needs=("stack",),
)
