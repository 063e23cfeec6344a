"""A workspace's statistics at a glance and its submissions export: each subject's tasks,
what current members handed in, what its queue served; admins only."""

from __future__ import annotations

import pytest

from equeue_ui.errors import ForbiddenError, NotFoundError
from equeue_ui.runtime import Runtime
from equeue_ui.services import exports, queues, workspace_stats
from tests.services import factories, queue_world
from tests.services.queue_world import QueueWorld


@pytest.fixture
async def qw(rt: Runtime) -> QueueWorld:
    return await queue_world.make_queue_world(rt)


async def test_each_subject_counts_its_tasks_hand_ins_and_services(
    rt: Runtime, qw: QueueWorld
) -> None:
    s1, s2, s3, _ = qw.students
    lab1, lab2, _ = qw.task_ids
    await factories.add_submission(rt, s1, lab1, kind="accepted", accepted_by=qw.teacher)
    await factories.add_submission(rt, s1, lab2)
    await factories.add_submission(rt, s2, lab1)
    await factories.add_submission(rt, qw.world.pending, lab2)  # not a member: not counted
    await queue_world.join_all(qw, s2, s3)
    for _ in range(2):
        entry = await queues.call_next(qw.queue_id, actor=qw.teacher)
        assert entry is not None
        await queues.return_entry(entry, actor=qw.teacher)
    stats = await workspace_stats.workspace_stats(qw.world.workspace_id, actor=qw.world.admin)
    # admin, member and four students
    assert stats.students == 6
    algebra, physics = stats.subjects
    assert (algebra.name, algebra.tasks, algebra.handed_in, algebra.accepted, algebra.served) == (
        "Algebra",
        3,
        3,
        1,
        2,
    )
    assert algebra.queue_id == qw.queue_id
    assert algebra.completion(stats.students) == 3 / 18
    assert (physics.name, physics.tasks, physics.handed_in, physics.served) == ("Physics", 1, 0, 0)


async def test_a_workspace_without_subjects_has_an_empty_summary(rt: Runtime) -> None:
    world = await factories.make_world(rt)
    stats = await workspace_stats.workspace_stats(world.workspace_id, actor=world.site_admin)
    assert stats.subjects == () and stats.students == 2


@pytest.mark.parametrize("role", ["member", "pending", "outsider", "teacher", "other_teacher"])
async def test_only_admins_see_the_workspace_summary(qw: QueueWorld, role: str) -> None:
    with pytest.raises(ForbiddenError):
        await workspace_stats.workspace_stats(qw.world.workspace_id, actor=qw.by_role(role))
    with pytest.raises(ForbiddenError):
        await exports.workspace_submissions_csv(
            qw.world.workspace_id, actor=qw.by_role(role), language="en"
        )


async def test_missing_workspace_is_not_found(qw: QueueWorld) -> None:
    with pytest.raises(NotFoundError):
        await workspace_stats.workspace_stats(999, actor=qw.world.site_admin)


async def test_workspace_submissions_export_round_trips_subject_by_subject(
    rt: Runtime, qw: QueueWorld
) -> None:
    physics = await queue_world.make_subject_queue(
        rt, qw.world.workspace_id, "Физика; оптика", task_names=("Линзы",)
    )
    s1, s2, *_ = qw.students
    await factories.add_submission(rt, s1, physics.task_ids[0])
    await factories.add_submission(rt, s2, qw.task_ids[1])
    file = await exports.workspace_submissions_csv(
        qw.world.workspace_id, actor=qw.world.admin, language="ru"
    )
    assert file.filename.startswith("Workspace — сдачи ")
    rows = exports.read_csv(file.data)
    assert rows[0][:3] == ["Предмет", "Логин", "Студент"]
    assert [(row[0], row[1], row[3], row[4]) for row in rows[1:]] == [
        ("Algebra", "student002", "Lab 2", "self_reported"),
        ("Физика; оптика", "student001", "Линзы", "self_reported"),
    ]
