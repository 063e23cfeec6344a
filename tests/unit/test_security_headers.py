"""The security headers middleware, on a tiny Starlette app: every kind of HTTP response gets
the headers, a header the response sets itself is kept, WebSockets pass through untouched."""

from __future__ import annotations

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route, WebSocketRoute
from starlette.types import Message
from starlette.websockets import WebSocket

from equeue_ui.security_headers import (
    CONTENT_SECURITY_POLICY,
    SecurityHeaders,
    security_headers,
)

EXPECTED = {
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
    "x-frame-options": "DENY",
    "content-security-policy": CONTENT_SECURITY_POLICY,
}
SHARED_TEXT = "the same response object, sent twice"
SHARED = PlainTextResponse(SHARED_TEXT)


def _page(request: Request) -> Response:
    return PlainTextResponse("page")


def _redirect(request: Request) -> Response:
    return RedirectResponse("/page", status_code=303)


def _own_policy(request: Request) -> Response:
    return PlainTextResponse("framable", headers={"X-Frame-Options": "SAMEORIGIN"})


def _broken(request: Request) -> Response:
    raise RuntimeError("boom")


def _shared(request: Request) -> Response:
    return SHARED


async def _echo(websocket: WebSocket) -> None:
    await websocket.accept()
    await websocket.send_text(await websocket.receive_text())
    await websocket.close()


def _app(*, public_url: str | None = None) -> SecurityHeaders:
    site = Starlette(
        routes=[
            Route("/page", _page),
            Route("/go", _redirect),
            Route("/own", _own_policy),
            Route("/broken", _broken),
            Route("/shared", _shared),
            WebSocketRoute("/ws", _echo),
        ]
    )
    return SecurityHeaders(site, headers=security_headers(public_url=public_url))


async def _get(path: str, *, public_url: str | None = None) -> httpx.Response:
    transport = httpx.ASGITransport(app=_app(public_url=public_url), raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        return await client.get(path)


@pytest.mark.parametrize(
    ("path", "status"),
    [("/page", 200), ("/go", 303), ("/missing", 404), ("/broken", 500), ("/shared", 200)],
)
async def test_every_kind_of_response_gets_the_headers(path: str, status: int) -> None:
    response = await _get(path)
    assert response.status_code == status
    for name, value in EXPECTED.items():
        assert response.headers.get_list(name) == [value], name
    assert "strict-transport-security" not in response.headers


async def test_a_response_sent_twice_gets_each_header_once() -> None:
    await _get("/shared")
    response = await _get("/shared")
    assert response.headers.get_list("x-frame-options") == ["DENY"]
    assert SHARED.raw_headers == PlainTextResponse(SHARED_TEXT).raw_headers


async def test_a_header_the_response_sets_itself_is_kept() -> None:
    response = await _get("/own")
    assert response.headers.get_list("x-frame-options") == ["SAMEORIGIN"]
    assert response.headers["referrer-policy"] == "same-origin"


@pytest.mark.parametrize(
    ("public_url", "hsts"),
    [
        ("https://queue.example.edu", "max-age=31536000"),
        ("HTTPS://queue.example.edu/", "max-age=31536000"),
        ("http://queue.example.edu", None),
        (None, None),
    ],
)
async def test_hsts_only_when_the_public_address_is_https(
    public_url: str | None, hsts: str | None
) -> None:
    response = await _get("/page", public_url=public_url)
    assert response.headers.get("strict-transport-security") == hsts


async def test_a_websocket_passes_through_untouched() -> None:
    incoming: list[Message] = [
        {"type": "websocket.connect"},
        {"type": "websocket.receive", "text": "hello"},
    ]
    sent: list[Message] = []

    async def receive() -> Message:
        return incoming.pop(0)

    async def send(message: Message) -> None:
        sent.append(message)

    scope = {"type": "websocket", "path": "/ws", "headers": [], "query_string": b""}
    await _app(public_url="https://queue.example.edu")(scope, receive, send)
    assert [message["type"] for message in sent] == [
        "websocket.accept",
        "websocket.send",
        "websocket.close",
    ]
    assert sent[0].get("headers", []) == []  # the handshake answer gets no headers
    assert sent[1]["text"] == "hello"


def test_the_policy_keeps_what_nicegui_does_not_need_shut() -> None:
    directives = dict(part.split(" ", 1) for part in CONTENT_SECURITY_POLICY.split("; "))
    assert directives["default-src"] == "'self'"
    assert directives["connect-src"] == "'self'"
    assert directives["img-src"] == "'self' data:"
    for name in ("object-src", "base-uri", "frame-ancestors"):
        assert directives[name] == "'none'"
    assert directives["form-action"] == "'self'"
