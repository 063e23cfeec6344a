"""The plain ASGI middlewares do what NiceGUI's two BaseHTTPMiddlewares did, request by request.

Each case runs on a tiny Starlette app wrapped by our class and, for comparison, by NiceGUI's
own one: the replacement is only right if NiceGUI's original gives the same answer.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import httpx
import pytest
from nicegui import core
from nicegui.middlewares import RedirectWithPrefixMiddleware, SetCacheControlMiddleware
from nicegui.version import __version__
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.gzip import GZipMiddleware
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from equeue_ui.tuning import light_middleware
from equeue_ui.tuning.light_middleware import CacheNiceGuiAssets, RedirectWithPrefix, lightened

STATIC = f"/_nicegui/{__version__}"
DIRECTIVES = "public, max-age=4242, immutable"


def _redirect(request: Request) -> Response:
    return RedirectResponse(request.query_params["to"], status_code=303)


def _asset(request: Request) -> Response:
    # A route may set its own cache-control; only NiceGUI's versioned files get it overridden.
    return PlainTextResponse("asset", headers={"cache-control": "no-cache"})


def _bare(request: Request) -> Response:
    return PlainTextResponse("bare")


def _site() -> Starlette:
    return Starlette(
        routes=[
            Route("/go", _redirect),
            Route(f"{STATIC}/static/app.js", _asset),
            Route(f"{STATIC}/static/bare.js", _bare),
            Route(f"{STATIC}/dynamic_resources/chart.js", _asset),
            Route("/_nicegui/0.0.0/static/app.js", _asset),  # another version's path
            Route("/queues/5", _asset),
            Route("/plain", _bare),
        ]
    )


async def _get(middleware: Any, path: str, headers: dict[str, str] | None = None) -> httpx.Response:
    transport = httpx.ASGITransport(app=middleware(_site()))
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        return await client.get(path, headers=headers)


# --- redirects behind a proxy that forwards a prefix ---------------------------------------------

PREFIXED = {"X-Forwarded-Prefix": "/equeue"}
REDIRECT_CASES = [
    pytest.param(PREFIXED, "/login", "/equeue/login", id="local-redirect-gets-the-prefix"),
    pytest.param(
        PREFIXED, "/login?next=%2Fqueues%2F5", "/equeue/login?next=%2Fqueues%2F5", id="with-query"
    ),
    pytest.param(
        PREFIXED, "https://example.org/x", "https://example.org/x", id="absolute-left-alone"
    ),
    pytest.param(PREFIXED, "login", "login", id="relative-left-alone"),
    pytest.param(None, "/login", "/login", id="no-header-no-change"),
    pytest.param({"X-Forwarded-Prefix": ""}, "/login", "/login", id="empty-header-no-change"),
]


@pytest.mark.parametrize(("headers", "location", "expected"), REDIRECT_CASES)
async def test_a_forwarded_prefix_is_put_before_local_redirects_only(
    headers: dict[str, str] | None, location: str, expected: str
) -> None:
    response = await _get(RedirectWithPrefix, f"/go?to={_quoted(location)}", headers)
    assert response.status_code == 303
    assert response.headers["location"] == expected


@pytest.mark.parametrize(("headers", "location", "expected"), REDIRECT_CASES)
async def test_redirects_end_where_nicegui_own_middleware_sends_them(
    headers: dict[str, str] | None, location: str, expected: str
) -> None:
    ours = await _get(RedirectWithPrefix, f"/go?to={_quoted(location)}", headers)
    theirs = await _get(RedirectWithPrefixMiddleware, f"/go?to={_quoted(location)}", headers)
    assert ours.headers["location"] == theirs.headers["location"]
    assert ours.status_code == theirs.status_code


async def test_a_prefix_leaves_responses_without_a_location_alone() -> None:
    response = await _get(RedirectWithPrefix, "/plain", PREFIXED)
    assert response.status_code == 200
    assert "location" not in response.headers
    assert response.text == "bare"


# --- cache headers for NiceGUI's versioned files -------------------------------------------------


@pytest.fixture
def directives(monkeypatch: pytest.MonkeyPatch) -> str:
    """A recognisable value in NiceGUI's setting (unset until `ui.run`); restored afterwards."""
    monkeypatch.setattr(core.app.config, "cache_control_directives", DIRECTIVES, raising=False)
    return DIRECTIVES


CACHE_CASES = [
    pytest.param(f"{STATIC}/static/app.js", DIRECTIVES, id="versioned-file-overridden"),
    pytest.param(f"{STATIC}/static/bare.js", DIRECTIVES, id="versioned-file-without-one"),
    pytest.param(f"{STATIC}/dynamic_resources/chart.js", "no-cache", id="dynamic-kept"),
    pytest.param("/_nicegui/0.0.0/static/app.js", "no-cache", id="other-version-kept"),
    pytest.param("/queues/5", "no-cache", id="page-kept"),
    pytest.param("/plain", None, id="none-stays-none"),
]


@pytest.mark.parametrize(("path", "expected"), CACHE_CASES)
async def test_only_nicegui_versioned_static_files_get_the_configured_cache_control(
    directives: str, path: str, expected: str | None
) -> None:
    response = await _get(CacheNiceGuiAssets, path)
    assert response.status_code == 200
    assert response.headers.get("cache-control") == expected


