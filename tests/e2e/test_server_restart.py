"""A queue page outlives a server restart: it reconnects by itself and shows the current state."""

from __future__ import annotations

import asyncio

import pytest
from playwright.async_api import Browser, Locator, Page, expect

from tests.e2e.conftest import DISCONNECTED_JS, connected, new_page, open_queue, sign_in
from tests.e2e.server import AppServer

pytestmark = pytest.mark.e2e

WORKSPACE = "Осенний семестр 2026"
SUBJECT = "Алгоритмы и структуры данных"
WATCHER, ACTOR, ACTOR_NAME = "student8", "student9", "Иван Волков"
RECOVERY_MS = 20_000
LIVE_MS = 2_000


async def test_the_queue_page_recovers_by_itself_after_a_server_restart(
    browser: Browser, app_server: AppServer
) -> None:
    watcher = await new_page(browser, app_server)
    actor = await new_page(browser, app_server)
    await asyncio.gather(sign_in(watcher, WATCHER), sign_in(actor, ACTOR))
    path = await open_queue(watcher, WORKSPACE, SUBJECT)
    await connected(watcher)
    await expect(_entry(watcher, ACTOR_NAME)).to_have_count(0)
    await actor.close()  # its session cookie stays in its browser context

    restart = asyncio.create_task(asyncio.to_thread(app_server.restart))
    try:
        await watcher.wait_for_function(DISCONNECTED_JS, timeout=RECOVERY_MS)
    finally:
        await restart  # never leave a server starting behind the fixture's back

    # A change made right after the restart, most likely before the watcher has reconnected.
    actor = await actor.context.new_page()
    await actor.goto(path)
    await actor.get_by_role("button", name="Join the queue").click()
    await expect(actor.get_by_text("Your position")).to_be_visible()

    await connected(watcher, timeout=RECOVERY_MS)  # no reload from here: it must do it itself
    await expect(_entry(watcher, ACTOR_NAME)).to_be_visible(timeout=RECOVERY_MS)
    await _expect_same_version(watcher, actor)

    # And the recovered page follows live changes again.
    await actor.get_by_role("button", name="Let others go ahead").click()
    await expect(_entry(watcher, ACTOR_NAME).get_by_text("frozen")).to_be_visible(timeout=LIVE_MS)
    await expect(actor.get_by_text("Your place is frozen")).to_be_visible()
    await _expect_same_version(watcher, actor)


def _entry(page: Page, display_name: str) -> Locator:
    return page.locator(".eq-entry").filter(has=page.get_by_text(display_name, exact=True))


async def _expect_same_version(watcher: Page, actor: Page) -> None:
    """Both pages show the same queue version: the watcher is not behind."""
    version = await actor.locator(".eq-queue").get_attribute("data-version")
    assert version is not None
    await expect(watcher.locator(".eq-queue")).to_have_attribute(
        "data-version", version, timeout=LIVE_MS
    )
