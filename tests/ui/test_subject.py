"""The subject page: tasks in order with due dates, and marking them handed in."""

from __future__ import annotations

from nicegui import ui
from nicegui.testing.user import User

from equeue_ui.formatting import date_time
from equeue_ui.services import queues, submissions, tasks
from tests.ui.helpers import (
    DemoWorld,
    account,
    elements,
    eventually,
    label_texts_within,
    sign_in,
    texts,
    wait_for_notice,
)


async def test_the_subject_page_lists_the_tasks_in_order_with_their_due_dates(
    user: User, demo: DemoWorld
) -> None:
    subject = demo.open_subject
    await sign_in(user, "student5", path=f"/subjects/{subject.id}")
    assert texts(user, "subject-name") == [subject.name]
    await user.should_see("Петрова Ирина Александровна · i.petrova@example.edu, ауд. 4-12")
    (listing,) = elements(user, marker="tasks")
    shown = [t for t in label_texts_within(listing) if not t.startswith("Due ")]
    assert shown == list(subject.task_names)
    items = await tasks.list_tasks(subject.id, actor=await account("student5"))
    assert texts(user, "due") == [f"Due {date_time(t.due_at)}" for t in items if t.due_at]
    await user.should_see(marker="queue-panel")  # the subject's queue is on its page


async def test_my_handed_in_tasks_are_checked(user: User, demo: DemoWorld) -> None:
    subject = demo.open_subject
    await sign_in(user, "student6", path=f"/subjects/{subject.id}")  # handed in two
    boxes = elements(user, ui.checkbox, marker="handed-in")
    assert [box.value for box in boxes] == [True, True, False, False, False]


async def test_a_student_marks_a_task_handed_in_and_unmarks_it(user: User, demo: DemoWorld) -> None:
    subject = demo.open_subject
    student = await account("student5")
    third = subject.task_ids[2]
    await sign_in(user, "student5", path=f"/subjects/{subject.id}")
    with user.scope(marker=f"task-{third}"):
        user.find(marker="handed-in").click()

    async def is_marked() -> bool:
        return third in await submissions.handed_in_task_ids(subject.id, actor=student)

    async def is_unmarked() -> bool:
        return not await is_marked()

    await eventually(is_marked, what="the mark to be stored")
    with user.scope(marker=f"task-{third}"):
        user.find(marker="handed-in").click()
    await eventually(is_unmarked, what="the mark to be withdrawn")
    await user.open(f"/subjects/{subject.id}")
    boxes = elements(user, ui.checkbox, marker="handed-in")
    assert [box.value for box in boxes] == [True, False, False, False, False]


async def test_unmarking_a_task_a_teacher_accepted_is_refused_and_stays_checked(
    user: User, demo: DemoWorld
) -> None:
    subject = demo.open_subject
    teacher, student = await account("teacher"), await account("student1")
    snapshot = await queues.get_snapshot(subject.queue_id, actor=teacher)
    called = snapshot.entry_of(student.id)
    assert called is not None and called.task_id == subject.task_ids[0]
    await queues.accept(called.id, actor=teacher)

    await sign_in(user, "student1", path=f"/subjects/{subject.id}")
    with user.scope(marker=f"task-{subject.task_ids[0]}"):
        (box,) = elements(user, ui.checkbox, marker="handed-in")
        assert box.value is True
        user.find(marker="handed-in").click()
    await wait_for_notice(user, "This task was accepted by a teacher, so it stays marked")
    await eventually(lambda: box.value is True, what="the checkbox to be checked again")
    marked = await submissions.handed_in_task_ids(subject.id, actor=student)
    assert subject.task_ids[0] in marked
