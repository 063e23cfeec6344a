"""A new student, start to finish: register, choose a group, be let in, join a queue."""

from __future__ import annotations

import re

import pytest
from playwright.async_api import Browser, Page, expect

from tests.e2e.conftest import connected, new_page, open_workspace, signed_in_page
from tests.e2e.server import AppServer

pytestmark = pytest.mark.e2e

GROUP = "КИ21-16/2Б"
WORKSPACE = "Осенний семестр 2026"
SUBJECT = "Алгоритмы и структуры данных"
TASK = "Лабораторная работа №3. Деревья поиска"
LIVE_REFRESH_MS = 5_000


async def test_a_new_student_registers_is_approved_and_joins_a_queue(
    browser: Browser, app_server: AppServer
) -> None:
    student = await new_page(browser, app_server)
    await _register(student, "e2e.newbie", "Евгений", "Тестов")
    await _choose_group(student, GROUP)

    workspace_card = student.locator(".q-card").filter(
        has=student.get_by_text(WORKSPACE, exact=True)
    )
    await workspace_card.get_by_role("button", name="Ask to join").click()
    await expect(workspace_card.get_by_text("waiting for approval")).to_be_visible()
    await connected(student)  # the page then hears of the approval

    leader = await signed_in_page(browser, app_server, "leader")
    await open_workspace(leader, WORKSPACE)
    request = (
        leader.locator(".nicegui-row")
        .filter(has=leader.get_by_text("Евгений Тестов", exact=True))
        .filter(has=leader.get_by_role("button", name="Approve"))
    )
    await request.get_by_role("button", name="Approve").click()
    await expect(request).to_have_count(0)

    # The start page follows the approval by itself: no reload.
    open_button = workspace_card.get_by_role("button", name="Open")
    await expect(open_button).to_be_visible(timeout=LIVE_REFRESH_MS)
    await open_button.click()
    await student.wait_for_url(re.compile(r"/workspaces/\d+$"))
    await student.get_by_role("link", name=SUBJECT, exact=True).click()
    await student.wait_for_url(re.compile(r"/subjects/\d+$"))
    await expect(student.get_by_text(SUBJECT, exact=True)).to_be_visible()

    size = student.get_by_text(re.compile(r"^\d+ in the queue$"))
    waiting = int((await size.inner_text()).split()[0])
    await student.get_by_label("Task you hand in").click()
    await student.get_by_role("option", name=TASK, exact=True).click()
    await expect(student.get_by_label("Task you hand in")).to_have_value(TASK)
    await student.get_by_role("button", name="Join the queue").click()

    await expect(student.get_by_text("Your position")).to_be_visible()
    position = student.locator(".nicegui-row").filter(has_text="Your position")
    await expect(position).to_have_text(re.compile(rf"Your position\s*{waiting + 1}$"))
    # The demo's queue has a student at the desk and a frozen one: neither is ahead of anyone.
    await expect(student.get_by_text(f"People ahead of you: {waiting - 2}")).to_be_visible()
    await expect(size).to_have_text(f"{waiting + 1} in the queue")
    my_entry = student.locator(".eq-entry").filter(
        has=student.get_by_text("Евгений Тестов", exact=True)
    )
    await expect(my_entry).to_contain_text(TASK)


async def _register(page: Page, username: str, first: str, last: str) -> None:
    await page.goto("/register")
    await page.get_by_label("Username").fill(username)
    await page.get_by_label("First name").fill(first)
    await page.get_by_label("Last name").fill(last)
    await page.get_by_label("Password", exact=True).fill("e2e-password-1")
    await page.get_by_label("Repeat the password").fill("e2e-password-1")
    await page.get_by_role("button", name="Register").click()
    await expect(page.get_by_text(f"Signed in as {first} {last}")).to_be_visible()
    await expect(page.get_by_text("No group chosen")).to_be_visible()


async def _choose_group(page: Page, name: str) -> None:
    await page.get_by_role("button", name="Choose your group").click()
    await page.wait_for_url(re.compile(r"/groups$"))
    await page.get_by_label("Group").fill(name)
    # The search replaces the list; wait for the narrowed one before picking from it.
    await expect(page.get_by_role("button", name="КИ21-16/1Б")).to_have_count(0)
    await page.get_by_role("button", name=name, exact=True).click()
    await page.wait_for_url(re.compile(r"/$"))
    await expect(page.get_by_text(f"Group: {name}")).to_be_visible()
