"""Static files go out as brotli to browsers that take it, once compressed in the background;
everything else, and every request the middleware fails on, exactly as Starlette's gzip sends it.

Each case runs on a small Starlette app with the files and kinds of response eQueue serves,
wrapped by ``StaticBrotli`` and, to compare with, by Starlette's own GZipMiddleware."""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import brotli
import httpx
import pytest
from nicegui import __version__
from starlette.applications import Starlette
from starlette.middleware.gzip import GZipMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response, StreamingResponse
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from equeue_ui import compression
from equeue_ui.compression import StaticBrotli, accepts_brotli

STATIC = f"/_nicegui/{__version__}"
SCRIPT = f"{STATIC}/static/app.js"  # a file: etag and length name it
COMPONENT = f"{STATIC}/components/card.js"  # made in memory: no etag
FONT = f"{STATIC}/static/font.woff2"
TINY = f"{STATIC}/static/tiny.js"
TINY_COMPONENT = f"{STATIC}/components/tiny.js"  # no etag, no length: held, then let go
POSTED = f"{STATIC}/components/posted.js"
DYNAMIC = f"{STATIC}/dynamic_resources/chart.js"
STYLE = "/assets/tailwind-0123456789abcdef.css"
TINY_PARTS = [b"let a = 1;\n", b"let b = 2;\n"]
JS = "text/javascript"
IMMUTABLE = "public, max-age=31536000, immutable"
BROWSER = {"Accept-Encoding": "gzip, deflate, br, zstd"}  # what Chromium sends
GZIP_ONLY = {"Accept-Encoding": "gzip, deflate"}

# More than one of FileResponse's 64 KiB chunks, and text that compresses like a script.
SCRIPT_BODY = "".join(
    f"export function handler{n}(event) {{ return event.detail * {n} + {n * 7 % 13}; }}\n"
    for n in range(2500)
).encode()
CSS_BODY = "".join(f".m-{n} {{ margin: {n / 4}rem; }}\n" for n in range(600)).encode()
PAGE_BODY = ("<html><body>" + "<p>Queue</p>" * 400 + "</body></html>").encode()


@pytest.fixture
def site(tmp_path: Path) -> Starlette:
    # NiceGUI's static folder is mounted as StaticFiles: etags, HEAD, ranges and 304s.
    (tmp_path / "app.js").write_bytes(SCRIPT_BODY)
    (tmp_path / "font.woff2").write_bytes(bytes(range(256)) * 40)
    (tmp_path / "tiny.js").write_bytes(b"export const x = 1;\n")

    def memory(body: bytes, media_type: str) -> Callable[[Request], Response]:
        headers = {"Cache-Control": IMMUTABLE}
        return lambda request: Response(body, media_type=media_type, headers=headers)

    async def events() -> AsyncIterator[bytes]:
        for n in range(3):
            yield f"event: tick\ndata: {'x' * 400}{n}\n\n".encode()

    return Starlette(
        routes=[
            Route(COMPONENT, memory(SCRIPT_BODY[:5000], "text/javascript")),
            Route(DYNAMIC, memory(SCRIPT_BODY[:5000], "text/javascript")),
            Route(STYLE, memory(CSS_BODY, "text/css")),
            Route(TINY_COMPONENT, lambda request: StreamingResponse(TINY_PARTS, media_type=JS)),
            Route("/queues/5", lambda request: HTMLResponse(PAGE_BODY)),
            Route(
                "/api/stream", lambda r: StreamingResponse(events(), media_type="text/event-stream")
            ),
            Route(POSTED, memory(SCRIPT_BODY[:5000], "text/javascript"), methods=["POST"]),
            Mount(f"{STATIC}/static", StaticFiles(directory=tmp_path)),
        ]
    )


def _client(app: ASGIApp) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test")


async def _raw(
    app: ASGIApp, path: str, headers: dict[str, str], method: str = "GET"
) -> tuple[httpx.Response, bytes]:
    """The response and its body as it went over the wire (httpx would decode it)."""
    async with _client(app) as client, client.stream(method, path, headers=headers) as response:
        return response, b"".join([chunk async for chunk in response.aiter_raw()])


async def _until_brotli(app: ASGIApp, path: str) -> tuple[httpx.Response, bytes]:
    for _ in range(500):
        response, body = await _raw(app, path, BROWSER)
        if response.headers.get("content-encoding") == "br":
            return response, body
        await asyncio.sleep(0.01)
    raise AssertionError(f"{path} never went out as brotli")


