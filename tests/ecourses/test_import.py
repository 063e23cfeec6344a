"""Subject and task import from eCourses, end to end (SQLite and PostgreSQL, fake over HTTP)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from db.models import AuditLog, User
from equeue_ui.ecourses.errors import EcoursesTokenExpired
from equeue_ui.ecourses.fake.data import DEMO_PASSWORD
from equeue_ui.errors import ConflictError, ForbiddenError, InvalidError
from equeue_ui.events import SubjectChanged, TaskChanged
from equeue_ui.runtime import Runtime
from equeue_ui.services import ecourses_accounts, subjects, tasks
from equeue_ui.services.ecourses_accounts import EcoursesSignInNeeded
from equeue_ui.services.ecourses_import import import_subjects, propose_subjects
from equeue_ui.services.ecourses_tasks import (
    TaskStatus,
    import_tasks,
    link_course,
    preview_tasks,
)
from equeue_ui.services.views import UserView
from tests.ecourses.conftest import Fake
from tests.services import factories

SP, NETWORKS, WEB, ARCHIVE, DATABASES, NETS = 201, 202, 203, 204, 205, 206
SP_NAME = "Системное программирование"


async def leader_world(rt: Runtime) -> tuple[UserView, int]:
    """The workspace admin, linked to the fake's ``a.smirnova`` (enrolled in all six)."""
    group = await factories.make_group(rt)
    leader = await factories.make_user(rt, "leader", group=group)
    workspace_id = await factories.make_workspace(rt, group, leader)
    linked = await ecourses_accounts.connect_ecourses("a.smirnova", DEMO_PASSWORD, actor=leader)
    return linked, workspace_id


async def imported_sp(rt: Runtime) -> tuple[UserView, int]:
    leader, workspace_id = await leader_world(rt)
    await import_subjects(workspace_id, [SP], actor=leader)
    (subject,) = await subjects.list_subjects(workspace_id, actor=leader)
    return leader, subject.id


async def test_proposals_are_the_admins_courses_visible_and_recent_first(ert: Runtime) -> None:
    leader, workspace_id = await leader_world(ert)
    proposals = await propose_subjects(workspace_id, actor=leader)
    # Opened 2 h, 8 h, 20 h, 50 h ago, then never; the hidden archive comes last.
    assert [p.course_id for p in proposals] == [SP, NETS, NETWORKS, DATABASES, WEB, ARCHIVE]
    assert proposals[0].name == SP_NAME
    assert proposals[0].url.endswith("/course/view.php?id=201")
    assert [p.visible for p in proposals] == [True, True, True, True, True, False]


async def test_already_imported_courses_are_not_proposed_again(ert: Runtime) -> None:
    leader, workspace_id = await leader_world(ert)
    await import_subjects(workspace_id, [NETWORKS], actor=leader)
    proposals = await propose_subjects(workspace_id, actor=leader)
    assert [p.course_id for p in proposals] == [SP, NETS, DATABASES, WEB, ARCHIVE]


async def test_a_course_named_like_an_existing_subject_is_flagged(ert: Runtime) -> None:
    leader, workspace_id = await leader_world(ert)
    await subjects.create_subject(workspace_id, actor=leader, name="Базы данных")
    proposals = {p.course_id: p for p in await propose_subjects(workspace_id, actor=leader)}
    assert proposals[DATABASES].name_taken
    assert not proposals[SP].name_taken


async def test_chosen_courses_become_subjects_linked_to_ecourses(ert: Runtime, fake: Fake) -> None:
    leader, workspace_id = await leader_world(ert)
    heard: list[object] = []
    ert.bus.subscribe(SubjectChanged, heard.append)
    result = await import_subjects(workspace_id, [WEB, SP], actor=leader)
    assert set(result.created) == {SP_NAME, "Web-программирование"}
    assert result.skipped == ()
    made = {s.name: s for s in await subjects.list_subjects(workspace_id, actor=leader)}
    assert made[SP_NAME].ecourses_course_id == SP
    assert made[SP_NAME].ecourses_url == f"{fake.url}/course/view.php?id=201"
    assert made[SP_NAME].queue_id is not None
    assert len(heard) == 2
    async with ert.db.read_session() as session:
        actions = list(await session.scalars(select(AuditLog.action)))
    assert actions == ["ecourses.import_subjects"]


