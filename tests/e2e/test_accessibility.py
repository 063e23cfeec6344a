"""Every page a person uses, in light and dark, on a phone and a desktop: axe-core finds no
serious or critical WCAG 2.1 A/AA violation, and no text is below the WCAG contrast ratio
(issue 14, points 1, 12 and 13).

One app server and one Chromium for the module; each person signs in once and their cookies
seed the browser contexts. The app follows the system's theme (Chromium's emulated
``prefers-color-scheme``): each page is loaded once on a dark system, then checked dark and
light, each at 360 px and 1280 px. A person who chose dark mode on a light system is checked on
the pages they use most.
"""

from __future__ import annotations

import os
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import pytest
import pytest_asyncio
from playwright.async_api import (
    Browser,
    BrowserContext,
    Page,
    StorageState,
    async_playwright,
    expect,
)

from tests.e2e.a11y import axe_violations, contrast_failures, describe
from tests.e2e.conftest import (
    ACTION_TIMEOUT_MS,
    CHROMIUM_ARGS,
    DEMO_PASSWORD,
    connected,
    open_queue,
    open_workspace,
    sign_in,
)
from tests.e2e.server import AppServer, ServerError, copy_database

pytestmark = [pytest.mark.e2e, pytest.mark.asyncio(loop_scope="module")]

WORKSPACE = "Осенний семестр 2026"
SUBJECT = "Алгоритмы и структуры данных"
FAIR_SUBJECT = "Операционные системы"  # the demo's queue that asks for the presence code
ADMIN_PASSWORD = "admin12345"  # equeue_ui/demo.py
# The plain sign-in page's background in each theme (equeue_ui/static/sign_in.css), the same as
# the NiceGUI pages' (components/theme.py).
PAGE_BACKGROUND = {"light": "rgb(250, 250, 250)", "dark": "rgb(23, 23, 23)"}
WIDTHS = (360, 1280)
Theme = Literal["light", "dark"]
THEMES: tuple[Theme, ...] = ("dark", "light")
# Screenshots of the pages with problems, or of every page checked with EQUEUE_A11Y_SHOTS=1.
SCREENSHOTS = Path(__file__).resolve().parents[2] / "build" / "screenshots" / "a11y"
SCREENSHOTS_SWITCH = "EQUEUE_A11Y_SHOTS"

# Resolves when the page has stopped changing for a moment (content drawn after the socket
# connects arrives in several updates), or after a few seconds for a page with a ticking clock.
SETTLED_JS = """() => new Promise(resolve => {
    let timer = null;
    const done = () => { observer.disconnect(); clearTimeout(cap); resolve(true); };
    const observer = new MutationObserver(() => {
        clearTimeout(timer);
        timer = setTimeout(done, 250);
    });
    const all = {subtree: true, childList: true, attributes: true, characterData: true};
    observer.observe(document.body, all);
    timer = setTimeout(done, 250);
    const cap = setTimeout(done, 4000);
})"""


@dataclass(frozen=True)
class View:
    """A page as one person sees it; ``tabs`` are clicked in turn, each checked. A ``plain``
    page is server-rendered HTML, not a NiceGUI one: no live connection, and its theme follows
    the system's by CSS alone (components/sign_in_page.py)."""

    name: str
    who: str | None
    path: str
    tabs: tuple[str, ...] = ()
    plain: bool = False


VIEWS = (
    View("sign-in", None, "/login", plain=True),
    # The same plain page with the start page's welcome line, and with a notice in its colour.
    View("start-visitor", None, "/", plain=True),
    View("sign-in-notice", None, "/login?notice=expired", plain=True),
    View("registration", None, "/register"),
    View("home", "student2", "/"),
    View("home-newcomer", "newcomer", "/"),
    View("home-leader", "leader", "/"),
    View("groups", "student2", "/groups"),
    View("workspace", "leader", "/workspaces/{workspace}"),
    View("workspace-student", "student2", "/workspaces/{workspace}"),
    View("subject", "student2", "/subjects/{subject}"),
    View("queue", "student2", "/queues/{queue}"),
    View("console", "teacher", "/queues/{queue}/console"),
    View("board", "teacher", "/queues/{queue}/board"),
    View("teaching", "teacher", "/teaching"),
    View(
        "workspace-settings",
        "leader",
        "/workspaces/{workspace}/settings",
        tabs=("Join requests", "Members", "Subjects", "Invite link"),
    ),
    View("subject-settings", "leader", "/subjects/{subject}/settings"),
    View("admin-users", "admin", "/admin/users"),
    View("admin-groups", "admin", "/admin/groups"),
    View("admin-settings", "admin", "/admin/settings"),
    View("admin-audit", "admin", "/admin/audit"),
    View("admin-status", "admin", "/admin/status"),
    View("queue-statistics", "teacher", "/queues/{queue}/stats"),
    View("subject-statistics", "leader", "/subjects/{subject}/stats"),
    View("workspace-statistics", "leader", "/workspaces/{workspace}/stats"),
    View("not-found", "student2", "/queues/not-a-number"),
    # A queue joined only from the classroom, in its fair start (issue 18): the board with the
    # presence code, the student's page that says when the order is drawn.
    View("board-presence-code", "leader", "/queues/{fair_queue}/board"),
    View("queue-order-drawn-at", "student2", "/queues/{fair_queue}"),
    View("profile", "student2", "/profile"),
    View("reset-password", None, "/reset-password/{reset}"),
)


