"""What a phone downloads from the running app (`equeue run`, as deployed): pages and scripts
compressed, static files as brotli to browsers that take it, versioned files cached for good,
the app's own files asked for again; and the streams that must not wait for a compressor (the
API's event stream, the live socket) are not compressed (tests/bench/weak_phone.py measures
what this saves on a weak signal)."""

from __future__ import annotations

import asyncio
import re
import zlib
from pathlib import Path

import brotli
import httpx
import nicegui
import pytest
from playwright.async_api import Browser, Page, expect

from tests.e2e.conftest import connected, new_page, open_queue, sign_in
from tests.e2e.server import AppServer

pytestmark = pytest.mark.e2e

WORKSPACE = "Осенний семестр 2026"
SUBJECT = "Алгоритмы и структуры данных"
GZIP = {"Accept-Encoding": "gzip"}
BROWSER = {"Accept-Encoding": "gzip, deflate, br, zstd"}  # what Chromium sends
QUASAR = Path(nicegui.__file__).parent / "static" / "quasar.umd.prod.js"
YEAR = "max-age=31536000"


async def test_pages_and_scripts_are_compressed_and_keep_their_security_headers(
    app_server: AppServer,
) -> None:
    async with httpx.AsyncClient(base_url=app_server.url, headers=GZIP) as client:
        page = await client.get("/login")
        script = await client.get(_asset(page.text, r"/_nicegui/[^\"]+/quasar\.umd\.prod\.js"))
    for response in (page, script):
        assert response.headers["content-encoding"] == "gzip"
        assert "Accept-Encoding" in response.headers["vary"]
        assert response.headers["x-content-type-options"] == "nosniff"
    assert "frame-ancestors 'none'" in page.headers["content-security-policy"]
    assert "Sign in" in page.text  # httpx took the compression off: the page is whole


async def test_versioned_files_are_cached_for_good_and_the_apps_own_are_asked_for_again(
    app_server: AppServer,
) -> None:
    async with httpx.AsyncClient(base_url=app_server.url, headers=GZIP) as client:
        page = (await client.get("/login")).text
        # The sign-in page's own files, and the framework's it fetches ahead for the next page.
        own_style = await client.get(_asset(page, r"/assets/sign-in-[0-9a-f]+\.css"))
        own_script = await client.get(_asset(page, r"/assets/sign-in-[0-9a-f]+\.js"))
        tailwind = await client.get(_asset(page, r"/assets/tailwind-[0-9a-f]+\.css"))
        nicegui = await client.get(_asset(page, r"/_nicegui/[^\"]+/nicegui\.js"))
        worker = await client.get("/sw.js")
        manifest = await client.get("/manifest.webmanifest")
        icon = await client.get("/icons/icon-192.png")
        unknown = await client.get("/assets/tailwind-0000000000000000.css")

    assert tailwind.headers["content-type"].startswith("text/css")
    assert tailwind.headers["content-encoding"] == "gzip"
    assert "tailwindcss v4" in tailwind.text
    for versioned in (own_style, own_script, tailwind, nicegui):
        assert YEAR in versioned.headers["cache-control"]
        assert "immutable" in versioned.headers["cache-control"]
    # A new worker or manifest must reach every browser on its next load.
    assert worker.headers["cache-control"] == "no-cache"
    assert manifest.headers["cache-control"] == "no-cache"
    assert "immutable" not in icon.headers["cache-control"]
    assert unknown.status_code == 404  # an old build's address is not served as the new one


async def test_static_files_go_out_as_brotli_to_browsers_that_take_it_and_as_gzip_to_others(
    app_server: AppServer,
) -> None:
    """Brotli is made once, in the background: the first requests get gzip until it is ready."""
    async with httpx.AsyncClient(base_url=app_server.url, headers=GZIP) as client:
        page = await client.get("/login", headers=BROWSER)
        quasar = _asset(page.text, r"/_nicegui/[^\"]+/quasar\.umd\.prod\.js")
        tailwind = _asset(page.text, r"/assets/tailwind-[0-9a-f]+\.css")
        as_brotli = [await _brotli(client, url) for url in (quasar, tailwind)]
        as_gzip, gzip_body = await _sent(client, quasar, GZIP)
    assert page.headers["content-encoding"] == "gzip"  # pages: gzip, as before

    (script, script_body), (style, style_body) = as_brotli
    assert brotli.decompress(script_body) == QUASAR.read_bytes()
    assert b"tailwindcss v4" in brotli.decompress(style_body)
    for response, body in as_brotli:
        assert response.headers["content-length"] == str(len(body))
        assert "Accept-Encoding" in response.headers["vary"]
        assert YEAR in response.headers["cache-control"]
        assert response.headers["x-content-type-options"] == "nosniff"
    assert script.headers["content-type"].startswith("text/javascript")
    assert style.headers["content-type"].startswith("text/css")

    assert as_gzip.headers["content-encoding"] == "gzip"
    assert zlib.decompress(gzip_body, wbits=31) == QUASAR.read_bytes()
    assert len(script_body) < 0.9 * len(gzip_body)


