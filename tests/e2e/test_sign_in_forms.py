"""Sign-in and registration are real forms that password managers understand (issue 14,
point 11), and the lost-connection notice speaks the reader's language without covering the
page on a phone (issue 14, point 6)."""

from __future__ import annotations

import asyncio

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


async def test_sign_in_is_a_form_with_autocomplete_that_enter_submits_without_a_reload(
    browser: Browser, app_server: AppServer
) -> None:
    page = await new_page(browser, app_server)
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    await page.goto("/login")
    await connected(page)

    form = page.locator("form").filter(has=page.get_by_label("Username"))
    await expect(form.locator("input[autocomplete=username]")).to_have_count(1)
    await expect(form.locator("input[autocomplete=current-password]")).to_have_count(1)
    await expect(form.locator("button[type=submit]")).to_have_text("Sign in")

    await page.get_by_label("Username").fill("student2")
    await page.get_by_label("Password", exact=True).fill(DEMO_PASSWORD)
    await page.get_by_label("Password", exact=True).press("Enter")
    await expect(page.get_by_text("Signed in as")).to_be_visible()
    # The browser's own submission was prevented: the password never travelled in an address.
    assert not [url for url in requested if DEMO_PASSWORD in url]


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
