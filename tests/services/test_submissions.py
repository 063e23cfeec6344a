"""Handing in (SPEC §1, §4): self-reports, progress, the leaderboard and the next due date."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import event, func, select

from db.models import Submission
from equeue_ui.errors import ConflictError, ForbiddenError, NotFoundError
from equeue_ui.events import SubmissionChanged
from equeue_ui.runtime import Runtime
from equeue_ui.services import subjects, submissions, tasks
from equeue_ui.services.views import SubjectView, TaskView
from tests.services import factories
from tests.services.factories import World

NOW = datetime.now(UTC)


@dataclass(frozen=True)
class Course:
    algebra: SubjectView
    labs: list[TaskView]  # three tasks of algebra
    biology: SubjectView
    essay: TaskView  # biology's only task
    empty: SubjectView  # a subject without tasks


@pytest.fixture
async def world(rt: Runtime) -> World:
    return await factories.make_world(rt)


@pytest.fixture
async def course(rt: Runtime, world: World) -> Course:
    async def subject(name: str) -> SubjectView:
        return await subjects.create_subject(world.workspace_id, actor=world.admin, name=name)

    algebra, biology, empty = (
        await subject("Algebra"),
        await subject("Biology"),
        await subject("Art"),
    )
    labs = [
        await tasks.create_task(algebra.id, actor=world.admin, name=f"Lab {n}") for n in (1, 2, 3)
    ]
    essay = await tasks.create_task(biology.id, actor=world.admin, name="Essay")
    await factories.assign_teacher(rt, algebra.id, world.teacher)
    return Course(algebra, labs, biology, essay, empty)


async def submission_count(rt: Runtime) -> int:
    async with rt.db.read_session() as session:
        return await session.scalar(select(func.count()).select_from(Submission)) or 0


@contextmanager
def counting_selects(rt: Runtime) -> Iterator[list[str]]:
    statements: list[str] = []

    def remember(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            statements.append(statement)

    engine = rt.db.engine.sync_engine
    event.listen(engine, "before_cursor_execute", remember)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", remember)


# --- marking and unmarking --------------------------------------------------------------------


async def test_a_member_marks_a_task_handed_in_once_however_often_they_click(
    rt: Runtime, world: World, course: Course
) -> None:
    seen: list[SubmissionChanged] = []
    rt.bus.subscribe(SubmissionChanged, seen.append)
    lab = course.labs[0]

    await submissions.mark_handed_in(lab.id, actor=world.member)
    await submissions.mark_handed_in(lab.id, actor=world.member)

    assert await submissions.handed_in_task_ids(course.algebra.id, actor=world.member) == {lab.id}
    assert await submission_count(rt) == 1
    assert seen == [SubmissionChanged(world.member.id, course.algebra.id)]
    async with rt.db.read_session() as session:
        stored = await session.scalar(select(Submission))
    assert stored is not None
    assert (stored.kind.value, stored.accepted_by_id) == ("self_reported", None)


async def test_a_workspace_admin_is_a_member_and_may_hand_in_too(
    world: World, course: Course
) -> None:
    await submissions.mark_handed_in(course.essay.id, actor=world.admin)
    assert await submissions.handed_in_task_ids(course.biology.id, actor=world.admin) == {
        course.essay.id
    }


@pytest.mark.parametrize("role", ["pending", "rejected", "outsider", "teacher", "site_admin"])
async def test_only_approved_members_may_mark_or_unmark_tasks(
    rt: Runtime, world: World, course: Course, role: str
) -> None:
    with pytest.raises(ForbiddenError):
        await submissions.mark_handed_in(course.labs[0].id, actor=world.by_role(role))
    with pytest.raises(ForbiddenError):
        await submissions.unmark_handed_in(course.labs[0].id, actor=world.by_role(role))
    assert await submission_count(rt) == 0


async def test_marking_a_missing_task_is_not_found(world: World) -> None:
    with pytest.raises(NotFoundError):
        await submissions.mark_handed_in(999_999, actor=world.member)


async def test_a_member_unmarks_their_own_self_report(
    rt: Runtime, world: World, course: Course
) -> None:
    lab = course.labs[0]
    await submissions.mark_handed_in(lab.id, actor=world.member)
    await submissions.mark_handed_in(lab.id, actor=world.admin)
    seen: list[SubmissionChanged] = []
    rt.bus.subscribe(SubmissionChanged, seen.append)

    await submissions.unmark_handed_in(lab.id, actor=world.member)
    await submissions.unmark_handed_in(lab.id, actor=world.member)  # nothing left: no-op

    assert await submissions.handed_in_task_ids(course.algebra.id, actor=world.member) == set()
    assert await submissions.handed_in_task_ids(course.algebra.id, actor=world.admin) == {lab.id}
    assert seen == [SubmissionChanged(world.member.id, course.algebra.id)]


async def test_work_accepted_by_a_teacher_cannot_be_unmarked_by_the_student(
    rt: Runtime, world: World, course: Course
) -> None:
    lab = course.labs[0]
    await factories.add_submission(
        rt, world.member, lab.id, kind="accepted", accepted_by=world.teacher
    )
    with pytest.raises(ConflictError) as caught:
        await submissions.unmark_handed_in(lab.id, actor=world.member)
    assert "accepted by a teacher" in caught.value.message.msgid
    assert await submissions.handed_in_task_ids(course.algebra.id, actor=world.member) == {lab.id}
    # Marking it again is harmless and keeps it accepted.
    await submissions.mark_handed_in(lab.id, actor=world.member)
    async with rt.db.read_session() as session:
        stored = await session.scalar(select(Submission))
    assert stored is not None and stored.kind.value == "accepted"


# --- reading one's own submissions ------------------------------------------------------------


async def test_handed_in_task_ids_are_the_actors_own_in_that_subject_only(
    world: World, course: Course
) -> None:
    await submissions.mark_handed_in(course.labs[0].id, actor=world.member)
    await submissions.mark_handed_in(course.labs[2].id, actor=world.member)
    await submissions.mark_handed_in(course.essay.id, actor=world.member)
    await submissions.mark_handed_in(course.labs[1].id, actor=world.admin)

    assert await submissions.handed_in_task_ids(course.algebra.id, actor=world.member) == {
        course.labs[0].id,
        course.labs[2].id,
    }
    assert await submissions.handed_in_task_ids(course.algebra.id, actor=world.teacher) == set()


@pytest.mark.parametrize("role", ["pending", "rejected", "outsider"])
async def test_a_non_member_cannot_read_submissions(
    world: World, course: Course, role: str
) -> None:
    actor = world.by_role(role)
    with pytest.raises(ForbiddenError):
        await submissions.handed_in_task_ids(course.algebra.id, actor=actor)
    with pytest.raises(ForbiddenError):
        await submissions.progress(world.workspace_id, actor=actor)
    with pytest.raises(ForbiddenError):
        await submissions.leaderboard(world.workspace_id, actor=actor)
    with pytest.raises(ForbiddenError):
        await submissions.next_due(world.workspace_id, actor=actor)


# --- progress ---------------------------------------------------------------------------------


async def test_progress_counts_handed_in_and_total_tasks_per_subject(
    world: World, course: Course
) -> None:
    await submissions.mark_handed_in(course.labs[0].id, actor=world.member)
    await submissions.mark_handed_in(course.labs[1].id, actor=world.member)
    await submissions.mark_handed_in(course.labs[2].id, actor=world.admin)  # someone else's

    assert await submissions.progress(world.workspace_id, actor=world.member) == {
        course.algebra.id: (2, 3),
        course.biology.id: (0, 1),
        course.empty.id: (0, 0),
    }


async def test_progress_takes_as_many_queries_for_many_subjects_as_for_one(
    rt: Runtime, world: World, course: Course
) -> None:
    with counting_selects(rt) as three_subjects:
        await submissions.progress(world.workspace_id, actor=world.member)
    for n in range(5):
        extra = await subjects.create_subject(world.workspace_id, actor=world.admin, name=f"S{n}")
        await tasks.create_task(extra.id, actor=world.admin, name="Lab")
    with counting_selects(rt) as eight_subjects:
        result = await submissions.progress(world.workspace_id, actor=world.member)
    assert len(result) == 8
    assert len(eight_subjects) == len(three_subjects)


# --- leaderboard ------------------------------------------------------------------------------


async def test_the_leaderboard_ranks_approved_members_by_tasks_handed_in_then_name(
    rt: Runtime, world: World, course: Course
) -> None:
    bob = await factories.make_user(rt, "bob", first_name="Bob", last_name="B")
    await factories.add_member(rt, world.workspace_id, bob)
    for task in course.labs[:2]:
        await submissions.mark_handed_in(task.id, actor=world.member)
    await factories.add_submission(
        rt, world.member, course.essay.id, kind="accepted", accepted_by=world.teacher
    )
    await submissions.mark_handed_in(course.labs[0].id, actor=world.admin)
    await submissions.mark_handed_in(course.labs[1].id, actor=bob)

    board = await submissions.leaderboard(world.workspace_id, actor=world.member)

    assert [(row.user.username, row.handed_in, row.accepted) for row in board] == [
        ("member", 3, 1),
        ("admin", 1, 0),  # "Ada Admin" before "Bob B"
        ("bob", 1, 0),
    ]


async def test_the_leaderboard_shows_members_with_nothing_and_leaves_out_non_members(
    rt: Runtime, world: World, course: Course
) -> None:
    # A pending member's old submission and a submission in another workspace do not count.
    await factories.add_submission(rt, world.pending, course.labs[0].id)
    group = await factories.make_group(rt, "ФИ20-01")
    elsewhere = await factories.make_workspace(rt, group, world.member, name="Elsewhere")
    other = await subjects.create_subject(elsewhere, actor=world.member, name="Other")
    other_task = await tasks.create_task(other.id, actor=world.member, name="T")
    await submissions.mark_handed_in(other_task.id, actor=world.member)

    board = await submissions.leaderboard(world.workspace_id, actor=world.site_admin)

    assert [(row.user.username, row.handed_in) for row in board] == [("admin", 0), ("member", 0)]


async def test_the_leaderboard_is_cut_at_the_limit(
    rt: Runtime, world: World, course: Course
) -> None:
    for n in range(4):
        user = await factories.make_user(rt, f"student{n}")
        await factories.add_member(rt, world.workspace_id, user)
    board = await submissions.leaderboard(world.workspace_id, actor=world.member, limit=3)
    assert len(board) == 3
    assert await submissions.leaderboard(world.workspace_id, actor=world.member, limit=0) == []


# --- next due date ----------------------------------------------------------------------------


async def test_next_due_is_the_earliest_future_due_date_not_yet_handed_in(
    world: World, course: Course
) -> None:
    soon, later, latest = (NOW + timedelta(days=d) for d in (1, 3, 9))
    lab1, lab2, lab3 = course.labs
    for task, due in ((lab1, NOW - timedelta(days=1)), (lab2, soon), (lab3, later)):
        await tasks.update_task(task.id, actor=world.admin, name=task.name, url=None, due_at=due)
    await tasks.update_task(
        course.essay.id, actor=world.admin, name="Essay", url=None, due_at=latest
    )

    assert await submissions.next_due(world.workspace_id, actor=world.member) == {
        course.algebra.id: soon,  # lab 1 is overdue, so not "next"
        course.biology.id: latest,
    }

    await submissions.mark_handed_in(lab2.id, actor=world.member)
    await submissions.mark_handed_in(course.essay.id, actor=world.member)
    assert await submissions.next_due(world.workspace_id, actor=world.member) == {
        course.algebra.id: later,
    }
    # Someone else's submissions change nothing for them.
    assert await submissions.next_due(world.workspace_id, actor=world.admin) == {
        course.algebra.id: soon,
        course.biology.id: latest,
    }
