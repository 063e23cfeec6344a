"""The teacher's console in real Chromium (issue 14, points 1, 5, 12 and 13).

Removing a student asks first, naming them, and works by keyboard alone; cancelling changes
nothing. The shortcuts are announced on the buttons they press and work after a click. On a
phone and a laptop, in the system's light and dark themes, every text reads at WCAG AA
contrast and axe-core finds nothing serious, dialogs included; the console is saved as a
screenshot per theme and width (build/screenshots/console-*.png).
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import pytest
from playwright.async_api import Browser, Locator, Page, expect

from tests.e2e.a11y import axe_violations, contrast_failures, describe
from tests.e2e.conftest import (
    ACTION_TIMEOUT_MS,
    board_next,
    board_serving,
    connected,
    open_console,
    sign_in,
    signed_in_page,
)
from tests.e2e.server import AppServer

pytestmark = pytest.mark.e2e

SCREENSHOTS = Path(__file__).resolve().parents[2] / "build" / "screenshots"
SUBJECT = "Алгоритмы и структуры данных"
WIDTHS = (360, 1280)
THEMES: tuple[Literal["light", "dark"], ...] = ("light", "dark")
AT_THE_DESK = "Алексей Иванов"  # student1, called in the demo (equeue_ui/demo.py)
# No transition running, and Quasar's loading bar (NiceGUI shows it while the page fetches a
# component's code, e.g. the dialog's on its first opening) gone.
SETTLED_JS = """() => document.getAnimations().every(a => a.playState !== 'running')
    && [...document.querySelectorAll('.q-loading-bar')].every(
        bar => !bar.checkVisibility({opacityProperty: true}))"""
SECOND, THIRD = "Мария Кузнецова", "Елена Попова"  # 2nd and 4th in the demo queue


async def test_removing_a_student_asks_first_by_name_and_works_by_keyboard(
    browser: Browser, app_server: AppServer
) -> None:
    console = await signed_in_page(browser, app_server, "teacher")
    queue_id = await open_console(console, SUBJECT)
    board = await console.context.new_page()  # the teacher's own board shows what happens
    await board.goto(f"/queues/{queue_id}/board")
    await connected(board)
    await expect(board_next(board, "Елена П.")).to_be_visible()
    await console.bring_to_front()  # a tab in the background runs no transitions

    # The list's ✕, reached by keyboard: a dialog names her; Cancel has the focus; Escape.
    remove_third = console.get_by_role("button", name=f"Remove {THIRD} from the queue")
    await remove_third.focus()
    await console.keyboard.press("Enter")
    dialog = console.get_by_role("dialog", name=f"Remove {THIRD} from the queue?")
    await expect(dialog).to_be_visible()
    await expect(dialog).to_have_accessible_description(
        "Their place is lost and nothing is recorded for their task."
    )
    await expect(dialog.get_by_role("button", name="Cancel")).to_be_focused()
    await console.keyboard.press("Enter")  # a stray Enter cancels
    await expect(dialog).to_be_hidden()
    await remove_third.focus()
    await console.keyboard.press("Enter")
    await expect(dialog).to_be_visible()
    await console.keyboard.press("Escape")
    await expect(dialog).to_be_hidden()
    await expect(board_next(board, "Елена П.")).to_be_visible()  # she kept her place
    await expect(remove_third).to_be_visible()

    # Asked again: Tab to the red button, Enter.
    await remove_third.focus()
    await console.keyboard.press("Enter")
    await expect(dialog.get_by_role("button", name="Cancel")).to_be_focused()
    await console.keyboard.press("Tab")
    await expect(dialog.get_by_role("button", name="Remove", exact=True)).to_be_focused()
    await console.keyboard.press("Enter")
    await expect(dialog).to_be_hidden()
    await expect(board_next(board, "Елена П.")).to_have_count(0)
    await expect(remove_third).to_have_count(0)

    # The list's skip (drawn by the browser, like the rows) sends her to the end at once.
    await console.get_by_role("button", name=f"Skip {SECOND}: to the end of the queue").click()
    await expect(console.locator(".eq-console-entry").last).to_contain_text(SECOND)
    await expect(console.locator(".eq-console-entry").first).not_to_contain_text(SECOND)

    # The desk card's Remove asks too; a click on Cancel keeps the student at the desk.
    await _desk_card(console, AT_THE_DESK).get_by_role("button", name="Remove").click()
    desk_dialog = console.get_by_role("dialog", name=f"Remove {AT_THE_DESK} from the queue?")
    await expect(desk_dialog).to_be_visible()
    await desk_dialog.get_by_role("button", name="Cancel").click()
    await expect(desk_dialog).to_be_hidden()
    await expect(board_serving(board, "Алексей И.")).to_be_visible()
    await expect(_desk_card(console, AT_THE_DESK)).to_be_visible()


async def test_the_shortcuts_are_announced_and_work_after_a_click(
    browser: Browser, app_server: AppServer
) -> None:
    console = await signed_in_page(browser, app_server, "teacher")
    await open_console(console, SUBJECT)
    call_next = console.get_by_role("button", name="Call next (N)")
    await expect(call_next).to_have_attribute("aria-keyshortcuts", "N")
    await expect(call_next).to_have_accessible_description(
        "Keys: N — call next, A — accept, R — return, S — skip"
    )
    for name, key in (("Accept (A)", "A"), ("Return (R)", "R"), ("Skip (S)", "S")):
        button = _desk_card(console, AT_THE_DESK).get_by_role("button", name=name)
        await expect(button).to_have_attribute("aria-keyshortcuts", key)

    # By keyboard alone: Call next keeps the focus (it is not redrawn), and the letters work
    # with the focus on a button (they did nothing there before).
    await call_next.focus()
    await console.keyboard.press("Enter")
    await expect(_desk_card(console, SECOND)).to_be_visible()
    await expect(call_next).to_be_focused()
    await console.keyboard.press("a")
    await expect(_desk_card(console, SECOND)).to_have_count(0)
    await expect(_desk_card(console, AT_THE_DESK)).to_be_visible()  # not the teacher's call
    await console.keyboard.press("n")
    await expect(_desk_card(console, "Елена Попова")).to_be_visible()  # past the frozen one
    await expect(call_next).to_be_focused()
    await console.keyboard.press("s")
    await expect(_desk_card(console, "Елена Попова")).to_have_count(0)
    await expect(
        console.get_by_role("button", name="Remove Елена Попова from the queue")
    ).to_be_visible()


async def test_the_console_reads_in_light_and_dark_on_a_phone_and_a_laptop(
    browser: Browser, app_server: AppServer
) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    problems: list[str] = []
    for theme in THEMES:
        context = await browser.new_context(
            base_url=app_server.url,
            viewport={"width": 1280, "height": 800},
            locale="en-US",
            color_scheme=theme,
        )
        context.set_default_timeout(ACTION_TIMEOUT_MS)
        console = await context.new_page()
        await sign_in(console, "teacher")
        await open_console(console, SUBJECT)
        await console.get_by_text("Board links for the projector").click()
        await expect(console.get_by_role("button", name="Make a link")).to_be_visible()
        for width in WIDTHS:
            await console.set_viewport_size({"width": width, "height": 800})
            await _settled(console)
            await console.screenshot(
                path=SCREENSHOTS / f"console-{theme}-{width}.png", full_page=True
            )
            where = f"{theme} {width} px"
            problems += await _problems(console, where)
            assert await _sideways(console) == 0, f"{where}: the console scrolls sideways"
        # The dialogs, on the phone.
        await console.set_viewport_size({"width": 360, "height": 800})
        await console.get_by_role("button", name=f"Remove {SECOND} from the queue").click()
        dialog = console.get_by_role("dialog", name=f"Remove {SECOND} from the queue?")
        await expect(dialog).to_be_visible()
        await _settled(console)
        problems += await _problems(console, f"{theme}: the remove dialog", dialog=True)
        await console.keyboard.press("Escape")
        await expect(dialog).to_be_hidden()
        await console.get_by_role("button", name="Settings").click()
        await expect(console.get_by_text("Queue settings")).to_be_visible()
        await _settled(console)
        await console.screenshot(path=SCREENSHOTS / f"console-settings-{theme}-360.png")
        problems += await _problems(console, f"{theme}: the settings dialog", dialog=True)
        await context.close()
    assert not problems, "\n".join(problems)


# --- helpers ------------------------------------------------------------------------------------


def _desk_card(console: Page, full_name: str) -> Locator:
    """The console's card of a called student (the one with the Accept button)."""
    return (
        console.locator(".q-card")
        .filter(has=console.get_by_role("button", name="Accept (A)"))
        .filter(has=console.get_by_text(full_name, exact=True))
    )


async def _problems(page: Page, where: str, *, dialog: bool = False) -> list[str]:
    """What the contrast walk and axe-core find; with a dialog open, in the dialog only.

    There axe's own colour check is left to the walk: axe stacks Quasar's dialog backdrop
    (``z-index: -1``) above the dialog's buttons and reports them on grey, where the browser's
    hit testing (``elementsFromPoint``) has the buttons' colours on top."""
    contrast = await contrast_failures(page)
    if dialog:
        violations = await axe_violations(page, exclude=(".q-layout",))
        violations = [v for v in violations if v.rule != "color-contrast"]
    else:
        violations = await axe_violations(page)
    return [f"{where}:\n{describe(violations, contrast)}"] if contrast or violations else []


async def _settled(page: Page) -> None:
    """Fonts loaded, the layout redone and Quasar's transitions (a dialog fading in) over."""
    await page.evaluate("document.fonts.ready")
    await page.wait_for_function(SETTLED_JS)


async def _sideways(page: Page) -> int:
    return int(
        await page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
    )
