"""The workspaces of my group on the start page, and a workspace's own page."""

from __future__ import annotations

from collections.abc import Callable
from html.parser import HTMLParser

from nicegui import ui
from nicegui.testing.user import User

from db.models import MemberStatus
from equeue_ui.formatting import date_time
from equeue_ui.services import subjects, tasks, workspaces
from tests.ui.helpers import (
    PATIENCE,
    DemoWorld,
    account,
    elements,
    eventually,
    sign_in,
    texts,
    wait_for_notice,
)

# --- the start page: workspaces of my group ---------------------------------------------------


async def test_a_member_opens_a_workspace_they_belong_to(user: User, demo: DemoWorld) -> None:
    await sign_in(user, "student5")
    await user.should_see(f"Group: {demo.group_name}")
    with user.scope(marker=f"workspace-{demo.workspace_id}"):
        await user.should_see(demo.workspace_name)
        user.find(marker="open-workspace").click()
    await user.should_see(marker="workspace-name", retries=PATIENCE)
    assert texts(user, "workspace-name") == [demo.workspace_name]


async def test_a_student_of_the_group_asks_to_join_and_sees_the_request_pending(
    user: User, demo: DemoWorld
) -> None:
    await sign_in(user, "newcomer")
    with user.scope(marker=f"workspace-{demo.workspace_id}"):
        await user.should_not_see(marker="open-workspace")
        user.find(marker="request-join").click()
    await wait_for_notice(user, "Request sent. An admin of the workspace will approve it.")
    await user.should_see(marker="pending", retries=PATIENCE)
    await user.should_not_see(marker="request-join")
    newcomer = await account("newcomer")
    (listed,) = await workspaces.list_group_workspaces(actor=newcomer)
    assert listed.my_status is MemberStatus.PENDING


async def test_a_pending_applicant_sees_the_waiting_state_and_cannot_open_it(
    user: User, demo: DemoWorld
) -> None:
    await sign_in(user, "applicant")
    with user.scope(marker=f"workspace-{demo.workspace_id}"):
        await user.should_see(marker="pending")
        await user.should_not_see(marker="open-workspace")
        await user.should_not_see(marker="request-join")


async def test_a_student_creates_a_workspace_and_lands_in_it_as_its_admin(
    user: User, demo: DemoWorld
) -> None:
    await sign_in(user, "newcomer")
    await _open_the_create_form(user)
    user.find(marker="new-workspace-name").type("  Весенний   семестр  ")
    user.find(marker="create-workspace-button").click()
    await user.should_see(marker="workspace-name", retries=PATIENCE)
    assert texts(user, "workspace-name") == ["Весенний семестр"]
    await user.should_see(marker="no-subjects")
    await user.should_see(marker="join-requests")  # shown to admins only
    newcomer = await account("newcomer")
    mine = await workspaces.list_my_workspaces(actor=newcomer)
    assert [(w.name, w.is_admin) for w in mine] == [("Весенний семестр", True)]


async def test_an_empty_workspace_name_gives_a_notice_and_creates_nothing(
    user: User, demo: DemoWorld
) -> None:
    await sign_in(user, "newcomer")
    await _open_the_create_form(user)
    user.find(marker="new-workspace-name").type("   ")
    user.find(marker="create-workspace-button").click()
    await wait_for_notice(user, "The name must not be empty.")
    await user.should_see(marker="create-workspace")
    assert await workspaces.list_my_workspaces(actor=await account("newcomer")) == []


async def test_an_over_long_workspace_name_gives_a_notice_and_keeps_what_was_typed(
    user: User, demo: DemoWorld
) -> None:
    long_name = "Очень длинное название " * 20
    await sign_in(user, "newcomer")
    await _open_the_create_form(user)
    user.find(marker="new-workspace-name").type(long_name)
    user.find(marker="create-workspace-button").click()
    await wait_for_notice(user, "The name is too long (at most 255 characters).")
    (field,) = elements(user, ui.input, marker="new-workspace-name")
    assert field.value == long_name
    assert await workspaces.list_my_workspaces(actor=await account("newcomer")) == []


