"""The installable web app over HTTP (issue 17, point 1): the manifest in the reader's language,
the worker at the root with its scope allowed, the icons, the offline page, and every page's
head linking them. The browser's side is tests/e2e/test_web_app.py."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator

import httpx
import pytest
from nicegui import core
from nicegui.testing.user import User
from PIL import Image

from components.session import LANGUAGE_COOKIE
from equeue_ui.security_headers import CONTENT_SECURITY_POLICY


@pytest.fixture
async def http(user: User) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=core.app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        yield client


async def test_the_manifest_is_installable_and_in_the_readers_language(
    http: httpx.AsyncClient,
) -> None:
    english = await http.get("/manifest.webmanifest")
    assert english.status_code == 200
    assert english.headers["content-type"].startswith("application/manifest+json")
    data = english.json()
    assert (data["lang"], data["name"]) == ("en", "eQueue: lab queues")
    assert (data["display"], data["start_url"], data["scope"]) == ("standalone", "/", "/")
    assert data["theme_color"] and data["background_color"]
    purposes = {(icon["sizes"], icon.get("purpose", "any")) for icon in data["icons"]}
    assert purposes == {("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")}
    for icon in data["icons"]:
        served = await http.get(icon["src"])
        assert served.status_code == 200 and served.headers["content-type"] == "image/png"
        size = int(icon["sizes"].split("x")[0])
        with Image.open(io.BytesIO(served.content)) as image:
            assert image.size == (size, size)

    http.cookies.set(LANGUAGE_COOKIE, "ru")
    russian = (await http.get("/manifest.webmanifest")).json()
    assert russian["lang"] == "ru"
    assert russian["name"] == "eQueue: очереди на сдачу"


async def test_the_worker_is_served_at_the_root_with_its_scope(http: httpx.AsyncClient) -> None:
    response = await http.get("/sw.js")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/javascript")
    assert response.headers["service-worker-allowed"] == "/"
    assert response.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
    for handler in ("install", "fetch", "push", "notificationclick"):
        assert f'addEventListener("{handler}"' in response.text


async def test_the_offline_page_is_in_the_readers_language(http: httpx.AsyncClient) -> None:
    english = await http.get("/offline")
    assert english.status_code == 200
    assert '<html lang="en">' in english.text and "No connection" in english.text
    assert "<script" not in english.text  # it must work with nothing else from the server
    http.cookies.set(LANGUAGE_COOKIE, "ru")
    russian = await http.get("/offline")
    assert '<html lang="ru">' in russian.text and "Нет соединения" in russian.text


@pytest.mark.parametrize("path", ["/register", "/login"])  # NiceGUI's page, and the plain one
async def test_every_page_links_the_manifest_and_registers_the_worker(
    http: httpx.AsyncClient, path: str
) -> None:
    page = await http.get(path)
    assert page.status_code == 200
    assert '<link rel="manifest" href="/manifest.webmanifest">' in page.text
    assert 'navigator.serviceWorker.register("/sw.js"' in page.text
