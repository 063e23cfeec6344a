"""The queue and subject pages in Chromium, light and dark, phone and desktop (issue 14, points
1, 10, 12): the list and the task picker readable (text at least 4.5:1 against what it is drawn
on), the reader's own row too, the join action in view on a phone without scrolling, names
wrapped rather than cut, no axe-core violations; screenshots in build/screenshots/."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from playwright.async_api import Browser, BrowserContext, Page, expect

from tests.e2e.a11y import axe_violations, contrast_failures, describe
from tests.e2e.conftest import ACTION_TIMEOUT_MS, connected, open_queue, settled, sign_in
from tests.e2e.server import AppServer

pytestmark = pytest.mark.e2e

SCREENSHOTS = Path(__file__).resolve().parents[2] / "build" / "screenshots"
WORKSPACE = "Осенний семестр 2026"
SUBJECT = "Алгоритмы и структуры данных"
WIDTHS = (360, 1280)
THEMES = ("light", "dark")
MINIMUM = 4.5

# Every text inside `root` with its colour and the background it is drawn on: the first opaque
# background up the tree, translucent ones composited over it (WCAG relative luminance).
SCOPED_CONTRAST_JS = r"""
(root) => {
    const parse = (text) => {
        const m = text.match(/rgba?\(([^)]+)\)/);
        if (!m) return null;
        const p = m[1].split(/[\s,\/]+/).filter(Boolean).map(Number);
        return {r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1};
    };
    const over = (t, b) => ({
        r: t.r * t.a + b.r * (1 - t.a), g: t.g * t.a + b.g * (1 - t.a),
        b: t.b * t.a + b.b * (1 - t.a), a: 1,
    });
    const lum = ({r, g, b}) => {
        const c = (v) => {
            v /= 255;
            return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
        };
        return 0.2126 * c(r) + 0.7152 * c(g) + 0.0722 * c(b);
    };
    const backgroundOf = (el) => {
        const layers = [];
        for (let e = el; e; e = e.parentElement) {
            const colour = parse(getComputedStyle(e).backgroundColor);
            if (colour && colour.a > 0) { layers.push(colour); if (colour.a >= 1) break; }
        }
        let result = {r: 255, g: 255, b: 255, a: 1};
        for (let i = layers.length - 1; i >= 0; i--) result = over(layers[i], result);
        return result;
    };
    const found = [];
    for (const scope of document.querySelectorAll(root)) {
        const walker = document.createTreeWalker(scope, NodeFilter.SHOW_TEXT);
        for (let node = walker.nextNode(); node; node = walker.nextNode()) {
            const el = node.parentElement;
            const text = node.textContent.trim();
            if (!text || el.closest('.q-icon, .material-icons, [aria-hidden="true"]')) continue;
            if (!el.checkVisibility({opacityProperty: true, visibilityProperty: true})) continue;
            const background = backgroundOf(el);
            const drawn = over(parse(getComputedStyle(el).color), background);
            const [hi, lo] = [lum(drawn), lum(background)].sort((a, b) => b - a);
            found.push({text: text.slice(0, 40), ratio: (hi + 0.05) / (lo + 0.05)});
        }
    }
    return found;
}
"""


async def reader(browser: Browser, server: AppServer, username: str, theme: str) -> Page:
    context: BrowserContext = await browser.new_context(
        base_url=server.url,
        viewport={"width": 1280, "height": 800},
        locale="en-US",
        color_scheme=theme,  # type: ignore[arg-type]
    )
    context.set_default_timeout(ACTION_TIMEOUT_MS)
    page = await context.new_page()
    await sign_in(page, username)
    return page


async def texts_and_ratios(page: Page, root: str) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = await page.evaluate(SCOPED_CONTRAST_JS, root)
    return found


async def at_width(page: Page, width: int) -> None:
    await page.set_viewport_size({"width": width, "height": 800})
    await page.evaluate("window.scrollTo(0, 0)")
    await settled(page)  # Quasar's layout after the resize


async def shoot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=SCREENSHOTS / f"{name}.png", full_page=True)


@pytest.mark.parametrize("theme", THEMES)
async def test_the_queue_list_and_the_task_picker_are_readable_in_both_themes(
    browser: Browser, app_server: AppServer, theme: str
) -> None:
    standing = await reader(browser, app_server, "student2", theme)  # in the queue
    await open_queue(standing, WORKSPACE, SUBJECT)
    joining = await reader(browser, app_server, "student8", theme)  # not in it: the picker
    await joining.goto("/" + standing.url.split("/", 3)[3])
    for page in (standing, joining):
        await connected(page)
        assert (await page.evaluate("Quasar.Dark.isActive")) is (theme == "dark")
    await expect(joining.locator(".eq-join").get_by_role("combobox")).to_be_visible()
    for width in WIDTHS:
        for name, page in (("queue", standing), ("queue-joining", joining)):
            await at_width(page, width)
            found = await texts_and_ratios(page, ".eq-queue")
            shown = {item["text"] for item in found}
            assert "Мария Кузнецова" in shown and re.compile(r"\d+ in the queue").search(
                " ".join(shown)
            ), shown
            low = [item for item in found if item["ratio"] < MINIMUM]
            assert not low, f"{name} at {width} px, {theme}: {low}"
            await shoot(page, f"student-{name}-{theme}-{width}")
    # The chosen task is among what was checked, and the reader's own row is marked readably.
    picked = await joining.locator(".eq-join").inner_text()
    assert "Task you hand in" in picked
    mine = standing.locator(".eq-mine")
    await expect(mine).to_contain_text("Мария Кузнецова")
    colours = await mine.evaluate(
        "e => [getComputedStyle(e).backgroundColor, getComputedStyle(e).color]"
    )
    page_background = await standing.evaluate("getComputedStyle(document.body).backgroundColor")
    assert colours[0] not in ("rgba(0, 0, 0, 0)", page_background), colours


@pytest.mark.parametrize("theme", THEMES)
async def test_on_a_phone_the_subject_page_offers_to_join_without_scrolling(
    browser: Browser, app_server: AppServer, theme: str
) -> None:
    page = await reader(browser, app_server, "student8", theme)
    await open_queue(page, WORKSPACE, SUBJECT)
    await page.get_by_role("link", name=SUBJECT, exact=True).click()
    await page.wait_for_url(re.compile(r"/subjects/\d+$"))
    await connected(page)
    await at_width(page, 360)
    join = page.get_by_role("button", name="Join the queue")
    await expect(join).to_be_in_viewport(ratio=1)
    await expect(page.locator(".eq-join").get_by_role("combobox")).to_be_in_viewport(ratio=1)
    low = [i for i in await texts_and_ratios(page, ".eq-join") if i["ratio"] < MINIMUM]
    assert not low, low
    await shoot(page, f"student-subject-joining-{theme}-360")
    # Nothing is left hidden under the bar: the end of the page scrolls clear of it.
    await page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    last = page.locator(".eq-entry").last
    bar = await page.locator(".eq-join").bounding_box()
    row = await last.bounding_box()
    assert bar is not None and row is not None
    assert row["y"] + row["height"] <= bar["y"], (row, bar)
    await join.click()
    await expect(page.get_by_text("Your position", exact=True)).to_be_visible()
    await expect(join).to_have_count(0)
    await at_width(page, 1280)
    await shoot(page, f"student-subject-standing-{theme}-1280")


async def test_long_names_wrap_instead_of_being_cut(
    browser: Browser, app_server: AppServer
) -> None:
    page = await reader(browser, app_server, "student2", "light")
    await open_queue(page, WORKSPACE, SUBJECT)
    await at_width(page, 360)
    cut = await page.evaluate(
        """() => [...document.querySelectorAll('.eq-entry span')]
            .filter(e => e.scrollWidth > e.clientWidth + 1
                || getComputedStyle(e).textOverflow === 'ellipsis')
            .map(e => e.textContent.trim())"""
    )
    assert cut == []
    assert await page.get_by_text(re.compile(r"^v\d+$")).count() == 0  # no version counter


@pytest.mark.parametrize("theme", THEMES)
async def test_axe_finds_nothing_serious_on_the_queue_and_subject_pages(
    browser: Browser, app_server: AppServer, theme: str
) -> None:
    page = await reader(browser, app_server, "student2", theme)
    await open_queue(page, WORKSPACE, SUBJECT)
    reports = []
    for where in ("queue", "subject"):
        if where == "subject":
            await page.get_by_role("link", name=SUBJECT, exact=True).click()
            await page.wait_for_url(re.compile(r"/subjects/\d+$"))
        await connected(page)
        await expect(page.get_by_text("Your position", exact=True)).to_be_visible()
        for width in WIDTHS:
            await at_width(page, width)
            report = describe(await axe_violations(page), await contrast_failures(page))
            if report:
                reports.append(f"{where} at {width} px, {theme}:\n{report}")
            await shoot(page, f"student-{where}-a11y-{theme}-{width}")
    assert not reports, "\n".join(reports)
