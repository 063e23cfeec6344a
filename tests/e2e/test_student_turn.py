"""The student's side of a classroom day in Chromium (issue 14, points 2–5): a call missed while
offline is raised again until answered, on every device; the teacher's decision takes the alert
down and says what happened; the heads-up never covers the call; Leave can be taken back."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.async_api import Browser, BrowserContext, Locator, Page, expect

from tests.e2e.conftest import (
    ACTION_TIMEOUT_MS,
    DISCONNECTED_JS,
    connected,
    open_console,
    open_queue,
    open_workspace,
    sign_in,
)
from tests.e2e.server import AppServer

pytestmark = pytest.mark.e2e

WORKSPACE = "Осенний семестр 2026"
SUBJECT = "Алгоритмы и структуры данных"
PHONE = {"width": 360, "height": 800}
DESKTOP = {"width": 1280, "height": 800}
# Longer than the app's reconnect_timeout (10 s): the server forgets the page meanwhile, so the
# phone comes back to a reloaded page, as after a real dead spot.
OFFLINE_MS = 20_000
SCREENSHOTS = Path(__file__).resolve().parents[2] / "build" / "screenshots"
YOUR_TURN = re.compile(rf"It is your turn! Go to the teacher: {SUBJECT}")


async def device(
    browser: Browser, server: AppServer, username: str, viewport: dict, *, theme: str = "light"
) -> Page:
    """A signed-in browser of its own (one of the student's devices)."""
    context: BrowserContext = await browser.new_context(
        base_url=server.url,
        viewport=viewport,  # type: ignore[arg-type]
        locale="en-US",
        color_scheme=theme,  # type: ignore[arg-type]
    )
    context.set_default_timeout(ACTION_TIMEOUT_MS)
    page = await context.new_page()
    await sign_in(page, username)
    return page


def banner(page: Page) -> Locator:
    return page.get_by_role("alert").filter(has_text=YOUR_TURN)


async def expect_called(page: Page) -> None:
    """The whole alert is up: the banner with its answer button, and the 🔔 title."""
    await expect(banner(page)).to_be_visible()
    await expect(banner(page).get_by_role("button", name="OK, I'm going")).to_be_visible()
    await expect(page).to_have_title(re.compile(r"^🔔 It is your turn!"))


async def expect_quiet(page: Page) -> None:
    await expect(banner(page)).to_have_count(0)
    await expect(page).not_to_have_title(re.compile("🔔"))


async def shoot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=SCREENSHOTS / f"{name}.png")


async def console_key(console: Page, key: str) -> None:
    await console.locator("body").press(key)


async def test_a_call_missed_offline_is_raised_on_every_device_until_answered_on_one(
    browser: Browser, app_server: AppServer
) -> None:
    teacher = await device(browser, app_server, "teacher", DESKTOP)
    await open_console(teacher, SUBJECT)
    phone = await device(browser, app_server, "student2", PHONE)
    await open_queue(phone, WORKSPACE, SUBJECT)
    laptop = await device(browser, app_server, "student2", DESKTOP)
    await open_workspace(laptop, WORKSPACE)
    await connected(phone)
    await connected(laptop)
    await expect_quiet(phone)

    await phone.context.set_offline(True)
    await phone.wait_for_function(DISCONNECTED_JS)
    await teacher.get_by_role("button", name="Call next (N)").click()
    await expect_called(laptop)  # online: at once
    await phone.wait_for_timeout(OFFLINE_MS)
    await phone.context.set_offline(False)
    await connected(phone, timeout=OFFLINE_MS)
    await expect_called(phone)  # back: the full alert again, though the call is 20 s old
    await shoot(phone, "student-called-after-offline-360")

    await laptop.reload()  # every page load raises it again while unanswered
    await expect_called(laptop)

    await laptop.get_by_role("button", name="OK, I'm going").click()
    await expect_quiet(laptop)
    await expect_quiet(phone)  # answered on one device: quiet on the other at once
    await expect(phone.get_by_text("It is your turn! Go to the teacher.")).to_be_visible()
    await phone.reload()
    await connected(phone)
    await expect_quiet(phone)


