"""Browser tests: the app as a subprocess over a copy of a demo database, driven by Chromium.

The demo data is seeded once per session (hashing the demo passwords takes a while); every
server gets its own copy of that database, so no test sees another's changes.
"""

from __future__ import annotations

import os
import re
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Literal

import pytest
from playwright.async_api import (
    Browser,
    BrowserContext,
    Locator,
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
# Nothing left to move: no transition or animation running (a dialog fading in), Quasar's
# loading bar gone, and Quasar's idea of the screen (it lays pages out by it, after a debounce)
# caught up with the window's size.
SETTLED_JS = """() => document.getAnimations().every(a => a.playState !== 'running')
    && [...document.querySelectorAll('.q-loading-bar')].every(
        bar => !bar.checkVisibility({opacityProperty: true}))
    && (window.Quasar?.Screen?.width ?? window.innerWidth) === window.innerWidth"""

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
    browser: Browser,
    server: AppServer,
    *,
    viewport: ViewportSize | None = None,
    service_workers: Literal["allow", "block"] = "allow",
) -> Page:
    """A page in a fresh context (its own cookies: one browser per person). A test that routes
    the app's own pages blocks the service worker: the worker's fetches bypass page.route."""
    context: BrowserContext = await browser.new_context(
        base_url=server.url,
        viewport=viewport or {"width": 1280, "height": 800},
        locale="en-US",
        service_workers=service_workers,
    )
    context.set_default_timeout(ACTION_TIMEOUT_MS)
    return await context.new_page()


async def connected(page: Page, *, timeout: float = EXPECT_TIMEOUT_MS) -> None:
    """Wait until the page's live connection is up (it then receives every update)."""
    await page.wait_for_function(CONNECTED_JS, timeout=timeout)


async def settled(page: Page) -> None:
    """Wait until the page stands still (say, after a resize or a dialog's opening): fonts
    loaded, nothing moving, and the layout that follows drawn (two animation frames)."""
    await page.evaluate("document.fonts.ready")
    await page.wait_for_function(SETTLED_JS)
    await page.evaluate(
        "() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))"
    )


async def sign_in(page: Page, username: str, password: str = DEMO_PASSWORD) -> None:
    """Sign in on /login as a person would and wait for the start page to greet them."""
    await page.goto("/login")  # plain HTML: its form works as soon as it is shown
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


# --- the teacher's console and the classroom board ----------------------------------------

# The board (components/board_view.js) has no roles or labels of its own: its sections are
# found by their headings. "Now at the desk" is followed by one block per called student and
# then by the "Next" heading, which is followed by one row per waiting entry.
BOARD_SERVING_XPATH = (
    "//div[normalize-space()='Now at the desk']"
    "/following-sibling::div[following-sibling::div[normalize-space()='Next']]"
)
BOARD_NEXT_XPATH = "//div[normalize-space()='Next']/following-sibling::div"


async def open_console(page: Page, subject: str) -> int:
    """From the teacher's "My queues" page, open a subject's console; returns the queue id."""
    await page.goto("/teaching")
    card = page.locator(".q-card").filter(has=page.get_by_text(subject, exact=True))
    await card.get_by_role("button", name="Console").click()
    await page.wait_for_url(re.compile(r"/queues/\d+/console$"))
    await expect(page.get_by_role("button", name="Call next (N)")).to_be_visible()
    await connected(page)
    return int(page.url.rsplit("/", 2)[-2])


async def make_display_link(console: Page, label: str) -> str:
    """In the console's "Board links for the projector": make a link; returns its URL."""
    await connected(console)
    await console.get_by_text("Board links for the projector").click()
    await expect(console.get_by_label("Where it is shown")).to_be_editable()
    await console.get_by_label("Where it is shown").fill(label)
    await console.get_by_role("button", name="Make a link").click()
    shown = console.get_by_text(re.compile(r"^https?://\S+/board/\S+$"))
    await expect(shown).to_be_visible()
    await expect(console.get_by_text(label, exact=True)).to_be_visible()  # listed, revocable
    return (await shown.inner_text()).strip()


def board_serving(board: Page, name: str) -> Locator:
    """``name`` (exactly) under the board's "Now at the desk"."""
    return board.locator(f"xpath={BOARD_SERVING_XPATH}").filter(
        has_text=re.compile(rf"^\s*{re.escape(name)}\s*$")
    )


def board_next(board: Page, name: str) -> Locator:
    """``name``'s row in the board's "Next" list."""
    return board.locator(f"xpath={BOARD_NEXT_XPATH}").filter(
        has=board.get_by_text(name, exact=True)
    )
