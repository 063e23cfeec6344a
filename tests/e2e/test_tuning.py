"""The real app in Chromium, with its tuning patches and with EQUEUE_TUNING=off: either way a
queue change reaches the page; tuned, as prepared frames written straight to the socket, and
stock through socket.io's own emit, with no patch in effect."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from playwright.async_api import Browser, expect

from tests.e2e.conftest import connected, new_page, open_queue, sign_in
from tests.e2e.server import AppServer, ServerError, copy_database

pytestmark = pytest.mark.e2e

WORKSPACE = "Осенний семестр 2026"
SUBJECT = "Алгоритмы и структуры данных"
STUDENT, STUDENT_NAME = "student8", "Полина Морозова"  # not in the demo queue (demo.py)


@pytest.fixture(params=["on", "off"], ids=["tuned", "EQUEUE_TUNING=off"])
def server(
    request: pytest.FixtureRequest, demo_template: Path, tmp_path: Path
) -> Iterator[AppServer]:
    data_dir = tmp_path / "data"
    copy_database(demo_template, data_dir)
    # the benchmark hooks (loopback only) tell which patches are in effect and how snapshots went
    env = {"EQUEUE_TUNING": request.param, "EQUEUE_BENCHMARK_HOOKS": "1"}
    app = AppServer(data_dir, env=env)
    try:
        app.start()
    except ServerError as error:
        pytest.fail(str(error), pytrace=False)
    try:
        yield app
    finally:
        app.stop()


async def test_a_queue_change_reaches_the_page_tuned_or_stock(
    browser: Browser, server: AppServer
) -> None:
    tuned = server.env["EQUEUE_TUNING"] == "on"
    page = await new_page(browser, server)
    await sign_in(page, STUDENT)
    await open_queue(page, WORKSPACE, SUBJECT)
    await connected(page)
    watcher = await new_page(browser, server)
    await sign_in(watcher, "student9")
    await watcher.goto(page.url)
    await connected(watcher)

    await page.get_by_role("button", name="Join the queue").click()

    for seen_by in (page, watcher):
        entry = seen_by.locator(".eq-entry").filter(
            has=seen_by.get_by_text(STUDENT_NAME, exact=True)
        )
        await expect(entry).to_be_visible()
    async with httpx.AsyncClient(base_url=server.url) as client:
        tally = (await client.get("/_bench/fanout")).json()
    assert set(tally["tuning"].values()) == {tuned}, tally["tuning"]
    if tuned:  # both pages' sockets idle: the join's snapshot as one prepared frame each
        assert tally["direct"] >= 2 and tally["through_socketio"] == 0
    else:
        assert tally["direct"] == tally["through_engineio"] == 0
        assert tally["through_socketio"] >= 1
