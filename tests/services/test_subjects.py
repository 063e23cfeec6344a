"""Subjects and their teachers (SPEC §1, §2): who may create, see, edit and delete them."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from sqlalchemy import func, select

from db.models import Queue, QueueState, Subject, Task
from equeue_ui.errors import ConflictError, ForbiddenError, InvalidError, NotFoundError
from equeue_ui.events import SubjectChanged
from equeue_ui.runtime import Runtime
from equeue_ui.services import subjects, tasks
from equeue_ui.services.views import SubjectView
from tests.services import factories
from tests.services.factories import World

NOT_MEMBERS = ["pending", "rejected", "outsider", "teacher"]


@pytest.fixture
async def world(rt: Runtime) -> World:
    return await factories.make_world(rt)


async def subject_count(rt: Runtime) -> int:
    async with rt.db.read_session() as session:
        return await session.scalar(select(func.count()).select_from(Subject)) or 0


async def make_subject(world: World, name: str = "Algebra", **fields: Any) -> SubjectView:
    return await subjects.create_subject(world.workspace_id, actor=world.admin, name=name, **fields)


async def update(
    world: World, subject: SubjectView, actor_role: str, **changes: str
) -> SubjectView:
    fields = {
        "name": subject.name,
        "teacher_name": subject.teacher_name,
        "teacher_contact": subject.teacher_contact,
        "requirements": subject.requirements,
    }
    fields.update(changes)
    return await subjects.update_subject(subject.id, actor=world.by_role(actor_role), **fields)


# --- creating ---------------------------------------------------------------------------------


async def test_a_workspace_admin_creates_a_subject_with_a_closed_queue(
    rt: Runtime, world: World
) -> None:
    subject = await make_subject(
        world,
        "  Linear   algebra ",
        teacher_name=" Dr. Smith ",
        teacher_contact="smith@example.org",
        requirements="# Rules\nBring a report.",
        ecourses_url="https://e.sfu-kras.ru/course/view.php?id=7",
    )

    assert subject.name == "Linear algebra"
    assert subject.teacher_name == "Dr. Smith"
    assert subject.requirements == "# Rules\nBring a report."
    assert subject.workspace_id == world.workspace_id
    async with rt.db.read_session() as session:
        queue = await session.scalar(select(Queue).where(Queue.subject_id == subject.id))
    assert queue is not None
    assert subject.queue_id == queue.id
    assert (queue.state, queue.members_can_freeze, queue.version, queue.next_seq) == (
        QueueState.CLOSED,
        True,
        0,
        1,
    )


async def test_a_site_admin_may_create_a_subject_in_any_workspace(world: World) -> None:
    subject = await subjects.create_subject(
        world.workspace_id, actor=world.site_admin, name="Physics"
    )
    assert subject.queue_id is not None


@pytest.mark.parametrize("role", ["member", *NOT_MEMBERS])
async def test_only_admins_may_create_a_subject(rt: Runtime, world: World, role: str) -> None:
    with pytest.raises(ForbiddenError):
        await subjects.create_subject(world.workspace_id, actor=world.by_role(role), name="X")
    assert await subject_count(rt) == 0


async def test_a_blocked_admin_can_do_nothing(rt: Runtime, world: World) -> None:
    blocked = await factories.make_user(rt, "blocked", blocked=True)
    await factories.add_member(rt, world.workspace_id, blocked, role="admin")
    with pytest.raises(ForbiddenError):
        await subjects.create_subject(world.workspace_id, actor=blocked, name="X")
    assert await subject_count(rt) == 0


async def test_creating_in_a_missing_workspace_is_not_found(world: World) -> None:
    with pytest.raises(NotFoundError):
        await subjects.create_subject(999_999, actor=world.site_admin, name="X")


@pytest.mark.parametrize("name", ["", "   ", "\n\t", "x" * 256])
async def test_empty_or_too_long_names_are_refused_and_nothing_is_written(
    rt: Runtime, world: World, name: str
) -> None:
    with pytest.raises(InvalidError):
        await make_subject(world, name)
    assert await subject_count(rt) == 0


async def test_a_name_of_exactly_255_characters_is_accepted(world: World) -> None:
    subject = await make_subject(world, "x" * 255)
    assert len(subject.name) == 255


@pytest.mark.parametrize(
    "field, value",
    [
        ("teacher_name", "x" * 256),
        ("teacher_contact", "x" * 256),
        ("requirements", "x" * 20_001),
        ("ecourses_url", "javascript:alert(1)"),
    ],
)
async def test_overlong_details_or_a_bad_link_are_refused(
    rt: Runtime, world: World, field: str, value: str
) -> None:
    with pytest.raises(InvalidError):
        await make_subject(world, **{field: value})
    assert await subject_count(rt) == 0


async def test_requirements_may_be_twenty_thousand_characters_long(world: World) -> None:
    subject = await make_subject(world, requirements="x" * 20_000)
    assert len(subject.requirements) == 20_000


async def test_a_duplicate_name_in_the_workspace_is_a_conflict_and_writes_nothing(
    rt: Runtime, world: World
) -> None:
    await make_subject(world, "Algebra")
    with pytest.raises(ConflictError) as caught:
        await make_subject(world, " Algebra ")
    assert "already exists" in caught.value.message.msgid
    assert await subject_count(rt) == 1
    async with rt.db.read_session() as session:
        assert await session.scalar(select(func.count()).select_from(Queue)) == 1


async def test_two_admins_creating_the_same_subject_at_once_make_only_one(
    rt: Runtime, world: World
) -> None:
    results = await asyncio.gather(
        make_subject(world, "Algebra"), make_subject(world, "Algebra"), return_exceptions=True
    )
    assert sorted(type(result).__name__ for result in results) == ["ConflictError", "SubjectView"]
    assert await subject_count(rt) == 1


async def test_the_same_name_is_fine_in_another_workspace(rt: Runtime, world: World) -> None:
    group = await factories.make_group(rt, "ЭФ23-02")
    other_admin = await factories.make_user(rt, "other_admin", group=group)
    other = await factories.make_workspace(rt, group, other_admin)
    await make_subject(world, "Algebra")
    await subjects.create_subject(other, actor=other_admin, name="Algebra")
    assert await subject_count(rt) == 2


async def test_an_ecourses_course_links_to_one_subject_per_workspace(
    rt: Runtime, world: World
) -> None:
    await subjects.create_subject(
        world.workspace_id, actor=world.admin, name="A", ecourses_course_id=42
    )
    with pytest.raises(ConflictError):
        await subjects.create_subject(
            world.workspace_id, actor=world.admin, name="B", ecourses_course_id=42
        )
    # Many manual subjects (no course) are allowed.
    await make_subject(world, "C")
    await make_subject(world, "D")
    assert await subject_count(rt) == 3


async def test_subject_changed_is_published_after_commit_and_not_on_failure(
    rt: Runtime, world: World
) -> None:
    seen: list[SubjectChanged] = []

    async def remember(event: SubjectChanged) -> None:
        async with rt.db.read_session() as session:  # the change is visible to subscribers
            assert await session.get(Subject, event.subject_id) is not None
        seen.append(event)

    rt.bus.subscribe(SubjectChanged, remember)
    subject = await make_subject(world)
    with pytest.raises(ConflictError):
        await make_subject(world)
    assert seen == [SubjectChanged(world.workspace_id, subject.id)]


# --- reading ----------------------------------------------------------------------------------


async def test_approved_members_see_the_subjects_in_name_order(world: World) -> None:
    for name in ["Physics", "algebra", "Chemistry"]:
        await make_subject(world, name)
    for role in ["member", "admin", "site_admin"]:
        listed = await subjects.list_subjects(world.workspace_id, actor=world.by_role(role))
        assert [s.name for s in listed] == ["algebra", "Chemistry", "Physics"]
        assert all(s.queue_id is not None for s in listed)


@pytest.mark.parametrize("role", NOT_MEMBERS)
async def test_a_non_member_cannot_see_the_subjects(world: World, role: str) -> None:
    subject = await make_subject(world)
    with pytest.raises(ForbiddenError):
        await subjects.list_subjects(world.workspace_id, actor=world.by_role(role))
    with pytest.raises(ForbiddenError):
        await subjects.get_subject(subject.id, actor=world.by_role(role))


async def test_a_pending_member_cannot_see_the_subjects(world: World) -> None:
    await make_subject(world)
    with pytest.raises(ForbiddenError):
        await subjects.list_subjects(world.workspace_id, actor=world.pending)


async def test_an_assigned_teacher_sees_their_subject_but_not_the_others(
    rt: Runtime, world: World
) -> None:
    taught = await make_subject(world, "Algebra")
    other = await make_subject(world, "Biology")
    await factories.assign_teacher(rt, taught.id, world.teacher)

    assert await subjects.get_subject(taught.id, actor=world.teacher) == taught
    with pytest.raises(ForbiddenError):
        await subjects.get_subject(other.id, actor=world.teacher)
    with pytest.raises(ForbiddenError):
        await subjects.list_subjects(world.workspace_id, actor=world.teacher)


async def test_getting_a_missing_subject_is_not_found(world: World) -> None:
    with pytest.raises(NotFoundError):
        await subjects.get_subject(999_999, actor=world.member)


# --- editing ----------------------------------------------------------------------------------


async def test_a_workspace_admin_edits_every_field(world: World) -> None:
    subject = await make_subject(world)
    changed = await update(
        world,
        subject,
        "admin",
        name=" Higher algebra ",
        teacher_name="Dr. Jones",
        teacher_contact="room 101",
        requirements="New rules",
    )
    assert (changed.name, changed.teacher_name, changed.teacher_contact, changed.requirements) == (
        "Higher algebra",
        "Dr. Jones",
        "room 101",
        "New rules",
    )
    assert changed.queue_id == subject.queue_id
    assert await subjects.get_subject(subject.id, actor=world.member) == changed


async def test_a_subjects_teacher_may_edit_its_requirements(rt: Runtime, world: World) -> None:
    subject = await make_subject(world)
    await factories.assign_teacher(rt, subject.id, world.teacher)
    changed = await update(world, subject, "teacher", requirements="Bring the report printed.")
    assert changed.requirements == "Bring the report printed."
    assert changed.name == subject.name


@pytest.mark.parametrize(
    "field, value", [("name", "Renamed"), ("teacher_name", "Me"), ("teacher_contact", "x@y.z")]
)
async def test_a_subjects_teacher_may_not_edit_anything_but_requirements(
    rt: Runtime, world: World, field: str, value: str
) -> None:
    subject = await make_subject(world)
    await factories.assign_teacher(rt, subject.id, world.teacher)
    with pytest.raises(ForbiddenError):
        await update(world, subject, "teacher", requirements="New", **{field: value})
    assert await subjects.get_subject(subject.id, actor=world.admin) == subject


@pytest.mark.parametrize("role", ["member", *NOT_MEMBERS])
async def test_others_may_not_edit_a_subject(world: World, role: str) -> None:
    subject = await make_subject(world)
    with pytest.raises(ForbiddenError):
        await update(world, subject, role, requirements="hacked")
    assert await subjects.get_subject(subject.id, actor=world.admin) == subject


async def test_renaming_to_a_taken_name_is_a_conflict(world: World) -> None:
    await make_subject(world, "Algebra")
    biology = await make_subject(world, "Biology")
    with pytest.raises(ConflictError):
        await update(world, biology, "admin", name="Algebra")
    assert (await subjects.get_subject(biology.id, actor=world.admin)).name == "Biology"


async def test_renaming_to_an_empty_name_is_invalid(world: World) -> None:
    subject = await make_subject(world)
    with pytest.raises(InvalidError):
        await update(world, subject, "admin", name="  ")


# --- deleting ---------------------------------------------------------------------------------


async def test_a_workspace_admin_deletes_a_subject_with_its_queue_and_tasks(
    rt: Runtime, world: World
) -> None:
    subject = await make_subject(world)
    await tasks.create_task(subject.id, actor=world.admin, name="Lab 1")
    await subjects.delete_subject(subject.id, actor=world.admin)
    assert await subject_count(rt) == 0
    async with rt.db.read_session() as session:
        assert await session.scalar(select(func.count()).select_from(Queue)) == 0
        assert await session.scalar(select(func.count()).select_from(Task)) == 0


@pytest.mark.parametrize("role", ["member", *NOT_MEMBERS])
async def test_others_may_not_delete_a_subject(rt: Runtime, world: World, role: str) -> None:
    subject = await make_subject(world)
    await factories.assign_teacher(rt, subject.id, world.teacher)
    with pytest.raises(ForbiddenError):
        await subjects.delete_subject(subject.id, actor=world.by_role(role))
    assert await subject_count(rt) == 1


# --- teachers ---------------------------------------------------------------------------------


async def test_a_site_admin_assigns_a_teacher_who_then_sees_the_subject(world: World) -> None:
    subject = await make_subject(world)
    await subjects.assign_teacher(subject.id, world.teacher.id, actor=world.site_admin)
    await subjects.assign_teacher(subject.id, world.teacher.id, actor=world.site_admin)  # no-op

    assert await subjects.list_teachers(subject.id, actor=world.member) == [world.teacher]
    assert await subjects.list_teacher_subjects(actor=world.teacher) == [subject]


@pytest.mark.parametrize("role", ["admin", "member", "teacher"])
async def test_only_site_admins_assign_teachers(world: World, role: str) -> None:
    subject = await make_subject(world)
    with pytest.raises(ForbiddenError):
        await subjects.assign_teacher(subject.id, world.teacher.id, actor=world.by_role(role))
    assert await subjects.list_teachers(subject.id, actor=world.admin) == []


async def test_a_user_without_the_teacher_role_cannot_be_assigned(world: World) -> None:
    subject = await make_subject(world)
    with pytest.raises(InvalidError):
        await subjects.assign_teacher(subject.id, world.member.id, actor=world.site_admin)
    with pytest.raises(NotFoundError):
        await subjects.assign_teacher(subject.id, 999_999, actor=world.site_admin)
    assert await subjects.list_teachers(subject.id, actor=world.admin) == []


async def test_workspace_and_site_admins_unassign_a_teacher(rt: Runtime, world: World) -> None:
    subject = await make_subject(world)
    await factories.assign_teacher(rt, subject.id, world.teacher)
    with pytest.raises(ForbiddenError):
        await subjects.unassign_teacher(subject.id, world.teacher.id, actor=world.member)

    await subjects.unassign_teacher(subject.id, world.teacher.id, actor=world.admin)
    await subjects.unassign_teacher(subject.id, world.teacher.id, actor=world.site_admin)

    assert await subjects.list_teachers(subject.id, actor=world.admin) == []
    with pytest.raises(ForbiddenError):
        await subjects.get_subject(subject.id, actor=world.teacher)


async def test_teachers_are_listed_by_name(rt: Runtime, world: World) -> None:
    subject = await make_subject(world)
    zoe = await factories.make_user(rt, "zoe", teacher=True, first_name="Zoe")
    await factories.assign_teacher(rt, subject.id, zoe)
    await factories.assign_teacher(rt, subject.id, world.teacher)
    assert await subjects.list_teachers(subject.id, actor=world.member) == [world.teacher, zoe]


async def test_a_teacher_lists_the_subjects_they_teach_across_workspaces(
    rt: Runtime, world: World
) -> None:
    group = await factories.make_group(rt, "ФИ20-01")
    other_admin = await factories.make_user(rt, "other_admin", group=group)
    other = await factories.make_workspace(rt, group, other_admin)
    mine = await make_subject(world, "Physics")
    theirs = await subjects.create_subject(other, actor=other_admin, name="Art")
    await make_subject(world, "Not mine")
    await factories.assign_teacher(rt, mine.id, world.teacher)
    await factories.assign_teacher(rt, theirs.id, world.teacher)

    assert await subjects.list_teacher_subjects(actor=world.teacher) == [theirs, mine]
    assert await subjects.list_teacher_subjects(actor=world.member) == []