async def test_a_taken_workspace_name_gives_a_notice_and_keeps_what_was_typed(
    user: User, demo: DemoWorld
) -> None:
    await sign_in(user, "student5")
    await _open_the_create_form(user)
    user.find(marker="new-workspace-name").type(demo.workspace_name)
    user.find(marker="new-workspace-name").trigger("keydown.enter")
    await wait_for_notice(user, "Your group already has a workspace with this name.")
    (field,) = elements(user, ui.input, marker="new-workspace-name")
    assert field.value == demo.workspace_name


# --- the workspace page -------------------------------------------------------------------------


async def test_the_workspace_page_shows_each_subject_with_teacher_progress_and_next_due(
    user: User, demo: DemoWorld
) -> None:
    await sign_in(user, "student5", path=f"/workspaces/{demo.workspace_id}")
    subject = demo.open_subject
    student = await account("student5")
    items = await tasks.list_tasks(subject.id, actor=student)
    with user.scope(marker=f"subject-{subject.id}"):
        await user.should_see(marker="subject-link", content=subject.name)
        assert texts(user, "teacher-name") == ["Петрова Ирина Александровна"]
        assert texts(user, "teacher-contact") == ["i.petrova@example.edu, ауд. 4-12"]
        # student5 handed in the first of five tasks in the demo.
        assert texts(user, "progress") == ["1 of 5 handed in"]
        first_open = min(t.due_at for t in items[1:] if t.due_at)
        assert texts(user, "next-due") == [f"Next due: {date_time(first_open)}"]
        await user.should_see(marker="open-queue")
    for other in (demo.paused_subject, demo.closed_subject):
        await user.should_see(marker=f"subject-{other.id}")
    with user.scope(marker=f"subject-{demo.closed_subject.id}"):
        assert texts(user, "progress") == ["0 of 4 handed in"]


async def test_requirements_are_rendered_as_markdown(user: User, demo: DemoWorld) -> None:
    await sign_in(user, "student5", path=f"/workspaces/{demo.workspace_id}")
    with user.scope(marker=f"subject-{demo.open_subject.id}"):
        (html,) = elements(user, ui.html)
    assert "<h2>Как сдавать</h2>" in html.content
    assert "<strong>сложность</strong>" in html.content


async def test_a_script_in_requirements_never_becomes_a_script_element(
    user: User, demo: DemoWorld
) -> None:
    leader = await account("leader")
    hostile = await subjects.create_subject(
        demo.workspace_id,
        actor=leader,
        name="Безопасность",
        requirements=(
            "**Read me**\n\n<script>alert('x')</script>\n\n"
            '<img src="x" onerror="alert(1)">\n\n[link](javascript:alert(1))\n\n'
            '<a href="javascript:alert(2)">raw</a>'
        ),
    )
    for path in (f"/workspaces/{demo.workspace_id}", f"/subjects/{hostile.id}"):
        if path.startswith("/workspaces"):
            await sign_in(user, "student5", path=path)
        else:
            await user.open(path)
        shown = [e.content for e in elements(user, ui.html) if "Read me" in e.content]
        assert len(shown) == 1, path
        assert "<strong>Read me</strong>" in shown[0]
        tags = _Tags()
        tags.feed(shown[0])
        assert {"script", "img", "iframe"}.isdisjoint(tags.names), (path, shown[0])
        assert not [a for a in tags.attributes if a[0].startswith("on")], (path, shown[0])
        assert not [a for a in tags.attributes if "javascript:" in (a[1] or "")], (path, shown[0])
        assert "alert('x')" in "".join(tags.text)  # the script shows as harmless text


async def test_members_and_the_leaderboard_are_listed(user: User, demo: DemoWorld) -> None:
    await sign_in(user, "student5", path=f"/workspaces/{demo.workspace_id}")
    await user.should_see("Members (11)")
    names = texts(user, "member-name")
    assert len(names) == 11
    assert {"Анна Смирнова", "Алексей Иванов", "Софья Фёдорова"} <= set(names)
    assert "Георгий Орлов" not in names  # still pending
    await user.should_see(marker="leaderboard")
    counts = texts(user, "leaderboard-count")
    assert counts[:3] == ["2 handed in"] * 3
    assert counts == sorted(counts, reverse=True)


