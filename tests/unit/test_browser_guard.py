"""Other sites' requests change nothing, and every browser gets its sign-in cookie
(equeue_ui/browser_guard.py), on a tiny Starlette app wrapped by the two middlewares."""

from __future__ import annotations

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, Response
from starlette.routing import Route

from equeue_ui.browser_guard import (
    SIGN_IN_COOKIE,
    CrossSiteRefusal,
    SignInCookie,
    sign_in_binding,
)

changes: list[str] = []


async def _change(request: Request) -> Response:
    changes.append(request.method)
    return PlainTextResponse("changed")


def _page(request: Request) -> Response:
    binding = sign_in_binding(request.cookies, request.scope.get("state", {}))
    return HTMLResponse(f"<p>{binding}</p>")


def _asset(request: Request) -> Response:
    return PlainTextResponse("asset")


def _site(public_origin: str | None = None, *, secure: bool = False) -> httpx.AsyncClient:
    site = Starlette(
        routes=[
            Route("/auth/logout", _change, methods=["GET", "POST", "PUT", "DELETE"]),
            Route("/login", _page),
            Route("/_nicegui/3.0/static/app.js", _asset),
            Route("/healthz", _asset),
        ]
    )
    guarded = CrossSiteRefusal(
        SignInCookie(site, secure=lambda scope: secure),
        public_origin=lambda: public_origin,
        default_language=lambda: "en",
    )
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=guarded), base_url="http://queue.test"
    )


@pytest.fixture(autouse=True)
def no_changes_yet() -> None:
    changes.clear()


@pytest.mark.parametrize(
    "headers",
    [
        {"Sec-Fetch-Site": "cross-site", "Origin": "https://evil.example"},
        {"Sec-Fetch-Site": "same-site", "Origin": "http://other.queue.test"},
        {"Origin": "https://evil.example"},
        {"Origin": "http://queue.test:8443"},  # another port is another origin
        {"Origin": "null"},  # a sandboxed frame or a data: page
        {"Sec-Fetch-Site": "cross-site"},
    ],
)
@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE"])
async def test_a_state_change_from_another_site_is_refused_and_changes_nothing(
    headers: dict[str, str], method: str
) -> None:
    async with _site() as client:
        response = await client.request(method, "/auth/logout", headers=headers)

    assert response.status_code == 403
    assert response.text == "This request came from another website and was refused."
    assert changes == []


@pytest.mark.parametrize(
    "headers",
    [
        {"Sec-Fetch-Site": "same-origin", "Origin": "http://queue.test"},
        {"Sec-Fetch-Site": "none"},  # typed into the address bar, a bookmark
        {"Origin": "http://queue.test"},  # an older browser without Fetch metadata
        {},  # not a browser page at all: a script, curl, the load benchmark
    ],
)
async def test_a_state_change_from_this_site_goes_through(headers: dict[str, str]) -> None:
    async with _site() as client:
        response = await client.post("/auth/logout", headers=headers)

    assert response.status_code == 200
    assert changes == ["POST"]


async def test_the_refusal_is_in_the_readers_language() -> None:
    async with _site() as client:
        client.cookies.set("equeue_language", "ru")
        response = await client.post("/auth/logout", headers={"Sec-Fetch-Site": "cross-site"})

    assert response.text == "Запрос пришёл с другого сайта и был отклонён."


async def test_the_public_address_counts_as_this_site_behind_a_proxy() -> None:
    async with _site(public_origin="https://queue.example.edu") as client:
        response = await client.post(
            "/auth/logout", headers={"Origin": "https://queue.example.edu"}
        )

    assert response.status_code == 200


async def test_reading_is_never_refused_whoever_links_to_it() -> None:
    async with _site() as client:
        response = await client.get(
            "/auth/logout",
            headers={"Sec-Fetch-Site": "cross-site", "Origin": "https://evil.example"},
        )

    assert response.status_code == 200  # a GET must not change state; the routes see to that


async def test_a_browser_gets_a_strict_http_only_sign_in_cookie_with_its_first_page() -> None:
    async with _site() as client:
        first = await client.get("/login")
        again = await client.get("/login")

    cookie = first.headers["set-cookie"]
    value = client.cookies[SIGN_IN_COOKIE]
    assert cookie.startswith(f"{SIGN_IN_COOKIE}={value};")
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Secure" not in cookie
    assert len(value) >= 32
    assert first.text == f"<p>{value}</p>"  # the page binds its sign-in to that cookie
    assert "set-cookie" not in again.headers  # kept, not replaced
    assert again.text == f"<p>{value}</p>"


async def test_the_sign_in_cookie_is_secure_over_https() -> None:
    async with _site(secure=True) as client:
        response = await client.get("/login")

    assert "; Secure" in response.headers["set-cookie"]


async def test_each_browser_gets_its_own_sign_in_cookie() -> None:
    async with _site() as one, _site() as two:
        await one.get("/login")
        await two.get("/login")

    assert one.cookies[SIGN_IN_COOKIE] != two.cookies[SIGN_IN_COOKIE]


@pytest.mark.parametrize("path", ["/_nicegui/3.0/static/app.js", "/healthz"])
async def test_files_and_answers_that_are_not_pages_set_no_cookie(path: str) -> None:
    async with _site() as client:
        response = await client.get(path)

    assert "set-cookie" not in response.headers