@dataclass
class Site:
    """The running app, the browser, and each person's signed-in cookies."""

    server: AppServer
    browser: Browser
    ids: dict[str, int | str] = field(default_factory=dict)
    states: dict[str | None, StorageState] = field(default_factory=dict)

    async def context(self, who: str | None, theme: Theme) -> BrowserContext:
        if who not in self.states:
            context = await self._new_context(None, "light")
            if who is not None:
                password = ADMIN_PASSWORD if who == "admin" else DEMO_PASSWORD
                await sign_in(await context.new_page(), who, password)
            self.states[who] = await context.storage_state()
            await context.close()
        return await self._new_context(self.states[who], theme)

    async def _new_context(self, state: StorageState | None, theme: Theme) -> BrowserContext:
        context = await self.browser.new_context(
            base_url=self.server.url,
            viewport={"width": WIDTHS[0], "height": 800},
            locale="en-US",
            color_scheme=theme,
            storage_state=state,
        )
        context.set_default_timeout(ACTION_TIMEOUT_MS)
        return context


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def site(
    chromium: Path, demo_template: Path, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Site]:
    data_dir = tmp_path_factory.mktemp("a11y") / "data"
    copy_database(demo_template, data_dir)
    server = AppServer(data_dir)
    try:
        server.start()
    except ServerError as error:
        pytest.fail(str(error), pytrace=False)
    try:
        async with async_playwright() as playwright:
            browser = await playwright.chromium.launch(
                executable_path=str(chromium), args=CHROMIUM_ARGS
            )
            site = Site(server, browser)
            await _find_ids(site)
            yield site
            await browser.close()
    finally:
        server.stop()


async def _find_ids(site: Site) -> None:
    """The demo workspace's, subject's and queue's ids, found as a person finds them."""
    context = await site.context("student2", "light")
    page = await context.new_page()
    queue_path = await open_queue(page, WORKSPACE, SUBJECT)
    site.ids["queue"] = int(queue_path.rsplit("/", 1)[1])
    await open_workspace(page, WORKSPACE)
    site.ids["workspace"] = int(page.url.rsplit("/", 1)[1])
    href = await page.get_by_role("link", name=SUBJECT, exact=True).get_attribute("href")
    assert href is not None
    site.ids["subject"] = int(href.rsplit("/", 1)[1])
    await context.close()
    site.ids["fair_queue"] = await _fair_start_joined(site, "student2")
    site.ids["reset"] = await _reset_token(site, "student9")


async def _fair_start_joined(site: Site, who: str) -> int:
    """The demo's queue that asks for the presence code, opened by its leader with a fair start
    of ten minutes, and ``who`` joined in it with the code from its board; its id."""
    context = await site.context("leader", "light")
    page = await context.new_page()
    queue_path = await open_queue(page, WORKSPACE, FAIR_SUBJECT)
    await page.goto(f"{queue_path}/console")
    await connected(page)
    await page.get_by_role("button", name="Settings").click()
    await page.get_by_label("Fair start: seconds after opening whose joins are drawn").fill("600")
    await page.get_by_role("button", name="Save").click()
    await expect(page.get_by_text("Saved.")).to_be_visible()
    await page.get_by_role("button", name="Open").click()
    await expect(
        page.get_by_text(re.compile(r"^Fair start: the order is drawn at "))
    ).to_be_visible()
    await page.goto(f"{queue_path}/board")
    await connected(page)
    link = await page.get_by_role(
        "img", name="QR code of the link to join the queue"
    ).get_attribute("data-link")
    await context.close()
    assert link is not None
    context = await site.context(who, "light")
    page = await context.new_page()
    await page.goto(link)
    await connected(page)
    await page.get_by_role("button", name="Join the queue").click()
    # The page says it, and its status line says it to screen readers too.
    await expect(
        page.get_by_text(re.compile(r"^You are in; the order is drawn at ")).first
    ).to_be_visible()
    await context.close()
    return int(queue_path.rsplit("/", 1)[1])


