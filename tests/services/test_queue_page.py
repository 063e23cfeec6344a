"""What a queue page reads besides the live list: one call, with the same refusals."""

from __future__ import annotations

import pytest

from equeue_ui.errors import ForbiddenError
from equeue_ui.runtime import Runtime
from equeue_ui.services import queues, submissions, tasks
from equeue_ui.services.views import default_task
from tests.services.queue_world import make_queue_world


async def test_the_page_context_holds_the_tasks_in_order_and_what_i_handed_in(rt: Runtime) -> None:
    qw = await make_queue_world(rt)
    student = qw.students[0]
    await submissions.mark_handed_in(qw.task_ids[1], actor=student)

    page = await queues.page(qw.queue_id, actor=student)

    assert page.subject_id == qw.subject_id
    assert tuple(task.id for task in page.tasks) == qw.task_ids
    assert page.handed_in == frozenset({qw.task_ids[1]})
    assert page.can_operate is False


@pytest.mark.parametrize("role", ["teacher", "admin"])
async def test_operators_see_that_they_may_run_the_queue(rt: Runtime, role: str) -> None:
    qw = await make_queue_world(rt)
    page = await queues.page(qw.queue_id, actor=qw.by_role(role))
    assert page.can_operate is True


@pytest.mark.parametrize("role", ["pending", "rejected", "outsider", "stranger", "other_teacher"])
async def test_people_who_may_not_see_the_subject_get_no_page(rt: Runtime, role: str) -> None:
    qw = await make_queue_world(rt)
    with pytest.raises(ForbiddenError):
        await queues.page(qw.queue_id, actor=qw.by_role(role))


@pytest.mark.parametrize("handed_in", [(), (2,), (2, 0), (0, 1, 2)])
async def test_the_task_the_page_offers_is_the_one_joining_without_a_choice_takes(
    rt: Runtime, handed_in: tuple[int, ...]
) -> None:
    """One rule (views.default_task) for the page's preselected task and for the service."""
    qw = await make_queue_world(rt)
    await tasks.move_task(qw.task_ids[2], actor=qw.by_role("admin"), delta=-2)  # Lab 3 first
    student = qw.students[0]
    for index in handed_in:
        await submissions.mark_handed_in(qw.task_ids[index], actor=student)

    page = await queues.page(qw.queue_id, actor=student)
    offered = default_task(page.tasks, page.handed_in)
    await queues.join_queue(qw.queue_id, actor=student)

    mine = (await queues.get_snapshot(qw.queue_id, actor=student)).entry_of(student.id)
    assert mine is not None
    in_order = [qw.task_ids[2], qw.task_ids[0], qw.task_ids[1]]
    expected = next((t for t in in_order if qw.task_ids.index(t) not in handed_in), None)
    assert offered == mine.task_id == expected