async def test_the_pages_need_no_in_browser_tailwind(
    browser: Browser, app_server: AppServer
) -> None:
    page = await new_page(browser, app_server, viewport={"width": 360, "height": 740})
    fetched: list[str] = []
    page.on("request", lambda request: fetched.append(request.url))
    await page.goto("/register")  # a NiceGUI page (the sign-in page is plain HTML)
    await connected(page)
    assert not [url for url in fetched if "tailwindcss.min.js" in url]
    # A Tailwind class applies (the header's title is kept to half the screen's width).
    title = page.locator(".q-header .truncate")
    assert await title.evaluate("element => getComputedStyle(element).maxWidth") == "180px"


async def test_icons_come_from_eequeues_cut_of_the_font_and_are_drawn(
    browser: Browser, app_server: AppServer
) -> None:
    """components/icon_font.py: 17 KB where NiceGUI's whole font is 126 KB, and NiceGUI's is
    never fetched; an icon is drawn as one glyph, not spelt out as its name."""
    page = await new_page(browser, app_server, viewport={"width": 360, "height": 740})
    fetched: list[str] = []
    page.on("request", lambda request: fetched.append(request.url))
    await page.goto("/register")  # a NiceGUI page, with the language menu's icon in its header
    await connected(page)
    await page.evaluate("document.fonts.ready")
    fonts = [url for url in fetched if ".woff2" in url]
    assert len(fonts) == 1 and re.search(r"/assets/material-icons-[0-9a-f]{16}\.woff2$", fonts[0])
    icon = page.locator(".q-header .material-icons").first  # the language menu's
    # Quasar fixes an icon's box at 1em; the text inside it is as wide as what is drawn.
    drawn = await icon.evaluate(
        """element => {
            const range = document.createRange();
            range.selectNodeContents(element);
            const size = parseFloat(getComputedStyle(element).fontSize);
            const faces = [...document.fonts].filter(
                face => face.family.includes("Material Icons") && face.status === "loaded");
            return [range.getBoundingClientRect().width, size, faces.length];
        }"""
    )
    width, font_size, faces_loaded = drawn
    assert faces_loaded == 1 and width <= font_size * 1.1, drawn  # "translate" spelt: 5 times
    async with httpx.AsyncClient(base_url=app_server.url, headers=BROWSER) as client:
        font = await client.get(fonts[0])
    assert font.headers["content-type"] == "font/woff2"
    assert "content-encoding" not in font.headers  # a font is compressed already
    assert YEAR in font.headers["cache-control"] and "immutable" in font.headers["cache-control"]
    assert len(font.content) < 40 * 1024


async def test_the_api_event_stream_is_not_compressed_and_its_first_event_comes_at_once(
    browser: Browser, app_server: AppServer
) -> None:
    """A compressor holds back a stream's small events until it has enough to pack."""
    page = await new_page(browser, app_server)
    await sign_in(page, "student1")
    queue_path = await open_queue(page, WORKSPACE, SUBJECT)
    token = await _api_token(page)
    headers = GZIP | {"Authorization": f"Bearer {token}", "Accept": "text/event-stream"}
    async with (
        httpx.AsyncClient(base_url=app_server.url, timeout=10.0) as client,
        client.stream("GET", f"/api/v1{queue_path}/events", headers=headers) as stream,
    ):
        assert stream.status_code == 200
        assert stream.headers["content-type"].startswith("text/event-stream")
        assert "content-encoding" not in stream.headers
        async for line in stream.aiter_lines():
            if line.startswith("event:"):
                assert line == "event: snapshot"
                break


async def test_the_live_socket_connects_through_the_compression(
    app_server: AppServer,
) -> None:
    """engine.io's long-polling answers go through the same stack as the pages."""
    async with httpx.AsyncClient(base_url=app_server.url, headers=GZIP) as client:
        handshake = await client.get(
            "/_nicegui_ws/socket.io/", params={"EIO": "4", "transport": "polling"}
        )
    assert handshake.status_code == 200
    assert handshake.text.startswith("0{") and '"sid"' in handshake.text


async def _api_token(page: Page) -> str:
    """A new API token of the signed-in reader, made on their profile page."""
    await page.goto("/profile")
    await connected(page)
    await page.get_by_label("Token name, e.g. my bot").fill("compression test")
    await page.get_by_role("button", name="Make a token").click()
    shown = page.get_by_label("New token")
    await expect(shown).not_to_have_value("")
    return await shown.input_value()


async def _brotli(client: httpx.AsyncClient, url: str) -> tuple[httpx.Response, bytes]:
    """The response once it comes as brotli, with its body as sent (httpx would decode it)."""
    for _ in range(150):
        response, body = await _sent(client, url, BROWSER)
        if response.headers.get("content-encoding") == "br":
            return response, body
        assert response.headers["content-encoding"] == "gzip"  # until brotli is ready
        await asyncio.sleep(0.1)
    raise AssertionError(f"{url} never came as brotli")


async def _sent(
    client: httpx.AsyncClient, url: str, headers: dict[str, str]
) -> tuple[httpx.Response, bytes]:
    async with client.stream("GET", url, headers=headers) as response:
        return response, b"".join([chunk async for chunk in response.aiter_raw()])


def _asset(html: str, pattern: str) -> str:
    found = re.search(pattern, html)
    assert found is not None, pattern
    return found.group(0)