async def _reset_token(site: Site, username: str) -> str:
    """A password reset link's secret, made as a site admin makes one (Users tab)."""
    context = await site.context("admin", "light")
    page = await context.new_page()
    await page.goto("/admin/users")
    await connected(page)
    await page.get_by_label("Search by username or name").fill(username)
    make_link = page.get_by_role("button", name="Password reset link…")
    await expect(make_link).to_have_count(1)  # the search has narrowed the list to them
    await make_link.click()
    address = await page.get_by_role("textbox", name="Link").input_value()
    await context.close()
    return address.rsplit("/", 1)[1]


@pytest.mark.parametrize("view", [pytest.param(view, id=view.name) for view in VIEWS])
async def test_no_serious_accessibility_problem_in_light_and_dark_on_phone_and_desktop(
    site: Site, view: View
) -> None:
    problems: list[str] = []
    # Loaded as on a dark system; the system then turns light and dark again under the open
    # page (Quasar, or the plain page's CSS, follows it live), which checks both themes without
    # loading the page twice.
    context = await site.context(view.who, "dark")
    try:
        page = await context.new_page()
        await page.goto(view.path.format(**site.ids))
        if not view.plain:
            await connected(page)
        for tab in (None, *view.tabs):
            if tab is not None:
                await page.get_by_role("tab", name=re.compile(re.escape(tab))).click()
            for theme in THEMES if tab is None else THEMES[::-1]:
                await page.emulate_media(color_scheme=theme)
                await _shows_theme(page, theme, plain=view.plain)
                problems += await _check(
                    page, f"{view.name} {theme}" + (f" ({tab})" if tab else "")
                )
    finally:
        await context.close()
    assert not problems, "\n\n".join(problems)


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def dark_by_choice(site: Site) -> str:
    """A student who turned dark mode on in the user menu (on a light system)."""
    who = "student3"
    context = await site.context(who, "light")
    try:
        page = await context.new_page()
        await page.goto("/")
        await connected(page)
        await page.get_by_role("button", name="Дмитрий Соколов").click()  # the user menu
        await page.get_by_text("Dark mode on/off").click()
        await expect(page.locator("body.body--dark")).to_have_count(1)
    finally:
        await context.close()
    return who


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/groups",
        "/workspaces/{workspace}",
    ],
)
async def test_a_person_who_chose_dark_mode_gets_readable_pages_on_a_light_system(
    site: Site, dark_by_choice: str, path: str
) -> None:
    context = await site.context(dark_by_choice, "light")
    try:
        page = await context.new_page()
        await page.goto(path.format(**site.ids))
        await connected(page)
        await expect(page.locator("body.body--dark")).to_have_count(1)
        problems = await _check(page, f"{path} dark by choice")
    finally:
        await context.close()
    assert not problems, "\n\n".join(problems)


async def _shows_theme(page: Page, theme: Theme, *, plain: bool) -> None:
    """Wait until the page shows ``theme``: Quasar marks the body of a NiceGUI page; a plain
    page has no such mark, and its background tells which of its style sheet's themes applies."""
    if plain:
        body = page.locator("body")
        await expect(body).to_have_css("background-color", PAGE_BACKGROUND[theme])
    else:
        await expect(page.locator("body.body--dark")).to_have_count(int(theme == "dark"))


async def _check(page: Page, what: str) -> list[str]:
    """The page's problems at each width (and a screenshot of each, to look at)."""
    problems = []
    for width in WIDTHS:
        await page.set_viewport_size({"width": width, "height": 800})
        await page.wait_for_function(SETTLED_JS)
        violations = await axe_violations(page)
        contrast = await contrast_failures(page)
        if violations or contrast or os.environ.get(SCREENSHOTS_SWITCH) == "1":
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            name = re.sub(r"[^\w-]+", "-", f"{what}-{width}").strip("-")
            await page.screenshot(path=SCREENSHOTS / f"{name}.png", full_page=True)
        if violations or contrast:
            problems.append(f"--- {what} at {width} px\n{describe(violations, contrast)}")
    return problems
