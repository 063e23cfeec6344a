"""Names that look like markup or code, in a real browser (issue 13, point 2).

Workspace, subject, task, group, board label, invites, audit entries and people are named with
quotes, ``:title="alert(…)"``, ``\\N``, ``{{ 7*7 }}``, an ``<img onerror>`` tag and (not in
people's names) a right-to-left override; one task's stored address is ``javascript:``. Each
kind of viewer opens the pages that show them, and every page must: open no dialog, answer no
5xx, show each name literally (never ``49`` for ``{{ 7*7 }}``), and hold no element, handler or
``javascript:`` link made from a name. One app server serves the whole module.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.async_api import Browser, Dialog, Error, Page, Response, expect

from tests.e2e import hostile_world as w
from tests.e2e.conftest import DEMO_PASSWORD, connected, new_page, sign_in
from tests.e2e.hostile_world import HostileWorld
from tests.e2e.server import AppServer, ServerError, copy_database

pytestmark = pytest.mark.e2e

ADMIN_PASSWORD = "admin12345"  # equeue_ui/demo.py
# What a name would have become had the browser taken it for markup or code. Buttons (the user
# menu) and pictures (initials avatars) carry a whole name as their label, literally.
INJECTED = (
    'img[src="x"], [onerror], [onload], a[href^="javascript:" i], [title*="alert("],'
    ' [aria-label*="alert("]:not(button):not([role="img"])'
)


@pytest.fixture(scope="module")
def hostile(
    demo_template: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[AppServer, HostileWorld]]:
    """One app over a copy of the demo database renamed by ``hostile_world``."""
    data_dir = tmp_path_factory.mktemp("hostile") / "data"
    copy_database(demo_template, data_dir)
    world = w.seed(data_dir)
    server = AppServer(data_dir)
    try:
        server.start()
    except ServerError as error:
        pytest.fail(str(error), pytrace=False)
    try:
        yield server, world
    finally:
        server.stop()


class Watch:
    """Everything the pages did that they must not: dialogs, 5xx answers, script errors."""

    def __init__(self, browser: Browser, server: AppServer, world: HostileWorld) -> None:
        self.browser, self.server, self.world = browser, server, world
        self.problems: list[str] = []

    async def page(self, username: str | None = None, password: str = DEMO_PASSWORD) -> Page:
        page = await new_page(self.browser, self.server)
        page.on("dialog", self._dialog)
        page.on("response", self._response)
        page.on("pageerror", self._page_error)
        if username is not None:
            await sign_in(page, username, password)
        return page

    async def shows(self, page: Page, *texts: str) -> None:
        """The page is live, shows each of ``texts`` literally, and nothing was injected."""
        await connected(page)
        for text in texts:
            await expect(page.get_by_text(text).filter(visible=True).first).to_be_visible()
        body = await page.locator("body").inner_text()
        for name in self.world.texts:
            if w.BRACES in name:
                assert name.replace(w.BRACES, "49") not in body, (page.url, name)
        injected = page.locator(INJECTED)
        assert await injected.count() == 0, [
            await element.evaluate("e => e.outerHTML.slice(0, 200)")
            for element in await injected.all()
        ]
        # A picture's label is a whole name, never a piece of one split at a quote.
        labels = await page.locator('[role="img"][aria-label]').evaluate_all(
            "pictures => pictures.map(picture => picture.getAttribute('aria-label'))"
        )
        hostile = [label for label in labels if any(c in label for c in '"<{')]
        assert set(hostile) <= set(self.world.texts), hostile
        assert not self.problems, self.problems

    async def _dialog(self, dialog: Dialog) -> None:
        self.problems.append(
            f"{dialog.type} dialog on {dialog.page and dialog.page.url}: {dialog.message}"
        )
        await dialog.dismiss()

    def _response(self, response: Response) -> None:
        if response.status >= 500:
            self.problems.append(f"HTTP {response.status} for {response.url}")

    def _page_error(self, error: Error) -> None:
        self.problems.append(f"script error: {error}")


@pytest.fixture
def watch(browser: Browser, hostile: tuple[AppServer, HostileWorld]) -> Watch:
    server, world = hostile
    return Watch(browser, server, world)


async def test_a_newcomer_registers_with_a_hostile_name_joins_by_invite_and_queues(
    watch: Watch,
) -> None:
    world = watch.world
    name = f"{w.NEWCOMER_FIRST} {w.NEWCOMER_LAST}"
    page = await watch.page()
    await page.goto("/register")
    await connected(page)
    await page.get_by_label("Username").fill(w.NEWCOMER)
    await page.get_by_label("First name").fill(w.NEWCOMER_FIRST)
    await page.get_by_label("Last name").fill(w.NEWCOMER_LAST)
    await page.get_by_label("Password", exact=True).fill(w.NEWCOMER_PASSWORD)
    await page.get_by_label("Repeat the password").fill(w.NEWCOMER_PASSWORD)
    await page.get_by_role("button", name="Register").click()
    await watch.shows(page, f"Signed in as {name}")
    await expect(page.get_by_role("button", name=name, exact=True)).to_have_count(1)  # the menu

    await page.goto(world.student_invite_path)
    await watch.shows(page, f"You are invited to the workspace {w.WORKSPACE}")
    await page.get_by_role("button", name="Join").click()
    await page.wait_for_url(re.compile(r"/workspaces/\d+$"))
    await watch.shows(page, w.WORKSPACE, w.SUBJECT, w.TEACHER_NAME)

    await page.get_by_role("link", name=w.SUBJECT, exact=True).click()
    await page.wait_for_url(re.compile(r"/subjects/\d+$"))
    await page.get_by_text("Requirements", exact=True).click()
    await watch.shows(
        page,
        w.SUBJECT,
        w.TASK,
        world.script_task,
        f"Read {w.BRACES} and {w.TAG} first.",  # Markdown shown with v-html: not compiled
        f"[click me]({w.SCRIPT_URL})",
    )
    await page.get_by_label("Task you hand in").click()
    await page.get_by_role("option", name=w.TASK, exact=True).click()
    await page.get_by_role("button", name="Join the queue").click()
    mine = page.locator(".eq-entry").filter(has=page.get_by_text(name, exact=True))
    await expect(mine).to_contain_text(w.TASK)
    await watch.shows(page, world.names["student1"], world.names["student2"])

    await page.goto("/groups")
    await page.get_by_label("Group").fill(w.GROUP[:10])
    await watch.shows(page, w.GROUP)


async def test_a_member_sees_names_as_text_and_is_called_with_the_subject_as_text(
    watch: Watch,
) -> None:
    world = watch.world
    member = await watch.page("student2")
    await watch.shows(member, world.names["student2"], w.GROUP, w.WORKSPACE)
    await member.goto(f"/workspaces/{world.workspace_id}")
    await watch.shows(member, w.WORKSPACE, w.SUBJECT, w.TEACHER_NAME, w.TEACHER_CONTACT)
    await member.goto(f"/subjects/{world.subject_id}")
    await watch.shows(member, w.SUBJECT, w.TASK, world.script_task)
    await member.goto(f"/queues/{world.queue_id}")
    await watch.shows(member, w.SUBJECT, world.names["student1"], world.names["student2"])

    # The teacher accepts the one at the desk and calls the member: the alert names the subject.
    teacher = await watch.page("teacher")
    await teacher.goto(f"/queues/{world.queue_id}/console")
    await watch.shows(teacher, w.SUBJECT, world.names["student1"], world.names["student2"])
    desk = teacher.locator(".q-card").filter(has=teacher.get_by_role("button", name="Accept (A)"))
    await desk.get_by_role("button", name="Accept (A)").click()
    await teacher.get_by_role("button", name="Call next (N)").click()
    await expect(
        member.get_by_text(f"It is your turn! Go to the teacher: {w.SUBJECT}")
    ).to_be_visible()
    await expect(member).to_have_title(re.compile("^🔔 It is your turn!"))
    await watch.shows(member, w.SUBJECT)


async def test_a_teacher_sees_names_as_text_on_console_board_and_statistics(
    watch: Watch,
) -> None:
    world = watch.world
    teacher = await watch.page("teacher")
    await teacher.goto("/teaching")
    await watch.shows(teacher, w.SUBJECT)
    await teacher.goto(f"/queues/{world.queue_id}/console")
    await teacher.get_by_text("Board links for the projector").click()
    await watch.shows(teacher, w.SUBJECT, w.LABEL)
    await teacher.goto(f"/queues/{world.queue_id}/board")
    await watch.shows(teacher, w.SUBJECT)
    await teacher.goto(f"/queues/{world.queue_id}/stats")
    await watch.shows(teacher, w.SUBJECT, world.names["teacher"])
    # The chart's tooltip is HTML drawn by ECharts: the teacher's name must stay text there.
    card = teacher.locator(".q-card").filter(has_text="Served per teacher")
    shown = card.get_by_text(world.names["teacher"], exact=True).filter(visible=True)
    await expect(shown).to_have_count(1)  # the table's row
    await card.locator("canvas").first.hover()
    await expect(shown).to_have_count(2)  # and the tooltip
    await watch.shows(teacher)
    await teacher.goto(f"/subjects/{world.subject_id}/stats")
    await watch.shows(teacher, w.SUBJECT, w.TASK, world.names["student1"])
    await teacher.goto(world.teacher_invite_path)
    await watch.shows(teacher, f"You are invited to teach {w.SUBJECT}")


async def test_a_workspace_admin_sees_names_as_text_in_every_settings_tab(watch: Watch) -> None:
    world = watch.world
    leader = await watch.page("leader")
    await leader.goto(f"/workspaces/{world.workspace_id}/settings")
    await watch.shows(leader, w.WORKSPACE)
    tabs = {
        "Join requests": [world.names["applicant"]],
        "Members": [world.names["leader"], world.names["student2"]],
        "Subjects": [w.SUBJECT, w.TEACHER_NAME],
        "Invite link": [],
        "General": [],
    }
    for tab, texts in tabs.items():
        await leader.get_by_role("tab", name=tab).click()
        await watch.shows(leader, *texts)
    await expect(leader.get_by_label("Name").first).to_have_value(w.WORKSPACE)

    await leader.goto(f"/subjects/{world.subject_id}/settings")
    await leader.get_by_text("Board links for the projector").click()
    await watch.shows(leader, w.SUBJECT, w.TASK, w.LABEL, world.script_task)
    await leader.goto(f"/workspaces/{world.workspace_id}/stats")
    await watch.shows(leader, w.WORKSPACE, w.SUBJECT)


async def test_a_site_admin_sees_names_as_text_in_users_groups_and_the_audit_log(
    watch: Watch,
) -> None:
    world = watch.world
    admin = await watch.page("admin", ADMIN_PASSWORD)
    await admin.goto("/admin/users")
    await admin.get_by_label("Search by username or name").fill("student")
    await watch.shows(admin, world.names["student1"], world.names["student2"])
    await admin.goto("/admin/groups")
    await admin.get_by_label("Search groups").fill(w.GROUP[:10])
    await watch.shows(admin, w.GROUP)
    await admin.goto("/admin/audit")
    await watch.shows(admin, w.WORKSPACE, w.GROUP)
    for path in ("/admin/settings", "/admin/status"):
        await admin.goto(path)
        await watch.shows(admin)


async def test_a_display_link_shows_the_board_with_names_as_text(watch: Watch) -> None:
    board = await watch.page()
    await board.goto(watch.world.board_path)
    await watch.shows(board, w.SUBJECT, "Now at the desk")
