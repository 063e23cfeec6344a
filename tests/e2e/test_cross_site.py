"""In Chromium: another site's page can neither sign a visitor into someone else's account nor
log them out or switch their language; the user menu's own forms still do (issue 13)."""

from __future__ import annotations

import re

from playwright.async_api import Browser, Page, Route, expect

from tests.e2e.conftest import DEMO_PASSWORD, connected, new_page, sign_in
from tests.e2e.server import AppServer

# Another site: Chromium gets its pages from the test (page.route), not from a network.
EVIL = "http://evil.example"
ATTACKER_PASSWORD = "Mallory-2026-password"


async def evil_page(page: Page, html: str) -> None:
    """Open a page of another site in ``page`` that shows ``html``."""

    async def serve(route: Route) -> None:
        await route.fulfill(status=200, content_type="text/html", body=html)

    await page.route(f"{EVIL}/**", serve)
    await page.goto(f"{EVIL}/trap")


async def attackers_ticket_link(browser: Browser, server: AppServer) -> str:
    """The attacker registers an account of their own and keeps the completion link unopened.

    Registration is the page that sends its browser to ``/auth/complete`` with a ticket; the
    sign-in page's form is answered with the session cookie itself, so it hands out no link."""
    attacker = await new_page(browser, server, service_workers="block")
    await attacker.route("**/auth/complete?*", lambda route: route.abort())
    await attacker.goto("/register")
    await connected(attacker)
    await attacker.get_by_label("Username").fill("mallory")
    await attacker.get_by_label("Password", exact=True).fill(ATTACKER_PASSWORD)
    await attacker.get_by_label("Repeat the password").fill(ATTACKER_PASSWORD)
    async with attacker.expect_request("**/auth/complete?*") as completion:
        await attacker.get_by_role("button", name="Register").click()
    link = (await completion.value).url
    await attacker.context.close()
    return link


async def test_another_sites_link_to_an_attackers_ticket_signs_the_victim_in_to_nothing(
    browser: Browser, app_server: AppServer
) -> None:
    link = await attackers_ticket_link(browser, app_server)
    victim = await new_page(browser, app_server)
    await victim.goto("/login")  # has been here before: has its own sign-in cookie

    await evil_page(victim, f'<a id="go" href="{link}">Free lab answers</a>')
    await victim.click("#go")

    await victim.wait_for_url(re.compile(r"/login\?notice=other-browser$"))
    await expect(victim.get_by_text("started in another browser")).to_be_visible()
    cookies = {c["name"]: c for c in await victim.context.cookies()}
    assert "equeue_session" not in cookies
    assert cookies["equeue_sign_in"]["sameSite"] == "Strict"
    assert cookies["equeue_sign_in"]["httpOnly"]


async def test_another_sites_forms_neither_sign_in_nor_log_out_nor_switch_the_language(
    browser: Browser, app_server: AppServer
) -> None:
    victim = await new_page(browser, app_server)
    await sign_in(victim, "student5")
    for action, fields in (
        ("/auth/logout", '<input name="everywhere" value="1">'),
        ("/auth/language", '<input name="lang" value="ru"><input name="next" value="/">'),
        # The sign-in page's own form, filled with the attacker's account (login CSRF).
        (
            "/auth/sign-in",
            '<input name="method" value="password"><input name="username" value="applicant">'
            f'<input name="password" value="{DEMO_PASSWORD}"><input name="next" value="/">',
        ),
    ):
        await evil_page(
            victim,
            f'<form id="f" method="post" action="{app_server.url}{action}">{fields}</form>'
            '<script>document.getElementById("f").submit()</script>',
        )
        await expect(victim.get_by_text("another website")).to_be_visible()

    await victim.goto("/")
    await expect(victim.get_by_text("Signed in as Никита Лебедев")).to_be_visible()


async def test_the_user_menus_own_forms_switch_the_language_and_log_out(
    browser: Browser, app_server: AppServer
) -> None:
    page = await new_page(browser, app_server)
    await sign_in(page, "student5")
    await connected(page)

    await page.get_by_role("button", name="Никита Лебедев").click()
    await page.get_by_role("menuitem", name="Русский").click()
    await expect(page.get_by_text("Вы вошли как Никита Лебедев")).to_be_visible()

    await connected(page)
    await page.get_by_role("button", name="Никита Лебедев").click()
    await page.get_by_role("menuitem", name="Выйти на всех устройствах").click()
    await page.wait_for_url(re.compile(r"/login$"))
    await page.goto("/")
    await expect(page.get_by_role("button", name="Вход", exact=True)).to_be_visible()
