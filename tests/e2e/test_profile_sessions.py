"""Signing out another of one's sessions from the profile (issue 20, point 4), in real
Chromium: that browser's open page goes to the sign-in page at once, this one stays."""

from __future__ import annotations

import re

import pytest
from playwright.async_api import Browser, expect

from tests.e2e.conftest import connected, signed_in_page
from tests.e2e.server import AppServer

pytestmark = pytest.mark.e2e


async def test_signing_out_another_session_ends_its_open_page_and_keeps_this_one(
    browser: Browser, app_server: AppServer
) -> None:
    phone = await signed_in_page(browser, app_server, "student2")
    await connected(phone)  # its start page is open and live
    laptop = await signed_in_page(browser, app_server, "student2")
    await laptop.goto("/profile")
    await connected(laptop)
    await expect(laptop.get_by_text("this device", exact=True)).to_have_count(1)
    await expect(laptop.get_by_role("button", name="Sign out", exact=True)).to_have_count(1)

    await laptop.get_by_role("button", name="Sign out", exact=True).click()

    await expect(phone).to_have_url(re.compile(r"/login"))
    await expect(laptop.get_by_role("button", name="Sign out", exact=True)).to_have_count(0)
    # This page was not sent away: reloaded, it is still the profile of a signed-in person.
    assert laptop.url.endswith("/profile")
    await laptop.reload()
    await connected(laptop)
    await expect(laptop.get_by_text("this device", exact=True)).to_have_count(1)