async def test_a_plain_member_does_not_see_join_requests(user: User, demo: DemoWorld) -> None:
    await sign_in(user, "student5", path=f"/workspaces/{demo.workspace_id}")
    await user.should_see(marker="workspace-name")
    await user.should_not_see(marker="join-requests")
    await user.should_not_see("Георгий Орлов")


async def test_an_admin_approves_a_join_request_and_the_applicant_gets_in(
    user: User, another_user: Callable[[], User], demo: DemoWorld
) -> None:
    await sign_in(user, "leader", path=f"/workspaces/{demo.workspace_id}")
    await user.should_see("Join requests (1)")
    with user.scope(marker="join-request"):
        await user.should_see("Георгий Орлов")
        user.find(marker="approve").click()
    await user.should_see("Members (12)", retries=PATIENCE)
    await user.should_not_see(marker="join-request")
    assert "Георгий Орлов" in texts(user, "member-name")

    applicant = another_user()
    await sign_in(applicant, "applicant", path=f"/workspaces/{demo.workspace_id}")
    await applicant.should_see(marker="workspace-name")
    await applicant.should_not_see(marker="refusal")


async def test_an_admin_rejects_a_join_request_and_the_applicant_sees_it(
    user: User, another_user: Callable[[], User], demo: DemoWorld
) -> None:
    await sign_in(user, "leader", path=f"/workspaces/{demo.workspace_id}")
    with user.scope(marker="join-request"):
        user.find(marker="reject").click()
    await user.should_see("Join requests (0)", retries=PATIENCE)
    await user.should_see("Members (11)")

    applicant = another_user()
    await sign_in(applicant, "applicant")
    with applicant.scope(marker=f"workspace-{demo.workspace_id}"):
        await applicant.should_see(marker="rejected")
        await applicant.should_not_see(marker="open-workspace")


async def test_a_join_request_appears_on_the_admins_open_page_without_reload(
    user: User, demo: DemoWorld
) -> None:
    await sign_in(user, "leader", path=f"/workspaces/{demo.workspace_id}")
    await user.should_see("Join requests (1)")
    await workspaces.request_to_join(demo.workspace_id, actor=await account("newcomer"))
    await user.should_see("Join requests (2)", retries=PATIENCE)
    await user.should_see("Вера Белова")


async def test_a_new_subject_appears_on_an_open_workspace_page_without_reload(
    user: User, demo: DemoWorld
) -> None:
    await sign_in(user, "student5", path=f"/workspaces/{demo.workspace_id}")
    await user.should_see(marker="workspace-name")
    await subjects.create_subject(
        demo.workspace_id, actor=await account("leader"), name="Компьютерные сети"
    )
    await user.should_see(marker="subject-link", content="Компьютерные сети", retries=PATIENCE)
    await eventually(lambda: len(texts(user, "progress")) == 4, what="four subject cards")


# --- helpers ------------------------------------------------------------------------------------


class _Tags(HTMLParser):
    """The elements and attributes a browser would build from an HTML text."""

    def __init__(self) -> None:
        super().__init__()
        self.names: set[str] = set()
        self.attributes: list[tuple[str, str | None]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.names.add(tag)
        self.attributes.extend(attrs)

    def handle_data(self, data: str) -> None:
        self.text.append(data)


async def test_the_start_page_offers_a_button_to_create_a_workspace_not_a_form(
    user: User, demo: DemoWorld
) -> None:
    await sign_in(user, "newcomer")
    await user.should_see(marker="open-create-workspace")
    await user.should_not_see(marker="new-workspace-name")


async def _open_the_create_form(user: User) -> None:
    user.find(marker="open-create-workspace").click()
    await user.should_see(marker="new-workspace-name")
