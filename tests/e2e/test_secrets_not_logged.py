"""`equeue run` at DEBUG (uvicorn's request lines too) through a whole flow in Chromium: its
output holds none of the flow's secrets — passwords, hashes, tickets, cookies, link tokens,
the eCourses token."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from playwright.async_api import Browser, Page, Request, expect

from tests.e2e.conftest import (
    DEMO_PASSWORD,
    connected,
    make_display_link,
    new_page,
    open_console,
)
from tests.e2e.server import DATABASE_FILE, AppServer, ServerError, copy_database
from tests.ecourses.conftest import Fake, fake, fake_server  # noqa: F401

pytestmark = pytest.mark.e2e

PASSWORD = "Lokal-Parol-Sekret-2026"
ECOURSES_PASSWORD = "Ecourses-Parol-Sekret-2026"
SUBJECT = "Алгоритмы и структуры данных"
# The database fails every new account (as a full disk would): the UI logs the failure.
REFUSE_USERS = (
    "CREATE TRIGGER refuse_users BEFORE INSERT ON users "
    "BEGIN INSERT INTO no_such_table VALUES (1); END"
)


@pytest.fixture
def debug_server(
    demo_template: Path,
    tmp_path: Path,
    fake: Fake,  # noqa: F811
) -> Iterator[AppServer]:
    data_dir = tmp_path / "data"
    copy_database(demo_template, data_dir)
    server = AppServer(data_dir, env={"EQUEUE_LOG_LEVEL": "DEBUG", "EQUEUE_ECOURSES_URL": fake.url})
    try:
        server.start()
    except ServerError as error:
        pytest.fail(str(error), pytrace=False)
    try:
        yield server
    finally:
        server.stop()


class Seen:
    """Every URL the browsers asked for (sign-in tickets travel in one)."""

    def __init__(self) -> None:
        self.urls: list[str] = []

    def watch(self, page: Page) -> Page:
        page.on("request", lambda request: self._add(request))
        return page

    def _add(self, request: Request) -> None:
        self.urls.append(request.url)

    def tickets(self) -> list[str]:
        return [m.group(1) for url in self.urls if (m := re.search(r"[?&]ticket=([^&]+)", url))]


async def register(page: Page, username: str) -> None:
    await page.goto("/register")
    await connected(page)
    await page.get_by_label("Username").fill(username)
    await page.get_by_label("Password", exact=True).fill(PASSWORD)
    await page.get_by_label("Repeat the password").fill(PASSWORD)
    await page.get_by_role("button", name="Register").click()


async def sign_in(page: Page, username: str) -> None:
    """As tests.e2e.conftest.sign_in, on a page that also offers the eCourses form."""
    await page.goto("/login")  # plain HTML: its form works as soon as it is shown
    await page.get_by_label("Username", exact=True).fill(username)
    await page.get_by_label("Password", exact=True).fill(DEMO_PASSWORD)
    await page.get_by_role("button", name="Sign in", exact=True).click()
    await expect(page.get_by_text("Signed in as")).to_be_visible()


async def cookie_values(page: Page) -> list[str]:
    return [cookie["value"] for cookie in await page.context.cookies()]


async def test_the_app_output_holds_no_secret_of_a_whole_flow(
    browser: Browser,
    debug_server: AppServer,
    fake: Fake,  # noqa: F811
) -> None:
    seen = Seen()
    # A registration, signed in at once (a ticket, then a session cookie).
    newcomer = seen.watch(await new_page(browser, debug_server))
    await register(newcomer, "zoya")
    await expect(newcomer.get_by_text("Signed in as zoya")).to_be_visible()

    # A registration the database fails: logged with its traceback.
    failing = seen.watch(await new_page(browser, debug_server))
    with sqlite3.connect(debug_server.data_dir / DATABASE_FILE) as database:
        database.execute(REFUSE_USERS)
    try:
        await register(failing, "yuri")
        await expect(failing.get_by_text("Something went wrong. Please try again.")).to_be_visible()
    finally:
        with sqlite3.connect(debug_server.data_dir / DATABASE_FILE) as database:
            database.execute("DROP TRIGGER refuse_users")

    # A board link for the projector, opened by its token.
    teacher = seen.watch(await new_page(browser, debug_server))
    await sign_in(teacher, "teacher")
    await open_console(teacher, SUBJECT)
    board_link = await make_display_link(teacher, "Room 4-12")
    projector = seen.watch(await new_page(browser, debug_server))
    await projector.goto(board_link)
    await connected(projector)

    # A workspace invite link, made by the leader and opened by the newcomer.
    leader = seen.watch(await new_page(browser, debug_server))
    await sign_in(leader, "leader")
    await leader.goto("/workspaces/1/settings")
    await connected(leader)
    await leader.get_by_role("tab", name="Invite link").click()
    await leader.get_by_role("button", name="Make an invite link").click()
    invite = leader.get_by_text(re.compile(r"/invites/workspace/\S+$"))
    await expect(invite).to_be_visible()
    invite_link = (await invite.inner_text()).strip()
    await newcomer.goto(invite_link)
    await connected(newcomer)

    # eCourses: the password goes to the fake, a token comes back.
    fake.control(user={"username": "a.ivanov", "password": ECOURSES_PASSWORD})
    moodle = seen.watch(await new_page(browser, debug_server))
    await moodle.goto("/login")
    await moodle.get_by_label("eCourses username").fill("a.ivanov")
    await moodle.get_by_label("eCourses password").fill(ECOURSES_PASSWORD)
    await moodle.get_by_role("button", name="Sign in with eCourses").click()
    await expect(moodle.get_by_text("Signed in as Алексей Иванов")).to_be_visible()
    # Moodle hands out the same token again while it is valid: the one the app holds.
    answer = httpx.post(
        f"{fake.url}/login/token.php",
        data={
            "username": "a.ivanov",
            "password": ECOURSES_PASSWORD,
            "service": "moodle_mobile_app",
        },
    ).json()
    ecourses_token = answer["token"]

    secrets = {
        "password": PASSWORD,
        "password posted by the sign-in form": DEMO_PASSWORD,
        "argon2 hash": "$argon2",
        "eCourses password": ECOURSES_PASSWORD,
        "eCourses token": ecourses_token,
        "board token": board_link.rsplit("/", 1)[1],
        "invite token": invite_link.rsplit("/", 1)[1],
    }
    # Only registration sends a ticket in a URL; the sign-in page's forms (teacher, leader,
    # eCourses) are answered with the session cookie itself.
    tickets = seen.tickets()
    assert len(tickets) == 1  # the newcomer's registration
    secrets |= {f"ticket {n}": ticket for n, ticket in enumerate(tickets)}
    for n, page in enumerate((newcomer, teacher, leader, moodle)):
        secrets |= {f"cookie {n}.{m}": v for m, v in enumerate(await cookie_values(page))}
    debug_server.stop()  # everything it had to say is written

    output = debug_server.log_path.read_text(encoding="utf-8", errors="replace")
    leaked = [name for name, value in secrets.items() if value in output]
    assert leaked == []
    # It did log the flow in detail: requests with their paths, the failure with its traceback.
    assert re.search(r'"GET /board/\*\*\* HTTP/1\.1" 200', output)
    assert re.search(r'"GET /auth/complete\?ticket=\*\*\*&next=\S+ HTTP/1\.1" 303', output)
    signed_in = re.findall(r'"POST /auth/sign-in HTTP/1\.1" 303', output)
    assert len(signed_in) == 3  # teacher, leader, eCourses
    assert "Traceback" in output and "OperationalError" in output
    assert f"HTTP Request: POST {fake.url}/login/token.php" in output
