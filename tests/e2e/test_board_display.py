"""The classroom board read from the back of a room (issue 14, point 8), in real Chromium.

On a 1080p projector and on a laptop, light and dark: every text on the board reads at WCAG AA
contrast, the QR code takes at least 40 % of the screen's height, the short join link is
large, who is at the desk very large, and the next names fill the room beside the QR code in
large type, two columns when one is not enough; axe-core finds nothing serious. The board is
saved as a screenshot per theme and size (build/screenshots/board-*.png).
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from playwright.async_api import Browser, FloatRect, Locator, Page, expect

from tests.e2e.a11y import axe_violations, contrast_failures, describe
from tests.e2e.conftest import (
    board_next,
    board_serving,
    connected,
    make_display_link,
    new_page,
    open_console,
    open_queue,
    signed_in_page,
)
from tests.e2e.server import AppServer

pytestmark = pytest.mark.e2e

SCREENSHOTS = Path(__file__).resolve().parents[2] / "build" / "screenshots"
WORKSPACE = "Осенний семестр 2026"
SUBJECT = "Алгоритмы и структуры данных"
SIZES = ((1920, 1080), (1280, 800))
THEMES = ("light", "dark")
AT_THE_DESK = "Алексей И."  # student1, called in the demo (equeue_ui/demo.py)
# The demo queue has six waiting; these three join, so one column of names is not enough.
JOINING = ("student8", "student9", "student10")
WAITING = ["Мария К.", "Дмитрий С.", "Елена П.", "Никита Л.", "Ольга К.", "Артём Н."]
WAITING += ["Полина М.", "Иван В.", "Софья Ф."]
QR_NAME = "QR code of the link to join the queue"


async def test_the_board_reads_from_the_back_of_the_room_on_a_projector_and_a_laptop(
    browser: Browser, app_server: AppServer
) -> None:
    teacher = await signed_in_page(browser, app_server, "teacher")
    await open_console(teacher, SUBJECT)
    link = await make_display_link(teacher, "Room 4-12")
    await asyncio.gather(*(_join(browser, app_server, name) for name in JOINING))
    short_link = f"{app_server.url.split('://', 1)[1]}/q/"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    board = await new_page(browser, app_server)  # a projector: nobody signed in
    problems: list[str] = []
    for theme in THEMES:
        await board.goto(f"{link}?theme={theme}")
        await connected(board)
        await expect(board_serving(board, AT_THE_DESK)).to_be_visible()
        await expect(board_next(board, WAITING[-1])).to_be_visible()
        for width, height in SIZES:
            await board.set_viewport_size({"width": width, "height": height})
            await _settled(board)
            await board.screenshot(path=SCREENSHOTS / f"board-{theme}-{width}x{height}.png")
            where = f"{theme} {width}×{height}"

            qr = await _box(board.get_by_role("img", name=QR_NAME))
            assert qr["height"] / height >= 0.4, f"{where}: QR code {qr['height']} px high"
            serving = await _font_size(board_serving(board, AT_THE_DESK))
            assert serving / height >= 0.1, f"{where}: the name at the desk in {serving} px"
            join = board.get_by_text(short_link)
            assert await _font_size(join) / height >= 0.04, f"{where}: the join link is small"
            assert await _bold(join), f"{where}: the join link is not bold"

            rows = [await _box(board_next(board, name)) for name in WAITING]
            for name in WAITING:
                size = await _font_size(board_next(board, name).get_by_text(name, exact=True))
                assert size / height >= 0.05, f"{where}: {name} in {size} px"
            # Two columns, every name on screen and beside the QR code, none cut off.
            assert len({round(row["x"]) for row in rows}) == 2, f"{where}: {rows}"
            assert max(row["y"] + row["height"] for row in rows) <= height, where
            assert max(row["x"] + row["width"] for row in rows) <= qr["x"], where
            assert await _scrolls(board) == [0, 0], f"{where}: the board scrolls"
            for name in WAITING:
                shown = board_next(board, name).get_by_text(name, exact=True)
                assert await _not_cut(shown), f"{where}: {name} is cut short"

            contrast = await contrast_failures(board)
            violations = await axe_violations(board)
            if contrast or violations:
                problems.append(f"{where}:\n{describe(violations, contrast)}")
    assert not problems, "\n".join(problems)


async def test_a_crowded_board_with_long_names_fits_the_screen_and_says_how_many_more(
    browser: Browser, app_server: AppServer
) -> None:
    """Full names, three at the desk (one long enough to wrap), twenty waiting: the board shows
    as many as fit, whole, and "and N more" for the rest, at 1920×1080 and 1280×800.

    Such a queue is handed to the board the way the server's broadcast does (the page's socket
    receives a newer ``queue_snapshot``), as making it through twenty browsers would take
    minutes; its shape is equeue_ui/live_transport.py's."""
    teacher = await signed_in_page(browser, app_server, "teacher")
    queue_id = await open_console(teacher, SUBJECT)
    await teacher.get_by_role("button", name="Settings").click()
    await teacher.get_by_text("Names on the board: site default").click()
    await teacher.get_by_role("option", name="Full names").click()
    await teacher.get_by_role("button", name="Save").click()
    await expect(teacher.get_by_text("Saved.")).to_be_visible()
    board = await teacher.context.new_page()
    await board.goto(f"/queues/{queue_id}/board")
    await connected(board)
    await expect(board_serving(board, "Алексей Иванов")).to_be_visible()
    at_desk = ["Константин Константинопольский", "Александра Преображенская", "Мария Кузнецова"]
    waiting = [f"Студент{n} Фамилия{n}" for n in range(1, 21)]
    await board.evaluate(
        """([queueId, called, waiting]) => {
            const entry = (name, i, status) => ({id: 10 ** 6 + i, user_id: 10 ** 6 + i,
                name, short: name, task: null, status});
            const snapshot = {queue_id: queueId, version: 10 ** 9, state: "open",
                newcomer_wait: [40, 60], entries: [
                    ...called.map((name, i) => entry(name, i, "called")),
                    ...waiting.map((name, i) => entry(name, 100 + i, "waiting"))]};
            window.socket.listeners("queue_snapshot").forEach((receive) => receive(snapshot));
        }""",
        [queue_id, at_desk, waiting],
    )
    await expect(board_serving(board, at_desk[0])).to_be_visible()
    for width, height in SIZES:
        await board.set_viewport_size({"width": width, "height": height})
        await _settled(board)
        where = f"{width}×{height}"
        shown = [name for name in waiting if await board_next(board, name).count()]
        assert len(shown) >= 6, f"{where}: only {shown}"
        assert shown == waiting[: len(shown)], where
        more = await _box(board.get_by_text(f"and {len(waiting) - len(shown)} more", exact=True))
        assert more["y"] + more["height"] <= height, f"{where}: no room for 'and N more'"
        for name in at_desk:
            assert await _whole(board_serving(board, name)), f"{where}: {name} is cut"
        for name in shown:
            row = await _box(board_next(board, name))
            assert row["y"] + row["height"] <= height, f"{where}: {name} is off the screen"
        qr = await _box(board.get_by_role("img", name=QR_NAME))
        assert qr["height"] / height >= 0.4, where
        await board.screenshot(path=SCREENSHOTS / f"board-crowded-{width}x{height}.png")


