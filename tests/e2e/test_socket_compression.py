"""Chromium offers permessage-deflate on every WebSocket; the app declines it unless told to,
and then (with its tuning on) sends queue changes as one prepared frame written to each page's
socket.

A compressed socket costs the server a zlib stream per open page and a compression per page
for every queue change (tests/bench/README.md: 291 instead of 118 KB per viewer).
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.async_api import Browser, expect

from tests.e2e.conftest import connected, new_page, open_queue, sign_in
from tests.e2e.server import AppServer, ServerError, copy_database, tuning_on

pytestmark = pytest.mark.e2e

SOCKET_PATH = "/_nicegui_ws/socket.io/"
WORKSPACE = "Осенний семестр 2026"
SUBJECT = "Алгоритмы и структуры данных"
STUDENT, STUDENT_NAME = "student8", "Полина Морозова"  # not in the demo queue (demo.py)


@pytest.fixture(params=[False, True], ids=["default", "EQUEUE_WS_COMPRESSION=1"])
def server_with_setting(
    request: pytest.FixtureRequest, demo_template: Path, tmp_path: Path
) -> Iterator[tuple[AppServer, bool]]:
    data_dir = tmp_path / "data"
    copy_database(demo_template, data_dir)
    # the benchmark hooks (loopback only) tell how the snapshots went out
    env = {"EQUEUE_BENCHMARK_HOOKS": "1"}
    if request.param:
        env["EQUEUE_WS_COMPRESSION"] = "1"
    server = AppServer(data_dir, env=env)
    try:
        server.start()
    except ServerError as error:
        pytest.fail(str(error), pytrace=False)
    try:
        yield server, request.param
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

    await sign_in(page, STUDENT)
    await open_queue(page, WORKSPACE, SUBJECT)
    await connected(page)
    for _ in range(50):  # the DevTools event may trail the handshake by a moment
        if any(SOCKET_PATH in h["url"] for h in handshakes):
            break
        await asyncio.sleep(0.1)

    handshake = [h for h in handshakes if SOCKET_PATH in h["url"]][-1]  # the queue page's
    assert handshake["status"] == 101
    offered = header(handshake.get("requestHeaders") or {}, "Sec-WebSocket-Extensions")
    assert "permessage-deflate" in offered  # what every page's socket asks for
    accepted = header(handshake["headers"], "Sec-WebSocket-Extensions")
    assert accepted.startswith("permessage-deflate") if compression else accepted == ""

    # the page follows the queue either way
    await page.get_by_role("button", name="Join the queue").click()
    entry = page.locator(".eq-entry").filter(has=page.get_by_text(STUDENT_NAME, exact=True))
    await expect(entry).to_be_visible()
    async with httpx.AsyncClient(base_url=server.url) as client:
        tally = (await client.get("/_bench/fanout")).json()
    if not tuning_on():  # EQUEUE_TUNING=off (.ci/run): socket.io's own emit, either way
        assert tally["direct"] == tally["through_engineio"] == 0
        assert tally["through_socketio"] >= 1
    elif compression:  # uvicorn compresses each copy
        assert tally["direct"] == 0 and tally["through_engineio"] >= 1
    else:  # the join's snapshot went out as one prepared frame
        assert tally["direct"] >= 1