@pytest.mark.parametrize(("path", "expected"), CACHE_CASES)
async def test_cache_control_is_what_nicegui_own_middleware_sets(
    directives: str, path: str, expected: str | None
) -> None:
    ours = await _get(CacheNiceGuiAssets, path)
    theirs = await _get(SetCacheControlMiddleware, path)
    assert ours.headers.get("cache-control") == theirs.headers.get("cache-control")
    assert ours.text == theirs.text


async def test_the_cache_directives_are_read_per_request_from_nicegui_config(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(core.app.config, "cache_control_directives", "max-age=1", raising=False)
    first = await _get(CacheNiceGuiAssets, f"{STATIC}/static/app.js")
    monkeypatch.setattr(core.app.config, "cache_control_directives", "max-age=2")
    second = await _get(CacheNiceGuiAssets, f"{STATIC}/static/app.js")
    assert (first.headers["cache-control"], second.headers["cache-control"]) == (
        "max-age=1",
        "max-age=2",
    )


# --- swapping them into the stack ----------------------------------------------------------------


def test_lightened_swaps_nicegui_middlewares_in_place_and_keeps_the_others() -> None:
    gzip = Middleware(GZipMiddleware, minimum_size=500)
    stack = [Middleware(RedirectWithPrefixMiddleware), gzip, Middleware(SetCacheControlMiddleware)]
    before = list(stack)

    light = lightened(stack)

    assert [entry.cls for entry in light] == [
        RedirectWithPrefix,
        GZipMiddleware,
        CacheNiceGuiAssets,
    ]
    assert light[1] is gzip  # untouched, options and all
    assert stack == before  # a new list; the given one is not changed


def test_lightened_leaves_a_stack_without_nicegui_middlewares_as_it_was() -> None:
    stack = [Middleware(GZipMiddleware), Middleware(RedirectWithPrefix)]
    assert [id(entry) for entry in lightened(stack)] == [id(entry) for entry in stack]


# --- lifespan and websocket scopes ---------------------------------------------------------------


class _Recorder:
    """A stand-in app that remembers what it was called with."""

    def __init__(self) -> None:
        self.calls: list[tuple[Scope, Receive, Send]] = []

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        self.calls.append((scope, receive, send))


async def _receive() -> Message:
    return {"type": "lifespan.startup"}


async def _send(message: Message) -> None:
    pass


PASS_THROUGH_SCOPES = [
    pytest.param({"type": "lifespan", "asgi": {"version": "3.0"}, "state": {}}, id="lifespan"),
    pytest.param(
        {
            "type": "websocket",
            "path": f"{STATIC}/static/app.js",
            "headers": [(b"x-forwarded-prefix", b"/equeue")],
        },
        id="websocket-with-prefix-on-a-versioned-path",
    ),
]


@pytest.mark.parametrize("middleware", [RedirectWithPrefix, CacheNiceGuiAssets])
@pytest.mark.parametrize("scope", PASS_THROUGH_SCOPES)
async def test_non_http_scopes_pass_straight_through(
    middleware: type[Any], scope: Scope, directives: str
) -> None:
    inner = _Recorder()
    wrapped: ASGIApp = middleware(inner)
    await wrapped(scope, _receive, _send)
    assert inner.calls == [(scope, _receive, _send)]
    assert inner.calls[0][0] is scope and inner.calls[0][2] is _send  # not wrapped, not copied


def _quoted(location: str) -> str:
    return quote(location, safe="")


# --- failing safe ---------------------------------------------------------------------------------


@pytest.fixture
def fresh_fallback(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(light_middleware.fallback, "count", 0)


async def test_if_reading_the_request_fails_nicegui_own_middleware_serves_it(
    monkeypatch: pytest.MonkeyPatch, fresh_fallback: None, directives: str
) -> None:
    def broken(*args: Any, **kwargs: Any) -> Any:
        raise KeyError("scope changed")

    monkeypatch.setattr(light_middleware, "Headers", broken)
    redirected = await _get(RedirectWithPrefix, f"/go?to={_quoted('/login')}", PREFIXED)
    monkeypatch.setattr(light_middleware, "STATIC_PREFIX", None)  # startswith(None) fails
    cached = await _get(CacheNiceGuiAssets, f"{STATIC}/static/app.js")

    assert redirected.headers["location"] == "/equeue/login"  # NiceGUI's middleware did it
    assert cached.headers["cache-control"] == DIRECTIVES
    assert light_middleware.fallback.count == 2


async def test_if_changing_the_headers_fails_the_response_goes_out_unchanged(
    monkeypatch: pytest.MonkeyPatch, fresh_fallback: None, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.delattr(core.app.config, "cache_control_directives", raising=False)

    first = await _get(CacheNiceGuiAssets, f"{STATIC}/static/app.js")
    second = await _get(CacheNiceGuiAssets, f"{STATIC}/static/app.js")

    assert (first.status_code, first.text, first.headers["cache-control"]) == (
        200,
        "asset",
        "no-cache",
    )
    assert second.text == "asset"
    assert light_middleware.fallback.count == 2
    assert [r.levelname for r in caplog.records] == ["WARNING"]  # logged once