@pytest.mark.parametrize(
    ("path", "original"),
    [(SCRIPT, SCRIPT_BODY), (STYLE, CSS_BODY), (COMPONENT, SCRIPT_BODY[:5000])],
)
async def test_a_static_file_goes_out_as_brotli_that_decodes_to_the_file_with_its_headers(
    site: Starlette, path: str, original: bytes
) -> None:
    middleware = StaticBrotli(site)
    first, _ = await _raw(middleware, path, BROWSER)
    assert first.headers["content-encoding"] == "gzip"  # brotli is made after the first

    response, body = await _until_brotli(middleware, path)
    plain, _ = await _raw(site, path, {"Accept-Encoding": "identity"})
    assert brotli.decompress(body) == original
    assert response.headers["content-length"] == str(len(body))
    assert len(body) < len(original)
    assert "Accept-Encoding" in response.headers["vary"]
    for kept in ("content-type", "cache-control", "etag", "last-modified"):
        assert response.headers.get(kept) == plain.headers.get(kept), kept
    assert response.status_code == 200


async def test_a_browser_without_brotli_gets_gzip_and_one_without_either_the_file_as_it_is(
    site: Starlette,
) -> None:
    middleware = StaticBrotli(site)
    await _until_brotli(middleware, SCRIPT)
    for headers, encoding in (
        (GZIP_ONLY, "gzip"),
        ({"Accept-Encoding": "br;q=0, gzip"}, "gzip"),
        ({"Accept-Encoding": "identity"}, None),
    ):
        response, _ = await _raw(middleware, SCRIPT, headers)
        assert response.headers.get("content-encoding") == encoding, headers
        async with _client(middleware) as client:
            assert (await client.get(SCRIPT, headers=headers)).content == SCRIPT_BODY


async def test_pages_the_api_stream_dynamic_resources_and_fonts_are_never_brotli_nor_cached(
    site: Starlette,
) -> None:
    middleware = StaticBrotli(site)
    for _ in range(3):
        for path in ("/queues/5", DYNAMIC, FONT, TINY, TINY_COMPONENT, "/api/stream"):
            ours, body = await _raw(middleware, path, BROWSER)
            stock, stock_body = await _raw(GZipMiddleware(site), path, BROWSER)
            assert ours.headers.get("content-encoding") != "br", path
            assert ours.headers == stock.headers, path
            assert body == stock_body, path
        await asyncio.sleep(0.01)
    assert len(middleware.cache) == 0
    stream, _ = await _raw(middleware, "/api/stream", BROWSER)
    assert "content-encoding" not in stream.headers  # a stream must not wait for gzip


async def test_the_first_requests_get_gzip_while_brotli_is_made_and_it_is_made_once(
    site: Starlette,
) -> None:
    release = threading.Event()
    calls: list[int] = []

    def slow_brotli(body: bytes) -> bytes:
        calls.append(len(body))
        release.wait(timeout=10)
        return compression.compress_brotli(body)

    middleware = StaticBrotli(site, compress=slow_brotli)
    async with _client(middleware) as client:
        for _ in range(3):  # none of them waits for the compressor
            response = await asyncio.wait_for(client.get(SCRIPT, headers=BROWSER), timeout=5)
            assert response.headers["content-encoding"] == "gzip"
            assert response.content == SCRIPT_BODY
    release.set()
    await _until_brotli(middleware, SCRIPT)
    assert calls == [len(SCRIPT_BODY)]


@pytest.mark.parametrize(
    ("method", "headers"),
    [
        ("HEAD", BROWSER),
        ("GET", BROWSER | {"Range": "bytes=0-99"}),
        ("GET", BROWSER | {"If-None-Match": "ETAG"}),
        ("POST", BROWSER),
    ],
)
async def test_head_ranges_not_modified_and_posts_go_out_as_stock_gzip_sends_them(
    site: Starlette, method: str, headers: dict[str, str]
) -> None:
    middleware = StaticBrotli(site)
    brotli_response, _ = await _until_brotli(middleware, SCRIPT)
    headers = {k: v.replace("ETAG", brotli_response.headers["etag"]) for k, v in headers.items()}
    path = POSTED if method == "POST" else SCRIPT
    ours, body = await _raw(middleware, path, headers, method)
    stock, stock_body = await _raw(GZipMiddleware(site), path, headers, method)
    assert (ours.status_code, ours.headers, body) == (stock.status_code, stock.headers, stock_body)
    if "If-None-Match" in headers:
        assert ours.status_code == 304 and body == b""