async def test_each_teacher_decision_says_what_happened_and_takes_the_alert_down(
    browser: Browser, app_server: AppServer
) -> None:
    teacher = await device(browser, app_server, "teacher", DESKTOP)
    await open_console(teacher, SUBJECT)
    await console_key(teacher, "a")  # the demo's student1 leaves the desk first
    await expect(teacher.get_by_text("Алексей Иванов")).to_have_count(0)
    # In the demo's order (student3 froze their place, so call next skips them).
    students = {
        "student2": ("a", "Your work was accepted: "),
        "student4": ("r", "The teacher returned your work for fixing."),
        "student5": ("s", "You were not there: the teacher moved you to the end of the queue."),
    }
    pages = {}
    for username in students:
        pages[username] = await device(browser, app_server, username, PHONE)
        await open_queue(pages[username], WORKSPACE, SUBJECT)
        await connected(pages[username])
    for username, (key, words) in students.items():
        page = pages[username]
        await console_key(teacher, "n")
        await expect_called(page)
        await console_key(teacher, key)
        await expect_quiet(page)
        told = page.get_by_role("status").filter(has_text=words)
        await expect(told).to_be_visible()
        await expect(told).to_be_in_viewport()
        await shoot(page, f"student-told-{username}-360")
    # The accepted task is named.
    await expect(
        pages["student2"].get_by_role("status").filter(has_text=re.compile(r"accepted: \S"))
    ).to_be_visible()
    # And a removal (through the console's confirmation).
    removed = await device(browser, app_server, "student6", PHONE)
    await open_queue(removed, WORKSPACE, SUBJECT)
    await connected(removed)
    await console_key(teacher, "n")
    await expect_called(removed)
    desk = teacher.locator("[marker~=desk-card], .q-card").filter(has_text="Ольга Козлова")
    await desk.first.get_by_role("button", name=re.compile("Remove")).click()
    dialog = teacher.get_by_role("dialog")
    await dialog.get_by_role("button", name="Remove").click()
    await expect_quiet(removed)
    await expect(
        removed.get_by_role("status").filter(has_text="The teacher took you out of the queue.")
    ).to_be_visible()
    await expect(removed.get_by_role("button", name="Join the queue")).to_be_visible()


@pytest.mark.parametrize(
    ("viewport", "theme"), [(PHONE, "dark"), (DESKTOP, "light")], ids=["phone-dark", "desktop"]
)
async def test_the_heads_up_closes_when_the_call_comes_and_never_covers_the_banner(
    browser: Browser, app_server: AppServer, viewport: dict, theme: str
) -> None:
    teacher = await device(browser, app_server, "teacher", DESKTOP)
    await open_console(teacher, SUBJECT)
    # student2 is next in the demo
    student = await device(browser, app_server, "student2", viewport, theme=theme)
    name = f"{theme}-{viewport['width']}"
    await open_queue(student, WORKSPACE, SUBJECT)
    await connected(student)
    heads_up = student.get_by_role("status").filter(has_text="You are next. Get ready")
    await expect(heads_up).to_be_visible()
    await shoot(student, f"student-heads-up-{name}")

    await teacher.get_by_role("button", name="Call next (N)").click()
    await expect_called(student)
    await expect(heads_up).to_be_hidden()
    await shoot(student, f"student-called-{name}")
    # Whatever is drawn over the banner's area is the banner itself.
    box = await banner(student).bounding_box()
    assert box is not None
    for x, y in (
        (box["x"] + 4, box["y"] + 4),
        (box["x"] + box["width"] / 2, box["y"] + box["height"] / 2),
        (box["x"] + box["width"] - 4, box["y"] + box["height"] - 4),
    ):
        inside = await student.evaluate(
            "([x, y]) => !!document.elementFromPoint(x, y)?.closest('[role=alert]')", [x, y]
        )
        assert inside, f"something covers the banner at ({x:.0f}, {y:.0f})"


async def test_leave_then_undo_puts_the_place_back_where_it_was(
    browser: Browser, app_server: AppServer
) -> None:
    student = await device(browser, app_server, "student5", PHONE)
    newcomer = await device(browser, app_server, "student9", DESKTOP)
    path = await open_queue(student, WORKSPACE, SUBJECT)
    await newcomer.goto(path)
    await connected(newcomer)
    await expect(student.get_by_text("Your position", exact=True)).to_be_visible()
    before = await _names(student)
    assert before[4] == "Никита Лебедев"

    await student.get_by_role("button", name="Leave", exact=True).click()
    await expect(student.get_by_text("You left the queue.")).to_be_visible()
    await newcomer.get_by_role("button", name="Join the queue").click()  # meanwhile
    await expect(newcomer.get_by_text("Your position", exact=True)).to_be_visible()
    await student.get_by_role("button", name="Undo").click()

    await expect(student.get_by_text("Your position", exact=True)).to_be_visible()
    await expect(student.locator(".eq-mine")).to_contain_text("Никита Лебедев")
    await expect(student.locator(".eq-entry").nth(4)).to_contain_text("Никита Лебедев")
    assert await _names(student) == [*before, "Иван Волков"]
    await expect(student.get_by_role("button", name="Undo")).to_have_count(0)


async def _names(page: Page) -> list[str]:
    """The names on the queue's list, in order (each row's first line)."""
    rows = page.locator(".eq-entry")
    await expect(rows.first).to_be_visible()
    return [
        (await rows.nth(i).locator(".eq-entry-name").inner_text()).strip()
        for i in range(await rows.count())
    ]
