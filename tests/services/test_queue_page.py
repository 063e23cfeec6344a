"""What a queue page reads besides the live list: one call, with the same refusals."""

from __future__ import annotations

import pytest

from equeue_ui.errors import ForbiddenError
from equeue_ui.runtime import Runtime
from equeue_ui.services import queues, submissions
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