async def test_importing_again_or_over_a_same_named_subject_skips_and_reports(
    ert: Runtime,
) -> None:
    leader, workspace_id = await leader_world(ert)
    await import_subjects(workspace_id, [SP], actor=leader)
    await subjects.create_subject(workspace_id, actor=leader, name="Компьютерные сети")
    result = await import_subjects(workspace_id, [SP, NETWORKS, WEB], actor=leader)
    assert result.created == ("Web-программирование",)
    assert set(result.skipped) == {SP_NAME, "Компьютерные сети"}


async def test_courses_the_admin_is_not_enrolled_in_are_ignored(ert: Runtime) -> None:
    leader, workspace_id = await leader_world(ert)
    result = await import_subjects(workspace_id, [999], actor=leader)
    assert result.created == () and result.skipped == ()
    assert await subjects.list_subjects(workspace_id, actor=leader) == []


async def test_choosing_nothing_is_refused(ert: Runtime) -> None:
    leader, workspace_id = await leader_world(ert)
    with pytest.raises(InvalidError):
        await import_subjects(workspace_id, [], actor=leader)


async def test_only_workspace_admins_import(ert: Runtime) -> None:
    _leader, workspace_id = await leader_world(ert)
    group = await factories.make_group(ert, "КИ22-01Б")
    member = await factories.make_user(ert, "member", group=group)
    await factories.add_member(ert, workspace_id, member)
    await ecourses_accounts.connect_ecourses("a.ivanov", DEMO_PASSWORD, actor=member)
    with pytest.raises(ForbiddenError):
        await propose_subjects(workspace_id, actor=member)
    with pytest.raises(ForbiddenError):
        await import_subjects(workspace_id, [SP], actor=member)


async def test_an_admin_without_an_ecourses_sign_in_is_asked_for_one(ert: Runtime) -> None:
    group = await factories.make_group(ert)
    leader = await factories.make_user(ert, "leader", group=group)
    workspace_id = await factories.make_workspace(ert, group, leader)
    with pytest.raises(EcoursesSignInNeeded):
        await propose_subjects(workspace_id, actor=leader)


async def test_an_expired_token_is_forgotten_and_the_admin_asked_to_sign_in_again(
    ert: Runtime, fake: Fake
) -> None:
    leader, workspace_id = await leader_world(ert)
    fake.control(expire_tokens=True)
    with pytest.raises(EcoursesTokenExpired):
        await propose_subjects(workspace_id, actor=leader)
    assert not await ecourses_accounts.has_ecourses_token(actor=leader)
    with pytest.raises(EcoursesSignInNeeded):
        await propose_subjects(workspace_id, actor=leader)


async def test_the_task_preview_lists_assignments_in_section_order_with_the_section_rule(
    ert: Runtime,
) -> None:
    leader, subject_id = await imported_sp(ert)
    preview = await preview_tasks(subject_id, actor=leader)
    assert [(p.name, p.status) for p in preview] == [
        ("Лабораторная работа 1. Процессы (Лабораторные работы)", TaskStatus.RENAMED),
        ("Лабораторная работа 2. Потоки", TaskStatus.NEW),
        ("Лабораторная работа 3. Синхронизация", TaskStatus.NEW),
        ("Лабораторная работа 1. Процессы (Дополнительные задания)", TaskStatus.RENAMED),
        ("Реферат", TaskStatus.NEW),
    ]
    assert preview[1].due_at == datetime(2026, 10, 4, 16, 59, tzinfo=UTC)
    assert preview[4].due_at is None
    assert preview[0].section == "Лабораторные работы"


