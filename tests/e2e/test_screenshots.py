"""Screenshots of the main pages on a phone and a desktop, saved in build/screenshots/."""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import pytest
from playwright.async_api import Browser, Page, expect

from tests.e2e.conftest import (
    connected,
    new_page,
    open_queue,
    open_workspace,
    settled,
    sign_in,
)
from tests.e2e.server import AppServer

pytestmark = pytest.mark.e2e

SCREENSHOTS = Path(__file__).resolve().parents[2] / "build" / "screenshots"
WIDTHS = (360, 1280)
WORKSPACE = "Осенний семестр 2026"
SUBJECT = "Алгоритмы и структуры данных"


async def test_screenshots_of_the_main_pages_at_phone_and_desktop_widths(
    browser: Browser, app_server: AppServer
) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page = await new_page(browser, app_server)

    await page.goto("/login")
    await expect(page.get_by_role("button", name="Sign in")).to_be_visible()
    await _shoot(page, "sign-in", live=False)

    await sign_in(page, "student2")
    await _shoot(page, "home")

    await open_workspace(page, WORKSPACE)
    await expect(page.get_by_role("link", name=SUBJECT, exact=True)).to_be_visible()
    await _shoot(page, "workspace")

    await page.get_by_role("link", name=SUBJECT, exact=True).click()
    await page.wait_for_url(re.compile(r"/subjects/\d+$"))
    await expect(page.get_by_text("Your position")).to_be_visible()
    await _shoot(page, "subject")

    await open_queue(page, WORKSPACE, SUBJECT)
    await expect(page.get_by_text("Your position")).to_be_visible()
    await _shoot(page, "queue")

    for name in ("sign-in", "home", "workspace", "subject", "queue"):
        for width in WIDTHS:
            assert (SCREENSHOTS / f"{name}-{width}.png").stat().st_size > 0


async def _shoot(page: Page, name: str, *, live: bool = True) -> None:
    """The whole page at each width; a page that scrolls sideways is reported as a warning.
    A ``live`` page (a NiceGUI one) is shot once its connection is up; the plain sign-in page
    has none."""
    if live:
        await connected(page)
    for width in WIDTHS:
        await page.set_viewport_size({"width": width, "height": 800})
        await page.evaluate("window.scrollTo(0, 0)")  # the fixed header belongs at the top
        await settled(page)  # Quasar's layout after the resize
        await page.screenshot(path=SCREENSHOTS / f"{name}-{width}.png", full_page=True)
        overflow = await page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        if overflow > 0:
            warnings.warn(f"{name} scrolls sideways by {overflow} px at {width} px", stacklevel=1)
