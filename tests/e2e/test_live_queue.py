"""Three browsers on one queue page: what one does, the other two see within a second."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable

import pytest
from playwright.async_api import Browser, Locator, Page, expect

from tests.e2e.conftest import connected, new_page, open_queue, sign_in
from tests.e2e.server import AppServer

pytestmark = pytest.mark.e2e

WORKSPACE = "Осенний семестр 2026"
SUBJECT = "Алгоритмы и структуры данных"
LIVE_LIMIT_S = 1.0
# student1..7 already stand in the demo queue; these three do not (equeue_ui/demo.py).
ACTOR, WATCHERS = "student8", ("student9", "student10")
ACTOR_NAME = "Полина Морозова"


async def test_a_join_a_freeze_and_a_leave_reach_the_other_browsers_within_a_second(
    browser: Browser, app_server: AppServer
) -> None:
    pages = [await new_page(browser, app_server) for _ in (ACTOR, *WATCHERS)]
    await asyncio.gather(
        *(sign_in(page, name) for page, name in zip(pages, (ACTOR, *WATCHERS), strict=True))
    )
    actor, *watchers = pages
    path = await open_queue(actor, WORKSPACE, SUBJECT)
    for page in watchers:
        await page.goto(path)
    for page in pages:
        await connected(page)
        await expect(page.get_by_role("button", name="Join the queue")).to_be_enabled()
        await expect(_entry(page, ACTOR_NAME)).to_have_count(0)

    await _timed(
        "join",
        actor.get_by_role("button", name="Join the queue"),
        watchers,
        lambda page: expect(_entry(page, ACTOR_NAME)).to_be_visible(timeout=_ms(LIVE_LIMIT_S)),
    )
    await _timed(
        "freeze",
        actor.get_by_role("button", name="Let others go ahead"),
        watchers,
        lambda page: expect(_entry(page, ACTOR_NAME).get_by_text("frozen")).to_be_visible(
            timeout=_ms(LIVE_LIMIT_S)
        ),
    )
    await expect(actor.get_by_text("Your place is frozen")).to_be_visible()
    await _timed(
        "leave",
        actor.get_by_role("button", name="Leave", exact=True),
        watchers,
        lambda page: expect(_entry(page, ACTOR_NAME)).to_have_count(0, timeout=_ms(LIVE_LIMIT_S)),
    )
    await expect(actor.get_by_role("button", name="Join the queue")).to_be_visible()


def _entry(page: Page, display_name: str) -> Locator:
    """The queue row of a person (the only row on the page that carries their name)."""
    return page.locator(".eq-entry").filter(has=page.get_by_text(display_name, exact=True))


def _ms(seconds: float) -> float:
    return seconds * 1000


async def _timed(
    what: str,
    button: Locator,
    watchers: list[Page],
    seen: Callable[[Page], Awaitable[None]],
) -> None:
    """Click, then wait until every watcher shows the change; each must take at most 1 s."""
    await expect(button).to_be_enabled()
    started = time.monotonic()
    await button.click()

    async def watch(page: Page) -> float:
        await seen(page)
        return time.monotonic() - started

    delays = await asyncio.gather(*(watch(page) for page in watchers))
    print(f"{what}: seen by the others after " + ", ".join(f"{d * 1000:.0f} ms" for d in delays))
    assert max(delays) <= LIVE_LIMIT_S, f"{what} took {max(delays):.2f} s to reach everyone"
