"""The queue's rules the pages show, defined once in the service layer (services/views.py): the
task one joins with, who is at the desk and who is in line, and whom a teacher's keys act on."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from equeue_ui.services.views import (
    EntryStatus,
    EntryView,
    QueueSnapshot,
    QueueState,
    TaskView,
    default_task,
)

AT = datetime(2026, 12, 5, 10, 0, tzinfo=UTC)
CALLED, WAITING, FROZEN = EntryStatus.CALLED, EntryStatus.WAITING, EntryStatus.FROZEN


def task(task_id: int, order: int) -> TaskView:
    return TaskView(
        id=task_id,
        subject_id=1,
        name=f"Lab {task_id}",
        url=None,
        order_index=order,
        due_at=None,
        ecourses_id=None,
    )


def entry(
    n: int, status: EntryStatus, *, by: int | None = None, minute: int | None = None
) -> EntryView:
    """User ``n`` at place ``n``; ``by`` called them ``minute`` minutes after ten."""
    return EntryView(
        id=n,
        position=n,
        user_id=n,
        display_name=f"Student {n}",
        short_name=f"S. {n}",
        task_id=None,
        task_name=None,
        status=status,
        joined_at=AT,
        called_at=None if minute is None else AT + timedelta(minutes=minute),
        called_by=by,
    )


def queue(*entries: EntryView) -> QueueSnapshot:
    return QueueSnapshot(
        queue_id=1,
        subject_id=1,
        workspace_id=1,
        subject_name="Алгоритмы",
        state=QueueState.OPEN,
        members_can_freeze=True,
        max_size=None,
        version=1,
        entries=entries,
    )


def test_the_default_task_is_the_first_in_the_subjects_order_not_handed_in() -> None:
    # Listed out of order: the order is the subject's (order_index, then id), not the list's.
    tasks = [task(10, 2), task(11, 0), task(12, 1), task(13, 1)]
    assert default_task(tasks, set()) == 11
    assert default_task(tasks, {11}) == 12
    assert default_task(tasks, {11, 12}) == 13
    assert default_task(tasks, {11, 12, 13}) == 10


def test_there_is_no_default_task_when_everything_is_handed_in_or_there_are_no_tasks() -> None:
    assert default_task([task(1, 0), task(2, 1)], {1, 2}) is None
    assert default_task([], set()) is None


def test_those_at_the_desk_and_those_in_line_split_the_queue_in_its_order() -> None:
    snapshot = queue(
        entry(1, CALLED, by=7, minute=0),
        entry(2, WAITING),
        entry(3, FROZEN),
        entry(4, CALLED, by=8, minute=1),
        entry(5, WAITING),
    )
    assert [e.user_id for e in snapshot.at_desk] == [1, 4]
    assert [e.user_id for e in snapshot.in_line] == [2, 3, 5]
    assert snapshot.waiting_count == len(snapshot.in_line) == 3
    assert snapshot.callable_count == 2


def test_a_teachers_keys_act_on_the_student_they_called_last() -> None:
    snapshot = queue(
        entry(1, CALLED, by=7, minute=0),
        entry(2, CALLED, by=7, minute=5),
        entry(3, CALLED, by=8, minute=9),  # called last, but by another teacher
        entry(4, WAITING),
    )
    found = snapshot.desk_entry_for(7)
    assert found is not None and found.user_id == 2


def test_without_a_student_of_their_own_the_keys_act_on_the_one_called_last() -> None:
    snapshot = queue(entry(1, CALLED, by=8, minute=3), entry(2, CALLED, by=9, minute=1))
    found = snapshot.desk_entry_for(7)
    assert found is not None and found.user_id == 1


def test_with_nobody_at_the_desk_the_keys_act_on_nobody() -> None:
    assert queue(entry(1, WAITING), entry(2, FROZEN)).desk_entry_for(7) is None
