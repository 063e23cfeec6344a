"""An admin approves a join request on the workspace page."""

from __future__ import annotations

import pytest
from playwright.async_api import Browser, expect

from tests.e2e.conftest import open_workspace, signed_in_page
from tests.e2e.server import AppServer

pytestmark = pytest.mark.e2e

WORKSPACE = "Осенний семестр 2026"
APPLICANT = "Георгий Орлов"  # the demo's pending request (equeue_ui/demo.py)


async def test_approving_a_request_moves_the_person_to_the_members_once(
    browser: Browser, app_server: AppServer
) -> None:
    leader = await signed_in_page(browser, app_server, "leader")
    await open_workspace(leader, WORKSPACE)
    await expect(leader.get_by_text("Join requests (1)", exact=True)).to_have_count(1)
    await expect(leader.get_by_text("Members (11)", exact=True)).to_have_count(1)

    request = (
        leader.locator(".nicegui-row")
        .filter(has=leader.get_by_text(APPLICANT, exact=True))
        .filter(has=leader.get_by_role("button", name="Approve"))
    )
    await request.get_by_role("button", name="Approve").click()

    await expect(request).to_have_count(0)
    # Each part drawn again once: a doubled redraw would leave two of it.
    for text in ("Join requests (0)", "No requests waiting.", "Members (12)", "Leaderboard"):
        await expect(leader.get_by_text(text, exact=True)).to_have_count(1)