async def test_tasks_are_imported_in_order_with_due_dates_links_and_ecourses_ids(
    ert: Runtime, fake: Fake
) -> None:
    leader, subject_id = await imported_sp(ert)
    await tasks.create_task(subject_id, actor=leader, name="Вводное занятие")
    heard: list[object] = []
    ert.bus.subscribe(TaskChanged, heard.append)
    result = await import_tasks(subject_id, actor=leader)
    assert len(result.created) == 5 and result.skipped == ()
    made = await tasks.list_tasks(subject_id, actor=leader)
    assert [t.name for t in made][:3] == [
        "Вводное занятие",
        "Лабораторная работа 1. Процессы (Лабораторные работы)",
        "Лабораторная работа 2. Потоки",
    ]
    assert [t.order_index for t in made] == list(range(6))
    assert made[1].ecourses_id == 7011
    assert made[1].url == f"{fake.url}/mod/assign/view.php?id=7011"
    assert made[1].due_at == datetime(2026, 9, 20, 16, 59, tzinfo=UTC)
    assert len(heard) == 1


async def test_a_second_import_skips_what_is_there_and_reports_it(ert: Runtime) -> None:
    leader, subject_id = await imported_sp(ert)
    await tasks.create_task(subject_id, actor=leader, name="Реферат")
    first = await import_tasks(subject_id, actor=leader)
    assert first.skipped == ("Реферат",) and len(first.created) == 4
    preview = await preview_tasks(subject_id, actor=leader)
    assert {p.status for p in preview} == {TaskStatus.DUPLICATE}
    second = await import_tasks(subject_id, actor=leader)
    assert second.created == () and len(second.skipped) == 5
    assert len(await tasks.list_tasks(subject_id, actor=leader)) == 5


async def test_a_subject_without_a_course_cannot_import_tasks(ert: Runtime) -> None:
    leader, workspace_id = await leader_world(ert)
    manual = await subjects.create_subject(workspace_id, actor=leader, name="Физкультура")
    with pytest.raises(InvalidError):
        await preview_tasks(manual.id, actor=leader)


async def test_a_failed_ecourses_call_imports_nothing(ert: Runtime, fake: Fake) -> None:
    leader, subject_id = await imported_sp(ert)
    fake.control(fault="http500")
    with pytest.raises(Exception, match="HTTP 500"):
        await import_tasks(subject_id, actor=leader)
    assert await tasks.list_tasks(subject_id, actor=leader) == []
    async with ert.db.read_session() as session:
        assert await session.scalar(
            select(User.ecourses_token_encrypted).where(User.id == leader.id)
        )


async def test_a_hand_made_subject_is_linked_to_a_course_then_imports_its_assignments(
    ert: Runtime, fake: Fake
) -> None:
    leader, workspace_id = await leader_world(ert)
    manual = await subjects.create_subject(workspace_id, actor=leader, name="Базы данных")
    linked = await link_course(manual.id, DATABASES, actor=leader)
    assert linked.ecourses_course_id == DATABASES
    assert linked.ecourses_url == f"{fake.url}/course/view.php?id=205"
    preview = await preview_tasks(manual.id, actor=leader)
    assert [(p.name, p.status) for p in preview] == [
        ("Лабораторная работа №1. ER-диаграмма", TaskStatus.NEW),
        ("Индексы и планы запросов", TaskStatus.NEW),
    ]
    assert DATABASES not in [
        p.course_id for p in await propose_subjects(workspace_id, actor=leader)
    ]


async def test_linking_is_refused_for_foreign_taken_or_relinked_courses(ert: Runtime) -> None:
    leader, workspace_id = await leader_world(ert)
    await import_subjects(workspace_id, [SP], actor=leader)
    manual = await subjects.create_subject(workspace_id, actor=leader, name="Физкультура")
    with pytest.raises(InvalidError):
        await link_course(manual.id, 999, actor=leader)  # not enrolled
    with pytest.raises(ConflictError):
        await link_course(manual.id, SP, actor=leader)  # another subject has it
    await link_course(manual.id, WEB, actor=leader)
    with pytest.raises(ConflictError):
        await link_course(manual.id, NETWORKS, actor=leader)  # linked already
