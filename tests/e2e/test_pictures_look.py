"""People's pictures in a real browser: chosen on the profile page through its named button
(the file goes through Quasar's hidden uploader to the server, which re-encodes it), then shown
on a member list, in a queue list and on the console's desk card; the profile, the list, the
queue and the desk are each shot at 360 and 1280 px in light and dark
(build/screenshots/pictures-*.png, to look at)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image, ImageDraw
from playwright.async_api import Browser, Page, expect

from tests.e2e.conftest import (
    board_serving,
    connected,
    open_console,
    open_queue,
    open_workspace,
    settled,
    signed_in_page,
)
from tests.e2e.server import AppServer

pytestmark = pytest.mark.e2e

SCREENSHOTS = Path(__file__).resolve().parents[2] / "build" / "screenshots"
WORKSPACE = "Осенний семестр 2026"
SUBJECT = "Алгоритмы и структуры данных"
CALLED = "Алексей Иванов"  # student1, at the desk in the demo's open queue


def portrait(path: Path, colour: str) -> Path:
    """A photo-like picture: a head and shoulders on a coloured ground, wider than tall."""
    image = Image.new("RGB", (640, 480), colour)
    draw = ImageDraw.Draw(image)
    draw.ellipse((250, 90, 390, 230), fill="#f1d2b6")
    draw.ellipse((180, 250, 460, 560), fill="#37474f")
    out = io.BytesIO()
    image.save(out, "JPEG")
    path.write_bytes(out.getvalue())
    return path


async def upload_picture(
    browser: Browser, server: AppServer, username: str, file: Path, *, shot: str | None = None
) -> None:
    page = await signed_in_page(browser, server, username)
    await page.goto("/profile")
    await connected(page)
    async with page.expect_file_chooser() as chosen:  # the named button opens the picker
        await page.get_by_role("button", name="Choose a picture").click()
    await (await chosen.value).set_files(str(file))
    await expect(page.get_by_text("Picture saved.")).to_be_visible()
    await expect(page.get_by_role("button", name="Remove picture")).to_be_visible()
    if shot:
        await shoot(page, shot)
    await page.context.close()


async def shoot(page: Page, name: str) -> None:
    for theme in ("light", "dark"):
        await page.emulate_media(color_scheme=theme)
        for width in (360, 1280):
            await page.set_viewport_size({"width": width, "height": 800})
            await page.evaluate("window.scrollTo(0, 0)")
            await settled(page)
            await page.screenshot(
                path=SCREENSHOTS / f"pictures-{name}-{width}-{theme}.png", full_page=True
            )


async def test_pictures_on_the_member_list_the_queue_and_the_desk_card(
    browser: Browser, app_server: AppServer, tmp_path: Path
) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    first = portrait(tmp_path / "a.jpg", "#4a90d9")
    await upload_picture(browser, app_server, "student1", first, shot="profile")
    await upload_picture(browser, app_server, "student3", portrait(tmp_path / "b.jpg", "#e0a030"))

    viewer = await signed_in_page(browser, app_server, "student2")
    await open_workspace(viewer, WORKSPACE)
    await viewer.get_by_role("button", name='Expand "Members (11)"').click()
    members = viewer.get_by_role("img", name=CALLED)
    await expect(members.first).to_be_visible()
    assert await members.first.evaluate("image => image.naturalWidth") == 256  # it loaded
    await shoot(viewer, "members")

    await open_queue(viewer, WORKSPACE, SUBJECT)
    in_queue = viewer.locator(".eq-entry").get_by_role("img", name=CALLED)
    await expect(in_queue).to_be_visible()
    assert await in_queue.evaluate("image => image.naturalWidth") == 256
    await shoot(viewer, "queue")

    teacher = await signed_in_page(browser, app_server, "teacher")
    queue_id = await open_console(teacher, SUBJECT)
    desk = teacher.locator(".eq-desk").get_by_role("img", name=CALLED)
    await expect(desk).to_be_visible()
    box = await desk.bounding_box()
    assert box is not None and box["width"] >= 90  # large enough to recognise someone
    await shoot(teacher, "desk")

    # The board shows no pictures until the queue's settings switch them on.
    board = await teacher.context.new_page()
    await board.goto(f"/queues/{queue_id}/board")
    await connected(board)
    await expect(board_serving(board, "Алексей И.")).to_be_visible()  # names as First L.
    assert await board.locator(".eq-board img").count() == 0
    await teacher.get_by_role("button", name="Settings").click()
    await teacher.get_by_role("switch", name="Pictures on the board").click()
    await teacher.get_by_role("button", name="Save").click()
    await expect(teacher.get_by_text("Saved.")).to_be_visible()
    on_board = board.locator(".eq-board-serving").get_by_role("img", name="Алексей И.")
    await expect(on_board).to_be_visible()  # the open board re-read its settings
    await board.set_viewport_size({"width": 1280, "height": 800})
    await settled(board)
    await board.screenshot(path=SCREENSHOTS / "pictures-board-1280.png")
