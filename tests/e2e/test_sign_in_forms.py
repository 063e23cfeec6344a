"""Sign-in and registration are real forms that password managers understand (issue 14,
point 11), and the lost-connection notice speaks the reader's language without covering the
page on a phone (issue 14, point 6)."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from playwright.async_api import Browser, expect

from tests.e2e.conftest import (
    DEMO_PASSWORD,
    DISCONNECTED_JS,
    connected,
    new_page,
    open_queue,
    sign_in,
)
from tests.e2e.server import AppServer

pytestmark = pytest.mark.e2e

WORKSPACE = "Осенний семестр 2026"
SUBJECT = "Алгоритмы и структуры данных"
LANGUAGE_COOKIE = "equeue_language"  # equeue_ui/browser_guard.py
DOWN_MS = 20_000


async def test_sign_in_is_a_form_with_autocomplete_that_enter_submits(
    browser: Browser, app_server: AppServer
) -> None:
    page = await new_page(browser, app_server)
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    await page.goto("/login")

    form = page.locator("form").filter(has=page.get_by_label("Username"))
    await expect(form.locator("input[autocomplete=username]")).to_have_count(1)
    await expect(form.locator("input[autocomplete=current-password]")).to_have_count(1)
    await expect(form.locator("button[type=submit]")).to_have_text("Sign in")

    await page.get_by_label("Username").fill("student2")
    await page.get_by_label("Password", exact=True).fill(DEMO_PASSWORD)
    await page.get_by_label("Password", exact=True).press("Enter")
    await expect(page.get_by_text("Signed in as")).to_be_visible()
    # Posted in the request's body: the password never travelled in an address.
    assert not [url for url in requested if DEMO_PASSWORD in url]


async def test_the_sign_in_page_works_without_its_script_and_says_what_went_wrong(
    browser: Browser, app_server: AppServer
) -> None:
    """A phone on a weak signal may not have the page's script yet: the form is a plain one."""
    context = await browser.new_context(
        base_url=app_server.url, java_script_enabled=False, locale="en-US"
    )
    page = await context.new_page()
    await page.goto("/login?next=/profile")
    await page.get_by_label("Username").fill("student2")
    await page.get_by_label("Password", exact=True).fill("not-the-password")
    await page.get_by_role("button", name="Sign in").click()

    await expect(page.get_by_role("alert")).to_have_text("Wrong username or password.")
    await expect(page.get_by_label("Username")).to_have_value("student2")
    await expect(page.get_by_label("Password", exact=True)).to_have_value("")
    await page.get_by_label("Password", exact=True).fill(DEMO_PASSWORD)
    await page.get_by_role("button", name="Sign in").click()
    await page.wait_for_url("**/profile")
    await context.close()


async def test_the_eye_button_shows_the_password_being_typed(
    browser: Browser, app_server: AppServer
) -> None:
    page = await new_page(browser, app_server, viewport={"width": 360, "height": 740})
    await page.goto("/login")
    field = page.get_by_label("Password", exact=True)
    await field.fill("secret words")
    eye = page.get_by_role("button", name="Show the password")
    await expect(field).to_have_attribute("type", "password")
    await eye.click()
    await expect(field).to_have_attribute("type", "text")
    await expect(eye).to_have_attribute("aria-pressed", "true")
    await eye.click()
    await expect(field).to_have_attribute("type", "password")


async def test_registration_is_a_form_asking_for_a_new_password_twice(
    browser: Browser, app_server: AppServer
) -> None:
    page = await new_page(browser, app_server)
    await page.goto("/register")
    await connected(page)
    form = page.locator("form").filter(has=page.get_by_label("Repeat the password"))
    await expect(form.locator("input[autocomplete=username]")).to_have_count(1)
    await expect(form.locator("input[autocomplete=new-password]")).to_have_count(2)
    await expect(form.locator("button[type=submit]")).to_have_text("Register")


async def test_a_lost_connection_is_told_in_russian_in_a_thin_bar_that_hides_no_button(
    browser: Browser, app_server: AppServer
) -> None:
    page = await new_page(browser, app_server, viewport={"width": 360, "height": 740})
    await sign_in(page, "student2")
    path = await open_queue(page, WORKSPACE, SUBJECT)
    await page.context.add_cookies(
        [{"name": LANGUAGE_COOKIE, "value": "ru", "url": app_server.url}]
    )
    await page.goto(path)
    await connected(page)
    await expect(page.locator("html")).to_have_attribute("lang", "ru")
    await expect(page.get_by_text("Ваше место")).to_be_visible()  # "Your position"

    await asyncio.to_thread(app_server.stop)
    await page.wait_for_function(DISCONNECTED_JS, timeout=DOWN_MS)
    notice = page.locator("#popup")
    await expect(notice).to_be_visible()
    await expect(notice).to_contain_text("Соединение потеряно")
    box = await notice.bounding_box()
    assert box is not None
    assert box["height"] <= 40, f"the notice is {box['height']} px high"

    # Clicks go through it, and scrolled to the end no button of the page is under it.
    await expect(notice).to_have_css("pointer-events", "none")
    await page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")
    covered = await page.evaluate(
        """() => {
            const bar = document.getElementById('popup').getBoundingClientRect();
            return [...document.querySelectorAll('.q-page button')]
                .filter(button => {
                    const r = button.getBoundingClientRect();
                    return r.width && r.top < innerHeight && r.bottom > bar.top;
                })
                .map(button => button.innerText);
        }"""
    )
    assert covered == []


async def test_the_page_after_signing_in_finds_the_framework_fetched_ahead_in_the_cache(
    browser: Browser, app_server: AppServer
) -> None:
    """While the reader types, the sign-in page fetches what a NiceGUI page loads first
    (components/framework_prefetch.py): the start page then takes none of it from the network."""
    page = await new_page(browser, app_server)
    await page.goto("/login")
    ahead = await page.locator("link[rel=prefetch]").evaluate_all("links => links.map(l => l.href)")
    assert ahead
    await page.wait_for_function(
        "ahead => ahead.every(url => performance.getEntriesByName(url).length > 0)", arg=ahead
    )

    devtools = await page.context.new_cdp_session(page)
    await devtools.send("Network.enable")
    from_network: list[str] = []

    def note(event: dict[str, Any]) -> None:
        response = event["response"]
        cached = response.get("fromDiskCache") or response.get("fromPrefetchCache")
        if not cached and ("/static/" in response["url"] or "/assets/" in response["url"]):
            from_network.append(response["url"])

    devtools.on("Network.responseReceived", note)
    await page.get_by_label("Username").fill("student2")
    await page.get_by_label("Password", exact=True).fill(DEMO_PASSWORD)
    await page.get_by_role("button", name="Sign in").click()
    await expect(page.get_by_text("Signed in as")).to_be_visible()
    await connected(page)
    assert from_network == []
    # What the start page asked for of NiceGUI's static files and ours was all fetched ahead.
    asked = await page.evaluate(
        "performance.getEntriesByType('resource').map(e => e.name)"
        ".filter(u => u.includes('/static/') || u.includes('/assets/'))"
    )
    assert set(asked) <= set(ahead), set(asked) - set(ahead)
