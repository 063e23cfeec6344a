"""A change made while a queue page or a board is still loading reaches it: the server sends
the newer snapshot the moment the page's socket connects, and the page is already listening
then (components/queue_view.js, board_view.js). Each page's scripts are held back until the
change has committed, so its socket connects only after it."""

from __future__ import annotations

import asyncio

import pytest
from playwright.async_api import Browser, Locator, Page, Route, expect

from tests.e2e.conftest import (
    board_next,
    connected,
    make_display_link,
    new_page,
    open_console,
    open_queue,
    sign_in,
    signed_in_page,
)
from tests.e2e.server import AppServer

pytestmark = pytest.mark.e2e

WORKSPACE = "Осенний семестр 2026"
SUBJECT = "Алгоритмы и структуры данных"
WATCHER, ACTOR, ACTOR_NAME = "student1", "student10", "Софья Фёдорова"  # not in the demo queue
LIVE_MS = 2_000
SOCKET_SCRIPT = "**/static/socket.io.min.js"


async def test_a_change_made_while_the_page_loads_shows_once_it_connects(
    browser: Browser, app_server: AppServer
) -> None:
    watcher = await new_page(browser, app_server, service_workers="block")
    actor = await new_page(browser, app_server)
    await asyncio.gather(sign_in(watcher, WATCHER), sign_in(actor, ACTOR))
    path = await open_queue(actor, WORKSPACE, SUBJECT)
    await connected(actor)

    release = await _hold_scripts(watcher)
    await watcher.goto(path, wait_until="commit")
    await release.asked.wait()
    await expect(_entry(watcher, ACTOR_NAME)).to_have_count(0)

    version = await _join(actor)
    await release()
    await connected(watcher)
    await expect(_entry(watcher, ACTOR_NAME)).to_be_visible(timeout=LIVE_MS)
    await expect(watcher.locator(".eq-queue")).to_have_attribute("data-version", version)


async def test_a_change_made_while_the_board_loads_shows_once_it_connects(
    browser: Browser, app_server: AppServer
) -> None:
    teacher = await signed_in_page(browser, app_server, "teacher")
    await open_console(teacher, SUBJECT)
    link = await make_display_link(teacher, "Room 4-12")
    actor = await signed_in_page(browser, app_server, ACTOR)
    await open_queue(actor, WORKSPACE, SUBJECT)
    await connected(actor)

    board = await new_page(browser, app_server, service_workers="block")
    release = await _hold_scripts(board)
    await board.goto(link, wait_until="commit")
    await release.asked.wait()

    await _join(actor)
    await release()
    await connected(board)
    await expect(board_next(board, "Софья Ф.")).to_be_visible(timeout=LIVE_MS)


class _Held:
    """The page's socket.io script, held until called: the page cannot connect before."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.routes: list[Route] = []
        self.asked = asyncio.Event()

    async def hold(self, route: Route) -> None:
        self.routes.append(route)
        self.asked.set()

    async def __call__(self) -> None:
        for route in self.routes:
            await route.continue_()
        await self.page.unroute(SOCKET_SCRIPT)


async def _hold_scripts(page: Page) -> _Held:
    held = _Held(page)
    await page.route(SOCKET_SCRIPT, held.hold)
    return held


async def _join(actor: Page) -> str:
    """The actor joins; returns the queue's version after it."""
    await actor.get_by_role("button", name="Join the queue").click()
    await expect(actor.get_by_text("Your position")).to_be_visible()
    version = await actor.locator(".eq-queue").get_attribute("data-version")
    assert version is not None
    return version


def _entry(page: Page, display_name: str) -> Locator:
    return page.locator(".eq-entry").filter(has=page.get_by_text(display_name, exact=True))
