"""Chromium offers permessage-deflate on every WebSocket; the app declines it unless told to.

A compressed socket costs the server a zlib stream per open page and a compression per page
for every queue change (tests/bench/README.md: 291 instead of 118 KB per viewer).
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.async_api import Browser

from tests.e2e.conftest import connected, new_page
from tests.e2e.server import AppServer, ServerError, copy_database

SOCKET_PATH = "/_nicegui_ws/socket.io/"


@pytest.fixture(params=[None, "1"], ids=["default", "EQUEUE_WS_COMPRESSION=1"])
def server_with_setting(
    request: pytest.FixtureRequest, demo_template: Path, tmp_path: Path
) -> Iterator[tuple[AppServer, bool]]:
    data_dir = tmp_path / "data"
    copy_database(demo_template, data_dir)
    env = {"EQUEUE_WS_COMPRESSION": request.param} if request.param else {}
    server = AppServer(data_dir, env=env)
    try:
        server.start()
    except ServerError as error:
        pytest.fail(str(error), pytrace=False)
    try:
        yield server, request.param is not None
    finally:
        server.stop()


def header(headers: dict[str, Any], name: str) -> str:
    return next((str(v) for k, v in headers.items() if k.lower() == name.lower()), "")


async def test_the_live_socket_is_compressed_only_when_the_setting_says_so(
    browser: Browser, server_with_setting: tuple[AppServer, bool]
) -> None:
    server, compression = server_with_setting
    page = await new_page(browser, server)
    devtools = await page.context.new_cdp_session(page)
    handshakes: list[dict[str, Any]] = []
    urls: dict[str, str] = {}
    devtools.on("Network.webSocketCreated", lambda e: urls.update({e["requestId"]: e["url"]}))
    devtools.on(
        "Network.webSocketHandshakeResponseReceived",
        lambda e: handshakes.append({"url": urls.get(e["requestId"], ""), **e["response"]}),
    )
    await devtools.send("Network.enable")

    await page.goto("/login")
    await connected(page)
    for _ in range(50):  # the DevTools event may trail the handshake by a moment
        if handshakes:
            break
        await asyncio.sleep(0.1)

    [handshake] = [h for h in handshakes if SOCKET_PATH in h["url"]]
    assert handshake["status"] == 101
    offered = header(handshake.get("requestHeaders") or {}, "Sec-WebSocket-Extensions")
    assert "permessage-deflate" in offered  # what every page's socket asks for
    accepted = header(handshake["headers"], "Sec-WebSocket-Extensions")
    if compression:
        assert accepted.startswith("permessage-deflate")
    else:
        assert accepted == ""
    # the page works either way: its words came over the socket
    await page.get_by_label("Username").fill("nobody")
    await page.get_by_label("Password", exact=True).fill("not-the-password")
    await page.get_by_role("button", name="Sign in").click()
    await page.get_by_text("Wrong username or password").wait_for()
