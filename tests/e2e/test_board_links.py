"""The board's two doors: a teacher's own (`/queues/{id}/board`) and a secret display link for
the projector, which stops showing the queue as soon as the teacher revokes it."""

from __future__ import annotations

import asyncio

import pytest
from playwright.async_api import Browser, Page, expect

from tests.e2e.conftest import (
    board_serving,
    connected,
    make_display_link,
    new_page,
    open_console,
    signed_in_page,
)
from tests.e2e.server import AppServer

pytestmark = pytest.mark.e2e

SUBJECT = "Алгоритмы и структуры данных"
DEMO_CALLED_SHORT = "Алексей И."  # student1, at the desk in the demo (equeue_ui/demo.py)
LABEL = "Room 4-12"
REVOKED_MS = 5_000


async def test_a_revoked_display_link_stops_the_board_and_only_operators_open_their_board(
    browser: Browser, app_server: AppServer
) -> None:
    teacher, student = await asyncio.gather(
        signed_in_page(browser, app_server, "teacher"),
        signed_in_page(browser, app_server, "student2"),
    )
    queue_id = await open_console(teacher, SUBJECT)
    link = await make_display_link(teacher, LABEL)

    projector = await new_page(browser, app_server)
    await projector.goto(link)
    await connected(projector)
    await expect(board_serving(projector, DEMO_CALLED_SHORT)).to_be_visible()

    # The operator's own board shows the same, signed in; a student is refused.
    operator_board = await teacher.context.new_page()
    await operator_board.goto(f"/queues/{queue_id}/board")
    await expect(board_serving(operator_board, DEMO_CALLED_SHORT)).to_be_visible()
    await student.goto(f"/queues/{queue_id}/board")
    await _expect_refused(student)

    # Revoked: the projector stops by itself (no reload from the test), the link stays dead.
    row = teacher.locator(".nicegui-row").filter(has=teacher.get_by_text(LABEL, exact=True))
    await row.get_by_role("button", name="Revoke").click()
    await expect(row).to_have_count(0)
    await _expect_refused(projector, timeout=REVOKED_MS)
    await expect(projector.get_by_text("revoked")).to_be_visible()
    await expect(board_serving(operator_board, DEMO_CALLED_SHORT)).to_be_visible()  # unaffected
    fresh = await new_page(browser, app_server)
    await fresh.goto(link)
    await _expect_refused(fresh)


async def _expect_refused(page: Page, *, timeout: float | None = None) -> None:
    """A refusal in place of the board: its reason and a way back, no queue."""
    await expect(page.get_by_role("link", name="Back to the start page")).to_be_visible(
        timeout=timeout
    )
    await expect(page.get_by_text("Now at the desk")).to_have_count(0)
