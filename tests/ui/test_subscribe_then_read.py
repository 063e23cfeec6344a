"""Every live part of a page subscribes first and reads second (components/live.py, Changes):
a change committed right after a part's read, before the page would otherwise have subscribed,
still shows. Each test makes the part's service read commit a change just after reading (and
before the page has the answer), then waits for the page to show that change."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from types import ModuleType
from typing import Any

import pytest
from nicegui.testing.user import User

from components.queue_view import QueueView
from equeue_ui import demo as demo_data
from equeue_ui.services import (
    accounts,
    boards,
    groups,
    progress,
    queues,
    site,
    subjects,
    submissions,
    tasks,
    teaching,
    workspace_stats,
    workspaces,
)
from equeue_ui.services.views import UserView
from tests.ui.helpers import (
    PATIENCE,
    DemoSubject,
    DemoWorld,
    account,
    elements,
    eventually,
    join_offered,
    label_texts_within,
    settle,
    sign_in,
    texts,
)

Change = Callable[[], Awaitable[Any]]


def change_right_after_reading(
    monkeypatch: pytest.MonkeyPatch, module: ModuleType, name: str, change: Change
) -> None:
    """The next call of ``module.name`` reads, then commits ``change`` before it returns: the
    page gets data without the change, and its event is published before the page is done."""
    read = getattr(module, name)
    changed = False

    async def read_then_change(*args: Any, **kwargs: Any) -> Any:
        nonlocal changed
        found = await read(*args, **kwargs)
        if not changed:
            changed = True
            await change()
        return found

    monkeypatch.setattr(module, name, read_then_change)


async def open_as(user: User, username: str, path: str) -> None:
    await sign_in(user, username)
    await user.open(path)


# --- statistics ---------------------------------------------------------------------------------


async def test_subject_statistics_show_a_hand_in_made_right_after_they_were_read(
    user: User, demo: DemoWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    subject = demo.open_subject
    student3 = await account("student3")  # Дмитрий Соколов: two of the tasks handed in

    async def hand_in() -> None:
        await submissions.mark_handed_in(subject.task_ids[2], actor=student3)

    change_right_after_reading(monkeypatch, progress, "subject_stats", hand_in)
    await open_as(user, "teacher", f"/subjects/{subject.id}/stats")

    def dmitry() -> dict[str, Any]:
        (matrix,) = elements(user, marker="progress-matrix")
        rows = {row["student"]: row for row in matrix.rows}  # type: ignore[attr-defined]
        return dict(rows["Дмитрий Соколов"])

    await eventually(lambda: dmitry()["total"] == f"3/{len(subject.task_ids)}", what="3 of 3")
    await settle(user)


async def test_workspace_statistics_show_a_subject_made_right_after_they_were_read(
    user: User, demo: DemoWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    leader = await account("leader")

    async def new_subject() -> None:
        await subjects.create_subject(demo.workspace_id, name="Теория игр", actor=leader)

    change_right_after_reading(monkeypatch, workspace_stats, "workspace_stats", new_subject)
    await open_as(user, "leader", f"/workspaces/{demo.workspace_id}/stats")

    def names() -> set[str]:
        (table,) = elements(user, marker="workspace-stats")
        return {row["name"] for row in table.rows}  # type: ignore[attr-defined]

    await eventually(lambda: "Теория игр" in names(), what="the new subject listed")
    await settle(user)


# --- workspace settings -------------------------------------------------------------------------


async def test_workspace_settings_show_a_rename_made_right_after_the_workspace_was_read(
    user: User, demo: DemoWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    leader = await account("leader")

    async def rename() -> None:
        await workspaces.rename_workspace(demo.workspace_id, "Весна 2027", actor=leader)

    change_right_after_reading(monkeypatch, workspaces, "get_workspace", rename)
    await open_as(user, "leader", f"/workspaces/{demo.workspace_id}/settings")
    await eventually(lambda: texts(user, "settings-workspace-name") == ["Весна 2027"])
    await settle(user)


async def test_workspace_settings_show_a_request_decided_right_after_the_requests_were_read(
    user: User, demo: DemoWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    leader = await account("leader")

    async def approve() -> None:
        await workspaces.approve(demo.workspace_id, demo.users["applicant"], actor=leader)

    # The join requests are the page's first list of members.
    change_right_after_reading(monkeypatch, workspaces, "list_members", approve)
    await open_as(user, "leader", f"/workspaces/{demo.workspace_id}/settings")
    await user.should_not_see(marker="join-request", retries=PATIENCE)
    await user.should_not_see(marker="pending-count")
    await settle(user)


async def test_workspace_settings_show_a_subject_made_right_after_the_subjects_were_read(
    user: User, demo: DemoWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    leader = await account("leader")

    async def new_subject() -> None:
        await subjects.create_subject(demo.workspace_id, name="Теория игр", actor=leader)

    change_right_after_reading(monkeypatch, subjects, "list_subjects", new_subject)
    await open_as(user, "leader", f"/workspaces/{demo.workspace_id}/settings")
    await eventually(lambda: "Теория игр" in texts(user, "subject-row-name"), what="the subject")
    await settle(user)


# --- subject settings ---------------------------------------------------------------------------


async def test_subject_settings_show_a_task_made_right_after_the_tasks_were_read(
    user: User, demo: DemoWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    subject, leader = demo.open_subject, await account("leader")

    async def new_task() -> None:
        await tasks.create_task(subject.id, actor=leader, name="Лабораторная работа 9")

    change_right_after_reading(monkeypatch, tasks, "list_tasks", new_task)
    await open_as(user, "leader", f"/subjects/{subject.id}/settings")
    await eventually(
        lambda: "Лабораторная работа 9" in texts(user, "task-row-name"), what="the new task"
    )
    await settle(user)


async def test_subject_settings_show_a_rename_made_right_after_the_subject_was_read(
    user: User, demo: DemoWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    subject, leader = demo.open_subject, await account("leader")
    current = await subjects.get_subject(subject.id, actor=leader)

    async def rename() -> None:
        await subjects.update_subject(
            subject.id,
            actor=leader,
            name="Алгоритмы 2",
            teacher_name=current.teacher_name,
            teacher_contact=current.teacher_contact,
            requirements=current.requirements,
        )

    change_right_after_reading(monkeypatch, subjects, "get_subject", rename)
    await open_as(user, "leader", f"/subjects/{subject.id}/settings")
    await eventually(lambda: texts(user, "settings-subject-name") == ["Алгоритмы 2"])
    await settle(user)


async def test_subject_settings_show_queue_settings_changed_right_after_they_were_read(
    user: User, demo: DemoWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    subject, leader = demo.open_subject, await account("leader")
    snapshot = await queues.get_snapshot(subject.queue_id, actor=leader)

    async def limit() -> None:
        await queues.update_settings(
            subject.queue_id,
            actor=leader,
            members_can_freeze=snapshot.members_can_freeze,
            max_size=12,
            opens_at=snapshot.opens_at,
            closes_at=snapshot.closes_at,
        )

    change_right_after_reading(monkeypatch, queues, "get_snapshot", limit)
    await open_as(user, "leader", f"/subjects/{subject.id}/settings")
    await eventually(lambda: "At most 12 people" in texts(user, "queue-fact"), what="the limit")
    await settle(user)


async def test_subject_settings_show_a_teacher_invite_made_right_after_they_were_read(
    user: User, demo: DemoWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    subject, leader = demo.open_subject, await account("leader")

    async def invite() -> None:
        await teaching.create_invite(subject.id, actor=leader)

    change_right_after_reading(monkeypatch, teaching, "list_invites", invite)
    await open_as(user, "leader", f"/subjects/{subject.id}/settings")
    await eventually(lambda: elements(user, marker="teacher-invite"), what="the invite listed")
    await settle(user)


async def test_subject_settings_show_a_board_link_made_right_after_they_were_read(
    user: User, demo: DemoWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    subject, leader = demo.open_subject, await account("leader")

    async def link() -> None:
        await boards.create_display_link(subject.queue_id, actor=leader, label="ауд. 4-12")

    change_right_after_reading(monkeypatch, boards, "list_display_links", link)
    await open_as(user, "leader", f"/subjects/{subject.id}/settings")
    await eventually(lambda: elements(user, marker="display-link"), what="the link listed")
    await settle(user)


# --- the start page, the workspace page, the subject page and the queue page -------------------


async def test_the_start_page_shows_a_group_renamed_right_after_it_was_read(
    user: User, demo: DemoWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    admin = await account("admin")

    async def rename() -> None:
        await groups.rename_group(demo.group_id, "КИ21-16/3Б", actor=admin)

    await sign_in(user, "student5")
    change_right_after_reading(monkeypatch, groups, "get_group", rename)
    await user.open("/")
    await eventually(lambda: texts(user, "my-group") == ["Group: КИ21-16/3Б"], what="renamed")
    await settle(user)


async def test_the_start_page_shows_a_workspace_made_right_after_they_were_read(
    user: User, demo: DemoWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    student5 = await account("student5")

    async def new_workspace() -> None:
        await workspaces.create_workspace("Летняя практика", actor=student5)

    await sign_in(user, "newcomer")
    # the list's second read: the workspaces of the group
    change_right_after_reading(monkeypatch, workspaces, "list_group_workspaces", new_workspace)
    await user.open("/")
    await user.should_see("Летняя практика", retries=PATIENCE)
    await settle(user)


async def test_the_workspace_page_shows_a_subject_made_right_after_they_were_read(
    user: User, demo: DemoWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    leader = await account("leader")

    async def new_subject() -> None:
        await subjects.create_subject(demo.workspace_id, name="Теория игр", actor=leader)

    await sign_in(user, "student5")
    change_right_after_reading(monkeypatch, subjects, "list_subjects", new_subject)
    await user.open(f"/workspaces/{demo.workspace_id}")
    await user.should_see("Теория игр", retries=PATIENCE)
    await settle(user)


async def test_the_subject_page_offers_the_next_task_when_one_was_handed_in_after_the_read(
    user: User, demo: DemoWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    subject, student9 = demo.open_subject, await account("student9")  # not in the queue
    first, then, *_ = await tasks_not_handed_in(subject, student9)

    async def hand_in() -> None:
        await submissions.mark_handed_in(first, actor=student9)

    await sign_in(user, "student9")
    # The page reads the hand-ins for the offer to join first, then for its list of tasks.
    change_right_after_reading(monkeypatch, submissions, "handed_in_task_ids", hand_in)
    await user.open(f"/subjects/{subject.id}")
    await join_offered(user)
    await eventually(lambda: join_offer_of(user).task == then, what="the next task")
    await settle(user)


async def test_the_queue_page_offers_the_next_task_when_one_was_handed_in_after_the_read(
    user: User, demo: DemoWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    subject, student9 = demo.open_subject, await account("student9")  # not in the queue
    first, then, *_ = await tasks_not_handed_in(subject, student9)

    async def hand_in() -> None:
        await submissions.mark_handed_in(first, actor=student9)

    await sign_in(user, "student9")
    change_right_after_reading(monkeypatch, queues, "page", hand_in)
    await user.open(f"/queues/{subject.queue_id}")
    await join_offered(user)
    await eventually(lambda: join_offer_of(user).task == then, what="the next task")
    await settle(user)


async def tasks_not_handed_in(subject: DemoSubject, student: UserView) -> list[int]:
    handed_in = await submissions.handed_in_task_ids(subject.id, actor=student)
    left = [task_id for task_id in subject.task_ids if task_id not in handed_in]
    assert len(left) >= 2, "the demo student should have two tasks to hand in"
    return left


def join_offer_of(user: User) -> Any:
    (view,) = elements(user, QueueView, marker="queue-view")
    return view.offer


# --- the console and the board ------------------------------------------------------------------


async def test_the_console_stops_for_a_teacher_unassigned_right_after_the_rights_were_read(
    user: User, demo: DemoWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    subject = demo.open_subject
    teacher, leader = await account("teacher"), await account("leader")

    async def unassign() -> None:
        await subjects.unassign_teacher(subject.id, teacher.id, actor=leader)

    await sign_in(user, "teacher")
    change_right_after_reading(monkeypatch, queues, "page", unassign)
    await user.open(f"/queues/{subject.queue_id}/console")
    await user.should_see(marker="refusal", retries=PATIENCE)
    await user.should_not_see(marker="call-next")
    await settle(user)


async def test_a_board_whose_link_is_revoked_right_after_it_was_read_stops(
    user: User, demo: DemoWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    subject, leader = demo.open_subject, await account("leader")
    link = await boards.create_display_link(subject.queue_id, actor=leader)
    (made,) = await boards.list_display_links(subject.queue_id, actor=leader)

    async def revoke() -> None:
        await boards.revoke_display_link(made.id, actor=leader)

    change_right_after_reading(monkeypatch, boards, "board_for_link", revoke)
    await user.open(f"/board/{link.token}")
    await user.should_see(marker="refusal", retries=PATIENCE)
    await user.should_not_see(marker="board")


# --- site administration ------------------------------------------------------------------------


async def test_the_users_tab_shows_a_role_given_right_after_the_users_were_read(
    user: User, demo: DemoWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    admin = await account("admin")

    async def make_teacher() -> None:
        await accounts.set_roles(demo.users["student5"], actor=admin, teacher=True)

    await sign_in(user, "admin", demo_data.ADMIN_PASSWORD)
    change_right_after_reading(monkeypatch, accounts, "search_users", make_teacher)
    await user.open("/admin/users")

    def student5_teaches() -> bool:
        for card in elements(user, marker="admin-user"):
            if "@student5" in label_texts_within(card):
                (switch,) = [e for e in card.descendants() if "role-teacher" in e._markers]
                return bool(switch.value)  # type: ignore[attr-defined]
        return False

    await eventually(student5_teaches, what="student5 shown as a teacher")
    await settle(user)


async def test_the_groups_tab_shows_a_group_renamed_right_after_the_groups_were_read(
    user: User, demo: DemoWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    admin = await account("admin")

    async def rename() -> None:
        await groups.rename_group(demo.group_id, "КИ21-16/3Б", actor=admin)

    await sign_in(user, "admin", demo_data.ADMIN_PASSWORD)
    change_right_after_reading(monkeypatch, groups, "list_groups", rename)
    await user.open("/admin/groups")
    await eventually(lambda: "КИ21-16/3Б" in texts(user, "group-name"), what="the new name")
    await settle(user)


async def test_the_site_settings_show_a_change_saved_right_after_they_were_read(
    user: User, demo: DemoWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    admin = await account("admin")
    before = await site.get_site_settings(actor=admin)

    async def switch() -> None:
        await site.update_site_settings(
            actor=admin, registration_enabled=not before.registration_enabled
        )

    await sign_in(user, "admin", demo_data.ADMIN_PASSWORD)
    change_right_after_reading(monkeypatch, site, "get_site_settings", switch)
    await user.open("/admin/settings")

    def registration() -> Any:
        (found,) = elements(user, marker="setting-registration")
        return found.value  # type: ignore[attr-defined]

    await eventually(lambda: registration() is (not before.registration_enabled))
    await settle(user)


async def test_the_group_choice_shows_a_group_renamed_right_after_the_search(
    user: User, demo: DemoWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    admin = await account("admin")

    async def rename() -> None:
        await groups.rename_group(demo.group_id, "КИ21-16/3Б", actor=admin)

    await sign_in(user, "student5")
    change_right_after_reading(monkeypatch, groups, "search_groups", rename)
    await user.open("/groups")
    await user.should_see("КИ21-16/3Б", retries=PATIENCE)
    await settle(user)