async def test_a_failure_while_choosing_sends_the_request_the_gzip_way_and_warns_once(
    site: Starlette, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(*args: object) -> bool:
        raise RuntimeError("broken")

    middleware = StaticBrotli(site)
    caplog.set_level(logging.WARNING, logger=compression.__name__)
    for name in ("wants_brotli", "compressible"):
        with monkeypatch.context() as patch:
            patch.setattr(compression, name, broken)
            for path in (SCRIPT, STYLE):
                async with _client(middleware) as client:
                    response = await client.get(path, headers=BROWSER)
                assert response.status_code == 200
                assert response.headers["content-encoding"] == "gzip"
                assert response.content == (SCRIPT_BODY if path == SCRIPT else CSS_BODY)
    assert middleware.failures.count == 4
    assert len([r for r in caplog.records if r.levelno == logging.WARNING]) == 1


async def test_a_failure_while_sending_brotli_sends_the_held_file_the_gzip_way(
    site: Starlette, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The response start and body held for brotli go on whole: nothing lost or sent twice."""
    middleware = StaticBrotli(site)
    await _until_brotli(middleware, SCRIPT)
    await _until_brotli(middleware, STYLE)

    def broken(self: object) -> list[Message]:
        raise RuntimeError("broken")

    monkeypatch.setattr(compression._Tap, "_send_brotli", broken)
    for path, original in ((SCRIPT, SCRIPT_BODY), (STYLE, CSS_BODY)):
        async with _client(middleware) as client:
            response = await client.get(path, headers=BROWSER)
        assert response.status_code == 200
        assert response.headers["content-encoding"] == "gzip"
        assert response.content == original
    assert middleware.failures.count == 2


async def test_a_compressor_that_fails_leaves_the_file_to_gzip(
    site: Starlette, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(body: bytes) -> bytes:
        raise RuntimeError("broken")

    middleware = StaticBrotli(site, compress=broken)
    async with _client(middleware) as client:
        for _ in range(20):
            response = await client.get(SCRIPT, headers=BROWSER)
            assert response.headers["content-encoding"] == "gzip"
            assert response.content == SCRIPT_BODY
            await asyncio.sleep(0.01)
    assert middleware.failures.count == 1  # tried once, not on every request
    assert "brotli for static files failed" in caplog.text


async def test_the_cache_is_bounded(site: Starlette) -> None:
    middleware = StaticBrotli(site, cache_entries=1)
    await _until_brotli(middleware, SCRIPT)
    await _until_brotli(middleware, STYLE)
    assert len(middleware.cache) == 1
    response, _ = await _raw(middleware, SCRIPT, BROWSER)
    assert response.headers["content-encoding"] == "gzip"  # dropped: made again


async def test_a_file_too_big_to_compress_here_gets_gzip(
    site: Starlette, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(compression, "MAXIMUM_SIZE", 4096)
    middleware = StaticBrotli(site)
    async with _client(middleware) as client:
        for path in (SCRIPT, STYLE):
            for _ in range(3):
                response = await client.get(path, headers=BROWSER)
                assert response.headers["content-encoding"] == "gzip"
                await asyncio.sleep(0.05)
    assert len(middleware.cache) == 0


@pytest.mark.parametrize("kind", ["lifespan", "websocket"])
async def test_lifespan_and_websockets_pass_straight_through(kind: str) -> None:
    seen: list[tuple[Scope, Receive, Send]] = []

    async def inner(scope: Scope, receive: Receive, send: Send) -> None:
        seen.append((scope, receive, send))

    async def receive() -> Message:
        return {}

    async def send(message: Message) -> None:
        pass

    scope: Scope = {"type": kind, "path": SCRIPT, "headers": [(b"accept-encoding", b"br")]}
    await StaticBrotli(inner)(scope, receive, send)
    assert seen == [(scope, receive, send)]


@pytest.mark.parametrize(
    ("header", "accepted"),
    [
        ("gzip, deflate, br, zstd", True),
        ("br", True),
        ("BR;q=0.5", True),
        ("br;q=0, gzip", False),
        ("br;q=0.0", False),
        ("gzip, deflate", False),
        ("brotli", False),
        ("", False),
    ],
)
def test_what_counts_as_accepting_brotli(header: str, accepted: bool) -> None:
    assert accepts_brotli(header) is accepted
