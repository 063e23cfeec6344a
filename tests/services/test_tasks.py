"""Tasks of a subject (SPEC §1, §2): workspace admins manage them, in an explicit order."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from db.models import Task
from equeue_ui.errors import ConflictError, ForbiddenError, InvalidError, NotFoundError
from equeue_ui.events import TaskChanged
from equeue_ui.runtime import Runtime
from equeue_ui.services import subjects, tasks
from equeue_ui.services.views import SubjectView, TaskView
from tests.services import factories
from tests.services.factories import World

# Everyone but the workspace's admins; the subject's teacher is assigned in the fixture.
NOT_ADMINS = ["member", "pending", "rejected", "outsider", "teacher"]


@pytest.fixture
async def world(rt: Runtime) -> World:
    return await factories.make_world(rt)


@pytest.fixture
async def subject(rt: Runtime, world: World) -> SubjectView:
    created = await subjects.create_subject(world.workspace_id, actor=world.admin, name="Algebra")
    await factories.assign_teacher(rt, created.id, world.teacher)
    return created


async def add_tasks(world: World, subject: SubjectView, *names: str) -> list[TaskView]:
    return [await tasks.create_task(subject.id, actor=world.admin, name=name) for name in names]


async def order(world: World, subject: SubjectView) -> list[tuple[str, int]]:
    listed = await tasks.list_tasks(subject.id, actor=world.admin)
    return [(task.name, task.order_index) for task in listed]


async def task_count(rt: Runtime) -> int:
    async with rt.db.read_session() as session:
        return await session.scalar(select(func.count()).select_from(Task)) or 0


# --- creating ---------------------------------------------------------------------------------


async def test_new_tasks_are_appended_at_the_end(world: World, subject: SubjectView) -> None:
    await add_tasks(world, subject, "Lab 1", "Lab 2", "Lab 3")
    assert await order(world, subject) == [("Lab 1", 0), ("Lab 2", 1), ("Lab 3", 2)]


async def test_a_task_keeps_its_link_and_due_date_in_utc(
    world: World, subject: SubjectView
) -> None:
    krasnoyarsk = timezone(timedelta(hours=7))
    due = datetime(2030, 3, 1, 23, 59, tzinfo=krasnoyarsk)
    task = await tasks.create_task(
        subject.id,
        actor=world.admin,
        name=" Lab  1 ",
        url=" https://e.sfu-kras.ru/mod/assign/view.php?id=1 ",
        due_at=due,
    )
    [listed] = await tasks.list_tasks(subject.id, actor=world.member)
    assert listed == task
    assert listed.name == "Lab 1"
    assert listed.url == "https://e.sfu-kras.ru/mod/assign/view.php?id=1"
    assert listed.due_at == due
    assert listed.due_at is not None and listed.due_at.utcoffset() == timedelta(0)


async def test_a_site_admin_may_add_tasks(world: World, subject: SubjectView) -> None:
    await tasks.create_task(subject.id, actor=world.site_admin, name="Lab 1")
    assert await order(world, subject) == [("Lab 1", 0)]


@pytest.mark.parametrize("role", NOT_ADMINS)
async def test_only_workspace_admins_may_add_tasks(
    rt: Runtime, world: World, subject: SubjectView, role: str
) -> None:
    with pytest.raises(ForbiddenError):
        await tasks.create_task(subject.id, actor=world.by_role(role), name="Lab 1")
    assert await task_count(rt) == 0


@pytest.mark.parametrize("name", ["", "   ", "x" * 256])
async def test_empty_or_too_long_task_names_are_refused_and_nothing_is_written(
    rt: Runtime, world: World, subject: SubjectView, name: str
) -> None:
    with pytest.raises(InvalidError):
        await tasks.create_task(subject.id, actor=world.admin, name=name)
    assert await task_count(rt) == 0


async def test_a_duplicate_task_name_in_the_subject_is_a_conflict(
    rt: Runtime, world: World, subject: SubjectView
) -> None:
    await add_tasks(world, subject, "Lab 1")
    with pytest.raises(ConflictError):
        await tasks.create_task(subject.id, actor=world.admin, name="Lab  1")
    assert await task_count(rt) == 1


async def test_the_same_task_name_is_fine_in_another_subject(
    rt: Runtime, world: World, subject: SubjectView
) -> None:
    other = await subjects.create_subject(world.workspace_id, actor=world.admin, name="Biology")
    await add_tasks(world, subject, "Lab 1")
    await add_tasks(world, other, "Lab 1")
    assert await task_count(rt) == 2


async def test_a_due_date_without_a_time_zone_is_refused(
    rt: Runtime, world: World, subject: SubjectView
) -> None:
    with pytest.raises(InvalidError):
        await tasks.create_task(
            subject.id, actor=world.admin, name="Lab 1", due_at=datetime(2030, 1, 1)
        )
    assert await task_count(rt) == 0


async def test_a_link_must_be_http_or_https(
    rt: Runtime, world: World, subject: SubjectView
) -> None:
    with pytest.raises(InvalidError):
        await tasks.create_task(subject.id, actor=world.admin, name="Lab", url="ftp://x.org/a")
    assert await task_count(rt) == 0


async def test_tasks_added_at_once_get_distinct_places(world: World, subject: SubjectView) -> None:
    await asyncio.gather(*(add_tasks(world, subject, f"Lab {n}") for n in range(5)))
    assert sorted(index for _, index in await order(world, subject)) == [0, 1, 2, 3, 4]


async def test_adding_to_a_missing_subject_is_not_found(world: World) -> None:
    with pytest.raises(NotFoundError):
        await tasks.create_task(999_999, actor=world.site_admin, name="Lab 1")


async def test_task_changed_is_published_after_each_change(
    rt: Runtime, world: World, subject: SubjectView
) -> None:
    seen: list[TaskChanged] = []
    rt.bus.subscribe(TaskChanged, seen.append)
    first, second = await add_tasks(world, subject, "Lab 1", "Lab 2")
    await tasks.reorder_tasks(subject.id, [second.id, first.id], actor=world.admin)
    await tasks.delete_task(first.id, actor=world.admin)
    with pytest.raises(ForbiddenError):
        await tasks.delete_task(second.id, actor=world.member)
    assert seen == [
        TaskChanged(subject.id, first.id),
        TaskChanged(subject.id, second.id),
        TaskChanged(subject.id, None),
        TaskChanged(subject.id, first.id),
    ]


# --- editing and deleting ---------------------------------------------------------------------


async def test_a_workspace_admin_edits_a_task(world: World, subject: SubjectView) -> None:
    [task] = await add_tasks(world, subject, "Lab 1")
    due = datetime(2031, 5, 1, 12, tzinfo=UTC)
    changed = await tasks.update_task(
        task.id, actor=world.admin, name="Lab 1a", url="https://x.org", due_at=due
    )
    assert (changed.name, changed.url, changed.due_at, changed.order_index) == (
        "Lab 1a",
        "https://x.org",
        due,
        0,
    )
    assert await tasks.list_tasks(subject.id, actor=world.member) == [changed]


@pytest.mark.parametrize("role", NOT_ADMINS)
async def test_only_workspace_admins_may_edit_or_delete_tasks(
    world: World, subject: SubjectView, role: str
) -> None:
    [task] = await add_tasks(world, subject, "Lab 1")
    actor = world.by_role(role)
    with pytest.raises(ForbiddenError):
        await tasks.update_task(task.id, actor=actor, name="Hacked", url=None, due_at=None)
    with pytest.raises(ForbiddenError):
        await tasks.delete_task(task.id, actor=actor)
    with pytest.raises(ForbiddenError):
        await tasks.reorder_tasks(subject.id, [task.id], actor=actor)
    with pytest.raises(ForbiddenError):
        await tasks.move_task(task.id, actor=actor, delta=1)
    assert await tasks.list_tasks(subject.id, actor=world.admin) == [task]


async def test_renaming_a_task_to_a_taken_or_empty_name_changes_nothing(
    world: World, subject: SubjectView
) -> None:
    first, second = await add_tasks(world, subject, "Lab 1", "Lab 2")
    with pytest.raises(ConflictError):
        await tasks.update_task(second.id, actor=world.admin, name="Lab 1", url=None, due_at=None)
    with pytest.raises(InvalidError):
        await tasks.update_task(second.id, actor=world.admin, name=" ", url=None, due_at=None)
    assert await tasks.list_tasks(subject.id, actor=world.admin) == [first, second]


async def test_order_stays_contiguous_after_a_delete(world: World, subject: SubjectView) -> None:
    _, second, _, _ = await add_tasks(world, subject, "A", "B", "C", "D")
    await tasks.delete_task(second.id, actor=world.admin)
    assert await order(world, subject) == [("A", 0), ("C", 1), ("D", 2)]
    await add_tasks(world, subject, "E")
    assert await order(world, subject) == [("A", 0), ("C", 1), ("D", 2), ("E", 3)]


async def test_deleting_a_missing_task_is_not_found(world: World, subject: SubjectView) -> None:
    [task] = await add_tasks(world, subject, "A")
    await tasks.delete_task(task.id, actor=world.admin)
    with pytest.raises(NotFoundError):
        await tasks.delete_task(task.id, actor=world.admin)


# --- ordering ---------------------------------------------------------------------------------


async def test_reordering_numbers_the_tasks_in_the_given_order(
    world: World, subject: SubjectView
) -> None:
    a, b, c = await add_tasks(world, subject, "A", "B", "C")
    await tasks.reorder_tasks(subject.id, [c.id, a.id, b.id], actor=world.admin)
    assert await order(world, subject) == [("C", 0), ("A", 1), ("B", 2)]


async def test_reordering_must_list_exactly_the_subjects_tasks(
    world: World, subject: SubjectView
) -> None:
    a, b, c = await add_tasks(world, subject, "A", "B", "C")
    other = await subjects.create_subject(world.workspace_id, actor=world.admin, name="Biology")
    [foreign] = await add_tasks(world, other, "X")
    for wrong in (
        [a.id, b.id],
        [a.id, b.id, c.id, foreign.id],
        [a.id, b.id, b.id],
        [a.id, b.id, c.id, c.id],
        [a.id, b.id, foreign.id],
    ):
        with pytest.raises(InvalidError):
            await tasks.reorder_tasks(subject.id, wrong, actor=world.admin)
    assert await order(world, subject) == [("A", 0), ("B", 1), ("C", 2)]


async def test_moving_a_task_swaps_it_with_its_neighbour_and_stops_at_the_ends(
    world: World, subject: SubjectView
) -> None:
    a, b, c = await add_tasks(world, subject, "A", "B", "C")
    await tasks.move_task(c.id, actor=world.admin, delta=-1)
    assert await order(world, subject) == [("A", 0), ("C", 1), ("B", 2)]
    await tasks.move_task(a.id, actor=world.admin, delta=-1)
    await tasks.move_task(b.id, actor=world.admin, delta=+1)
    assert await order(world, subject) == [("A", 0), ("C", 1), ("B", 2)]
    await tasks.move_task(a.id, actor=world.admin, delta=+5)
    assert await order(world, subject) == [("C", 0), ("B", 1), ("A", 2)]


# --- reading ----------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["member", "admin", "teacher", "site_admin"])
async def test_members_the_subjects_teachers_and_site_admins_see_the_tasks(
    world: World, subject: SubjectView, role: str
) -> None:
    created = await add_tasks(world, subject, "Lab 1", "Lab 2")
    assert await tasks.list_tasks(subject.id, actor=world.by_role(role)) == created


@pytest.mark.parametrize("role", ["pending", "rejected", "outsider"])
async def test_a_non_member_cannot_see_the_tasks(
    world: World, subject: SubjectView, role: str
) -> None:
    await add_tasks(world, subject, "Lab 1")
    with pytest.raises(ForbiddenError):
        await tasks.list_tasks(subject.id, actor=world.by_role(role))


async def test_a_teacher_of_another_subject_cannot_see_the_tasks(
    rt: Runtime, world: World, subject: SubjectView
) -> None:
    other_teacher = await factories.make_user(rt, "other_teacher", teacher=True)
    await add_tasks(world, subject, "Lab 1")
    with pytest.raises(ForbiddenError):
        await tasks.list_tasks(subject.id, actor=other_teacher)