# --- helpers ------------------------------------------------------------------------------------


async def _join(browser: Browser, server: AppServer, username: str) -> None:
    page = await signed_in_page(browser, server, username)
    await open_queue(page, WORKSPACE, SUBJECT)
    await connected(page)
    await page.get_by_role("button", name="Join the queue").click()
    await expect(page.get_by_text("Your position", exact=True)).to_be_visible()
    await page.context.close()


async def _settled(page: Page) -> None:
    """Fonts loaded and the new size laid out (two animation frames after the resize)."""
    await page.evaluate("document.fonts.ready")
    await page.evaluate(
        "() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))"
    )


async def _box(locator: Locator) -> FloatRect:
    box = await locator.bounding_box()
    assert box is not None, f"{locator} is not shown"
    return box


async def _font_size(locator: Locator) -> float:
    return float(await locator.evaluate("e => parseFloat(getComputedStyle(e).fontSize)"))


async def _bold(locator: Locator) -> bool:
    return bool(await locator.evaluate("e => Number(getComputedStyle(e).fontWeight) >= 700"))


async def _not_cut(locator: Locator) -> bool:
    """The text fits its width (not shortened with an ellipsis)."""
    return bool(await locator.evaluate("e => e.scrollWidth <= e.clientWidth"))


async def _whole(locator: Locator) -> bool:
    """The text is not clipped: its box holds its width and all its lines (a glyph reaching a
    little past the last line's box is no hidden line)."""
    return bool(
        await locator.evaluate(
            """e => e.scrollWidth <= e.clientWidth + 1 && e.scrollHeight
                < e.clientHeight + parseFloat(getComputedStyle(e).lineHeight) / 2"""
        )
    )


async def _scrolls(page: Page) -> list[int]:
    """How far the page scrolls sideways and down (nothing on a board)."""
    return list(
        await page.evaluate(
            """() => {
                const root = document.documentElement;
                return [root.scrollWidth - root.clientWidth, root.scrollHeight - root.clientHeight];
            }"""
        )
    )
