"""An open queue page is pinged every interval and stays connected through several of them,
then still gets the next change (equeue_ui/tuning/ping_timers.py: the server's pings are
timers; a browser that gets no ping within interval + timeout drops the connection). These
pings are all that keeps a page's connection alive: uvicorn sends no WebSocket pings of its
own (equeue_ui/app.py, run_options)."""

from __future__ import annotations

import asyncio

import pytest
from playwright.async_api import Browser, expect

from tests.e2e.conftest import DISCONNECTED_JS, connected, open_queue, signed_in_page
from tests.e2e.server import AppServer

pytestmark = pytest.mark.e2e

WORKSPACE = "Осенний семестр 2026"
SUBJECT = "Алгоритмы и структуры данных"
WATCHER, ACTOR, ACTOR_NAME = "student1", "student10", "Софья Фёдорова"  # not in the demo queue
PING_INTERVAL_S = 8  # the app's reconnect_timeout 10 s × 0.8 (NiceGUI)
LIVE_MS = 2_000

# Counts what the page's socket.io manager hears: pings from the server, and closes.
WATCH_JS = """() => {
    window.eqPings = 0;
    window.eqCloses = 0;
    window.socket.io.on('ping', () => { window.eqPings += 1; });
    window.socket.io.engine.on('close', () => { window.eqCloses += 1; });
}"""


async def test_a_page_is_pinged_and_stays_connected_through_several_intervals(
    browser: Browser, app_server: AppServer
) -> None:
    watcher = await signed_in_page(browser, app_server, WATCHER)
    actor = await signed_in_page(browser, app_server, ACTOR)
    path = await open_queue(watcher, WORKSPACE, SUBJECT)
    await connected(watcher)
    await watcher.evaluate(WATCH_JS)

    await asyncio.sleep(2 * PING_INTERVAL_S + 2)

    assert await watcher.evaluate("window.eqPings") >= 2
    assert await watcher.evaluate("window.eqCloses") == 0
    assert not await watcher.evaluate(DISCONNECTED_JS)
    await actor.goto(path)
    await actor.get_by_role("button", name="Join the queue").click()
    entry = watcher.locator(".eq-entry").filter(has=watcher.get_by_text(ACTOR_NAME, exact=True))
    await expect(entry).to_be_visible(timeout=LIVE_MS)
