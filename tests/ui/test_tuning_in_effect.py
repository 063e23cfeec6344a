"""The tuning patches are in effect in the app as its wiring sets it up, and with
EQUEUE_TUNING=off none is, while the app still works and keeps its security middlewares."""

from __future__ import annotations

import httpx
import pytest
from engineio.async_socket import AsyncSocket
from nicegui import core, helpers, ui
from nicegui.middlewares import RedirectWithPrefixMiddleware, SetCacheControlMiddleware
from nicegui.testing.user import User
from starlette.middleware.errors import ServerErrorMiddleware
from starlette.middleware.exceptions import ExceptionMiddleware

from equeue_ui import tuning
from equeue_ui.browser_guard import CrossSiteRefusal, SignInCookie
from equeue_ui.security_headers import CONTENT_SECURITY_POLICY, SecurityHeaders
from equeue_ui.startup_gate import StartupGate
from equeue_ui.tuning import engineio_poll, frame_fanout, signature_cache
from equeue_ui.tuning.light_middleware import CacheNiceGuiAssets, RedirectWithPrefix
from equeue_ui.tuning.open_page_memory import DETACHED
from equeue_ui.tuning.socket_shortcut import SocketShortcut
from tests.ui.helpers import DemoWorld, sign_in

CROSS_SITE = {"Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"}
# The layers whose order matters, as the stack is walked from the outside in.
LAYERS = (
    SecurityHeaders,
    StartupGate,
    CrossSiteRefusal,
    SignInCookie,
    SocketShortcut,
    ServerErrorMiddleware,
    SetCacheControlMiddleware,
    RedirectWithPrefixMiddleware,
    CacheNiceGuiAssets,
    RedirectWithPrefix,
    ExceptionMiddleware,
)


@pytest.fixture
def tuned(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EQUEUE_TUNING", "on")


@pytest.fixture
def stock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EQUEUE_TUNING", "off")


async def built_stack(user: User) -> list[type]:
    """The classes of the layers that matter in the stack the app built for its first request."""
    await user.http_client.get("/healthz")
    layer: object = core.app.middleware_stack
    found: list[type] = []
    for _ in range(50):
        if layer is None:
            break
        if type(layer) in LAYERS:
            found.append(type(layer))
        layer = getattr(layer, "app", None)
    return found


async def open_queue_page(user: User, demo: DemoWorld) -> None:
    await sign_in(user, "student5", path=f"/queues/{demo.open_subject.queue_id}")
    await user.should_see(marker="queue-view")


# --- tuned (the default) ------------------------------------------------------------------------


async def test_every_patch_is_in_effect_in_the_app(tuned: None, user: User) -> None:
    assert tuning.installed() == {patch.name: True for patch in tuning.PATCHES}
    assert AsyncSocket.poll is engineio_poll.poll  # type: ignore[comparison-overlap]
    assert AsyncSocket._websocket_handler is frame_fanout._websocket_handler  # type: ignore[comparison-overlap]


async def test_the_built_stack_has_the_app_middlewares_outermost_then_the_shortcut(
    tuned: None, user: User
) -> None:
    assert await built_stack(user) == [
        SecurityHeaders,  # outermost: everything, 500s and the gate's 503s too, gets them
        StartupGate,  # before anything that needs the runtime, WebSockets included
        CrossSiteRefusal,
        SignInCookie,
        SocketShortcut,  # NiceGUI's WebSockets leave here for socket.io
        ServerErrorMiddleware,
        CacheNiceGuiAssets,  # NiceGUI's two middlewares, as plain ASGI ones
        RedirectWithPrefix,
        ExceptionMiddleware,
    ]


async def test_elements_of_a_page_ask_through_the_signature_cache(
    tuned: None, user: User, demo: DemoWorld
) -> None:
    assert helpers.expects_arguments is signature_cache.cached_expects_arguments
    before = signature_cache._expects.cache_info()

    await open_queue_page(user, demo)

    after = signature_cache._expects.cache_info()
    assert after.hits + after.misses > before.hits + before.misses


async def test_an_open_page_keeps_a_detached_request(
    tuned: None, user: User, demo: DemoWorld
) -> None:
    await open_queue_page(user, demo)
    assert user.client is not None
    assert DETACHED in user.client.request.scope


# --- EQUEUE_TUNING=off --------------------------------------------------------------------------


async def test_with_tuning_off_no_patch_is_in_effect(stock: None, user: User) -> None:
    assert tuning.installed() == {patch.name: False for patch in tuning.PATCHES}
    assert AsyncSocket.poll is engineio_poll.ENGINEIO_POLL
    assert AsyncSocket._websocket_handler is frame_fanout.ENGINEIO_WEBSOCKET_HANDLER
    assert helpers.expects_arguments is signature_cache._original


async def test_with_tuning_off_the_stack_is_starlette_own_with_the_app_middlewares_inside(
    stock: None, user: User
) -> None:
    assert await built_stack(user) == [
        ServerErrorMiddleware,
        SetCacheControlMiddleware,  # NiceGUI's own, added by ui.run after the app's
        RedirectWithPrefixMiddleware,
        SecurityHeaders,
        StartupGate,
        CrossSiteRefusal,
        SignInCookie,
        ExceptionMiddleware,
    ]


async def test_with_tuning_off_pages_work_without_the_cache_and_keep_their_request(
    stock: None, user: User, demo: DemoWorld
) -> None:
    before = signature_cache._expects.cache_info()

    await open_queue_page(user, demo)

    assert signature_cache._expects.cache_info() == before
    assert user.client is not None
    assert DETACHED not in user.client.request.scope


@pytest.mark.parametrize("path", ["/register", "/login", "/no/such/page"])
async def test_with_tuning_off_responses_carry_the_security_headers(
    stock: None, user: User, path: str
) -> None:
    response = await user.http_client.get(path)
    assert response.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
    assert response.headers["x-frame-options"] == "DENY"


async def test_with_tuning_off_another_sites_form_is_still_refused(
    stock: None, user: User, demo: DemoWorld
) -> None:
    await sign_in(user, "student5")

    response = await user.http_client.post("/auth/logout", headers=CROSS_SITE)

    assert response.status_code == 403


@pytest.fixture(params=["on", "off"], ids=["tuned", "EQUEUE_TUNING=off"])
def either_way(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("EQUEUE_TUNING", request.param)
    return str(request.param)


async def test_a_page_that_fails_answers_500_with_the_security_headers_either_way(
    either_way: str, user: User, caplog: pytest.LogCaptureFixture
) -> None:
    """The stock way, Starlette's error handler answers outside every middleware: its 500 page
    gets the headers all the same."""
    assert tuning.installed()["stack"] is (either_way == "on")

    @ui.page("/_tuning_test_fails")
    def fails() -> None:
        raise RuntimeError("a page that fails")

    transport = httpx.ASGITransport(app=core.app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        response = await client.get("/_tuning_test_fails")
    caplog.clear()  # NiceGUI's ERROR log of the failure is the point here

    assert response.status_code == 500
    assert response.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
    assert response.headers["x-frame-options"] == "DENY"
