"""Browser tests: the app as a subprocess over a copy of a demo database, driven by Chromium.

The demo data is seeded once per session (hashing the demo passwords takes a while); every
server gets its own copy of that database, so no test sees another's changes.
"""

from __future__ import annotations

import os
import re
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from playwright.async_api import (
    Browser,
    BrowserContext,
    Page,
    ViewportSize,
    async_playwright,
    expect,
)

from tests.e2e.server import AppServer, ServerError, copy_database, seed_demo

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-dev-shm-usage",
]
DEMO_PASSWORD = "demo12345"  # equeue_ui/demo.py
# Generous defaults for a loaded two-core machine; timed assertions pass their own timeouts.
ACTION_TIMEOUT_MS = 15_000
EXPECT_TIMEOUT_MS = 10_000

# NiceGUI's page script: `#popup` ("Connection lost") shows while the socket is down and hides
# again once a handshake succeeds; reconnecting to a new server instance reloads the page first.
CONNECTED_JS = (
    "() => window.did_handshake === true && document.getElementById('popup')?.ariaHidden === 'true'"
)
DISCONNECTED_JS = "() => document.getElementById('popup')?.ariaHidden === 'false'"

expect.set_options(timeout=EXPECT_TIMEOUT_MS)


@pytest.fixture(scope="session")
def chromium() -> Path:
    if CHROMIUM.exists():
        return CHROMIUM
    reason = f"{CHROMIUM} is missing (Debian package `chromium`; see `make browser`)"
    if os.environ.get("EQUEUE_REQUIRE_BROWSER") == "1":
        pytest.fail(reason, pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def demo_template(chromium: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data folder holding a migrated database with the demo data."""
    folder = tmp_path_factory.mktemp("demo-template")
    try:
        seed_demo(folder)
    except ServerError as error:
        pytest.fail(str(error), pytrace=False)
    return folder


@pytest.fixture
def app_server(demo_template: Path, tmp_path: Path) -> Iterator[AppServer]:
    """A running app (`equeue run --demo`) of its own over a fresh copy of the demo database."""
    data_dir = tmp_path / "data"
    copy_database(demo_template, data_dir)
    server = AppServer(data_dir)
    try:
        server.start()
    except ServerError as error:
        pytest.fail(str(error), pytrace=False)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
async def browser(chromium: Path) -> AsyncIterator[Browser]:
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(
            executable_path=str(chromium), args=CHROMIUM_ARGS
        )
        try:
            yield launched
        finally:
            await launched.close()


async def new_page(
    browser: Browser, server: AppServer, *, viewport: ViewportSize | None = None
) -> Page:
    """A page in a fresh context (its own cookies: one browser per person)."""
    context: BrowserContext = await browser.new_context(
        base_url=server.url, viewport=viewport or {"width": 1280, "height": 800}, locale="en-US"
    )
    context.set_default_timeout(ACTION_TIMEOUT_MS)
    return await context.new_page()


async def connected(page: Page, *, timeout: float = EXPECT_TIMEOUT_MS) -> None:
    """Wait until the page's live connection is up (it then receives every update)."""
    await page.wait_for_function(CONNECTED_JS, timeout=timeout)


async def sign_in(page: Page, username: str, password: str = DEMO_PASSWORD) -> None:
    """Sign in on /login as a person would and wait for the start page to greet them."""
    await page.goto("/login")
    await page.get_by_label("Username").fill(username)
    await page.get_by_label("Password", exact=True).fill(password)
    await page.get_by_role("button", name="Sign in").click()
    await expect(page.get_by_text("Signed in as")).to_be_visible()


async def signed_in_page(browser: Browser, server: AppServer, username: str) -> Page:
    page = await new_page(browser, server)
    await sign_in(page, username)
    return page


async def open_workspace(page: Page, name: str) -> None:
    """From the start page, open a workspace the viewer is a member of."""
    await page.goto("/")
    card = page.locator(".q-card").filter(has=page.get_by_text(name, exact=True))
    await card.get_by_role("button", name="Open").click()
    await page.wait_for_url(re.compile(r"/workspaces/\d+$"))
    await expect(page.get_by_text(name, exact=True)).to_be_visible()


async def open_queue(page: Page, workspace: str, subject: str) -> str:
    """Open a subject's queue page through the workspace page; returns its path."""
    await open_workspace(page, workspace)
    card = page.locator(".q-card").filter(has=page.get_by_role("link", name=subject, exact=True))
    await card.get_by_role("button", name="Queue").click()
    await page.wait_for_url(re.compile(r"/queues/\d+$"))
    await expect(page.get_by_text(re.compile(r"^\d+ in the queue$"))).to_be_visible()
    return "/" + page.url.split("/", 3)[3]
