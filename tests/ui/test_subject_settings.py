"""`/subjects/{id}/settings` (issue 6): the workspace's admins manage a subject's tasks (create,
edit with a due date, move, delete), its queue settings and board names, teacher invite links and
board links; everyone else is refused; a second admin's open page follows the task list live."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from nicegui.testing.user import User

from equeue_ui.services import boards, queues, tasks
from equeue_ui.services.views import TaskView
from tests.ui.helpers import (
    PATIENCE,
    DemoWorld,
    account,
    elements,
    eventually,
    settle,
    sign_in,
    texts,
    wait_for_notice,
)

ZONE = ZoneInfo("Asia/Krasnoyarsk")


async def open_settings(user: User, subject_id: int, username: str = "leader") -> None:
    await sign_in(user, username, path=f"/subjects/{subject_id}/settings")
    await user.should_see(marker="settings-subject-name", retries=PATIENCE)


async def task_list(subject_id: int) -> list[TaskView]:
    return await tasks.list_tasks(subject_id, actor=await account("leader"))


async def task_names_are(subject_id: int, names: list[str]) -> bool:
    return [t.name for t in await task_list(subject_id)] == names


async def test_the_subject_page_links_admins_to_the_settings(user: User, demo: DemoWorld) -> None:
    subject = demo.open_subject
    await sign_in(user, "leader", path=f"/subjects/{subject.id}")
    await user.should_see(marker="subject-settings-link", retries=PATIENCE)
    user.find(marker="subject-settings-link").click()
    await user.should_see(marker="settings-subject-name", retries=PATIENCE)
    assert texts(user, "settings-subject-name") == [subject.name]
    assert texts(user, "task-row-name") == list(subject.task_names)


@pytest.mark.parametrize("username", ["student5", "applicant", "newcomer", "teacher"])
async def test_everyone_else_is_refused(user: User, demo: DemoWorld, username: str) -> None:
    # The teacher runs this subject's queue but does not manage the subject.
    subject = demo.open_subject
    await sign_in(user, username, path=f"/subjects/{subject.id}/settings")
    await user.should_see(marker="refusal", retries=PATIENCE)
    await user.should_not_see(marker="task-admin")
    await user.should_not_see(marker="open-queue-settings")
    if username == "student5":
        await user.open(f"/subjects/{subject.id}")
        await user.should_see(marker="subject-name", retries=PATIENCE)
        await user.should_not_see(marker="subject-settings-link")


async def test_the_admin_of_another_workspace_is_refused(user: User, demo: DemoWorld) -> None:
    from equeue_ui.services import workspaces

    await workspaces.create_workspace("Своё пространство", actor=await account("newcomer"))
    await sign_in(user, "newcomer", path=f"/subjects/{demo.open_subject.id}/settings")
    await user.should_see(marker="refusal", retries=PATIENCE)
    await user.should_not_see(marker="task-admin")


async def test_an_admin_creates_a_task_with_a_due_date_and_edits_it(
    user: User, demo: DemoWorld
) -> None:
    subject = demo.closed_subject
    await open_settings(user, subject.id)
    user.find(marker="new-task").click()
    await user.should_see(marker="task-form", retries=PATIENCE)
    user.find(marker="task-name-input").type("Курсовая")
    user.find(marker="task-url-input").type("https://e.sfu-kras.ru/mod/assign/view.php?id=7")
    user.find(marker="task-due-input").type("2026-12-20T18:00")
    user.find(marker="save-task").click()
    await wait_for_notice(user, "Saved.")
    await user.should_see(marker="task-row-name", content="Курсовая", retries=PATIENCE)
    made = (await task_list(subject.id))[-1]
    assert (made.name, made.url, made.due_at) == (
        "Курсовая",
        "https://e.sfu-kras.ru/mod/assign/view.php?id=7",
        datetime(2026, 12, 20, 18, 0, tzinfo=ZONE),
    )

    with user.scope(marker=f"task-row-{made.id}"):
        user.find(marker="edit-task").click()
    await user.should_see(marker="task-form", retries=PATIENCE)
    user.find(marker="task-name-input").clear().type("Курсовая работа")
    user.find(marker="task-due-input").clear()
    user.find(marker="save-task").click()
    await user.should_see(marker="task-row-name", content="Курсовая работа", retries=PATIENCE)
    edited = (await task_list(subject.id))[-1]
    assert (edited.name, edited.due_at) == ("Курсовая работа", None)


async def test_bad_task_input_is_refused_with_a_notice_and_nothing_written(
    user: User, demo: DemoWorld
) -> None:
    subject = demo.closed_subject
    before = await task_list(subject.id)
    await open_settings(user, subject.id)
    user.find(marker="new-task").click()
    user.find(marker="save-task").click()
    await wait_for_notice(user, "The name must not be empty.")
    user.find(marker="task-name-input").type(subject.task_names[0])
    user.find(marker="save-task").click()
    await wait_for_notice(user, "A task with this name already exists in this subject.")
    user.find(marker="task-name-input").clear().type("Новое")
    user.find(marker="task-url-input").type("not a link")
    user.find(marker="save-task").click()
    await wait_for_notice(user, "A link must start with http:// or https://.")
    await user.should_see(marker="task-form")
    assert await task_list(subject.id) == before


async def test_an_admin_moves_and_deletes_tasks(user: User, demo: DemoWorld) -> None:
    subject = demo.open_subject
    first, second, *rest = subject.task_names
    await open_settings(user, subject.id)
    with user.scope(marker=f"task-row-{subject.task_ids[0]}"):
        user.find(marker="task-down").click()
    expected = [second, first, *rest]
    await eventually(lambda: texts(user, "task-row-name") == expected, what="the new order")
    assert await task_names_are(subject.id, expected)

    with user.scope(marker=f"task-row-{subject.task_ids[1]}"):
        user.find(marker="delete-task").click()
    await user.should_see(marker="confirm-task-delete", retries=PATIENCE)
    user.find(marker="confirm-delete-task").click()
    await eventually(lambda: texts(user, "task-row-name") == [first, *rest], what="deletion")
    assert await task_names_are(subject.id, [first, *rest])


async def test_the_queue_settings_are_shown_and_changed_here(user: User, demo: DemoWorld) -> None:
    subject = demo.closed_subject
    await open_settings(user, subject.id)
    assert "No size limit" in texts(user, "queue-fact")
    user.find(marker="open-queue-settings").click()
    await user.should_see(marker="queue-settings", retries=PATIENCE)
    user.find(marker="setting-freeze").click()  # switch freezing off
    user.find(marker="setting-max-size").type("25")
    user.find(marker="setting-names").click()
    user.find("First name and initial").click()
    user.find(marker="save-settings").click()
    await wait_for_notice(user, "Saved.")
    await eventually(lambda: "At most 25 people" in texts(user, "queue-fact"), what="summary")
    assert "Freezing is switched off" in texts(user, "queue-fact")
    assert "Names on the board as First L." in texts(user, "queue-fact")
    leader = await account("leader")
    snapshot = await queues.get_snapshot(subject.queue_id, actor=leader)
    assert (snapshot.members_can_freeze, snapshot.max_size) == (False, 25)
    board = await boards.board_for_operator(subject.queue_id, actor=leader)
    assert board.subject_setting is False


async def test_teacher_invites_and_board_links_are_made_here(user: User, demo: DemoWorld) -> None:
    subject = demo.closed_subject
    await open_settings(user, subject.id)
    user.find(marker="make-invite").click()
    await eventually(lambda: "/invites/teacher/" in "".join(texts(user, "new-invite")), what="link")
    await user.should_see(marker="teacher-invite", retries=PATIENCE)
    user.find(marker="make-link").click()
    await eventually(lambda: "/board/" in "".join(texts(user, "new-link")), what="board link")
    await user.should_see(marker="display-link", retries=PATIENCE)
    await settle(user)
    # Its own redraw and the event must not list a new link twice.
    assert len(elements(user, marker="display-link")) == 1
    assert len(elements(user, marker="teacher-invite")) == 1


async def test_a_task_added_by_another_admin_appears_without_reload(
    user: User, another_user: Callable[[], User], demo: DemoWorld
) -> None:
    subject = demo.open_subject
    await open_settings(user, subject.id)
    second = another_user()
    await open_settings(second, subject.id, "student1")
    second.find(marker="new-task").click()
    second.find(marker="task-name-input").type("Доклад")
    second.find(marker="save-task").click()
    await second.should_see(marker="task-row-name", content="Доклад", retries=PATIENCE)
    await user.should_see(marker="task-row-name", content="Доклад", retries=PATIENCE)


async def test_a_board_link_made_elsewhere_appears_in_the_open_list(
    user: User, demo: DemoWorld
) -> None:
    subject = demo.open_subject
    await open_settings(user, subject.id)
    await user.should_not_see(marker="display-link")
    await boards.create_display_link(
        subject.queue_id, actor=await account("teacher"), label="Ауд. 4-12"
    )
    await user.should_see(marker="display-link", retries=PATIENCE)


async def test_a_board_link_revoked_elsewhere_leaves_the_open_list(
    user: User, demo: DemoWorld
) -> None:
    subject = demo.open_subject
    teacher = await account("teacher")
    made = await boards.create_display_link(subject.queue_id, actor=teacher, label="Ауд. 4-12")
    await open_settings(user, subject.id)
    await user.should_see(marker="display-link")
    await boards.revoke_display_link(made.link.id, actor=teacher)
    await user.should_not_see(marker="display-link", retries=PATIENCE)
