"""Queues (SPEC §2, §5): who may stand in them and run them, and the rules every change keeps."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

import pytest
from sqlalchemy import select

from db.models import (
    EntryStatus,
    Queue,
    QueueEntry,
    QueueEventKind,
    QueueState,
    SubmissionKind,
)
from equeue_ui.errors import ConflictError, ForbiddenError, InvalidError, NotFoundError
from equeue_ui.events import QueueChanged, StudentCalled
from equeue_ui.runtime import Runtime
from equeue_ui.services import queues, workspaces
from equeue_ui.services.views import UserView
from tests.services import factories, queue_world
from tests.services.queue_world import QueueWorld, join_all, line, snapshot

T = TypeVar("T")

# Users who may neither see the queue nor stand in it.
OUTSIDERS = ["pending", "rejected", "outsider", "stranger", "other_teacher", "unassigned_teacher"]
# Users who run the queue: the subject's teacher, the workspace's admin, a site admin.
OPERATORS = ["teacher", "admin", "site_admin"]


@pytest.fixture
async def qw(rt: Runtime) -> QueueWorld:
    return await queue_world.make_queue_world(rt)


def ids(*users: UserView) -> list[int]:
    return [user.id for user in users]


async def version(rt: Runtime, qw: QueueWorld) -> int:
    return (await queue_world.stored_queue(rt, qw.queue_id)).version


async def one_change(rt: Runtime, qw: QueueWorld, kind: QueueEventKind, action: Awaitable[T]) -> T:
    """Run ``action`` and check it bumped the version by one and appended one event of ``kind``."""
    before = await queue_world.queue_events(rt, qw.queue_id)
    result = await action
    after = await queue_world.queue_events(rt, qw.queue_id)
    queue = await queue_world.stored_queue(rt, qw.queue_id)
    assert len(after) == len(before) + 1, kind
    assert (after[-1].kind, after[-1].version) == (kind, queue.version)
    assert queue.version == len(before) + 1
    return result


# --- positions --------------------------------------------------------------------------------


async def test_leaving_moves_everyone_behind_up(qw: QueueWorld) -> None:
    a, b, c, d = qw.students
    await join_all(qw, a, b, c, d)
    await queues.leave_queue(qw.queue_id, actor=a)
    await queues.leave_queue(qw.queue_id, actor=c)
    assert line(await snapshot(qw)) == ids(b, d)


async def test_removing_an_entry_moves_everyone_behind_up(qw: QueueWorld) -> None:
    a, b, c, _ = qw.students
    _, entry_b, _ = await join_all(qw, a, b, c)
    await queues.remove_entry(entry_b, actor=qw.teacher)
    assert line(await snapshot(qw)) == ids(a, c)


async def test_accepting_and_returning_keep_positions_contiguous(qw: QueueWorld) -> None:
    a, b, c, d = qw.students
    entry_a, _, entry_c, _ = await join_all(qw, a, b, c, d)
    assert await queues.call_next(qw.queue_id, actor=qw.teacher) == entry_a
    await queues.accept(entry_a, actor=qw.teacher)
    assert line(await snapshot(qw)) == ids(b, c, d)
    await queues.return_entry(entry_c, actor=qw.teacher)
    assert line(await snapshot(qw)) == ids(b, d)


async def test_skipping_moves_the_entry_to_the_end_and_resets_it_to_waiting(
    qw: QueueWorld,
) -> None:
    a, b, c, _ = qw.students
    entry_a, entry_b, _ = await join_all(qw, a, b, c)
    await queues.call_next(qw.queue_id, actor=qw.teacher)
    await queues.skip(entry_a, actor=qw.teacher)
    snap = await snapshot(qw)
    assert line(snap) == ids(b, c, a)
    skipped = snap.entry_of(a.id)
    assert skipped is not None
    assert (skipped.status, skipped.called_at) == (EntryStatus.WAITING, None)

    await queues.freeze(qw.queue_id, actor=b)
    await queues.skip(entry_b, actor=qw.teacher)
    snap = await snapshot(qw)
    assert line(snap) == ids(c, a, b)
    assert snap.entries[-1].status is EntryStatus.WAITING


# --- freezing ---------------------------------------------------------------------------------


async def test_calling_next_passes_over_frozen_entries_which_keep_their_place(
    qw: QueueWorld,
) -> None:
    a, b, c, _ = qw.students
    _, entry_b, _ = await join_all(qw, a, b, c)
    await queues.freeze(qw.queue_id, actor=a)
    assert await queues.call_next(qw.queue_id, actor=qw.teacher) == entry_b
    snap = await snapshot(qw)
    assert line(snap) == ids(a, b, c)
    assert [entry.status for entry in snap.entries] == [
        EntryStatus.FROZEN,
        EntryStatus.CALLED,
        EntryStatus.WAITING,
    ]


async def test_a_frozen_entry_that_reaches_the_head_stays_there(qw: QueueWorld) -> None:
    a, b, c, _ = qw.students
    entry_a, entry_b, entry_c = await join_all(qw, a, b, c)
    await queues.freeze(qw.queue_id, actor=b)
    await queues.call_next(qw.queue_id, actor=qw.teacher)
    await queues.accept(entry_a, actor=qw.teacher)
    assert await queues.call_next(qw.queue_id, actor=qw.teacher) == entry_c
    assert line(await snapshot(qw)) == ids(b, c)

    await queues.unfreeze(qw.queue_id, actor=b)
    await queues.accept(entry_c, actor=qw.teacher)
    assert await queues.call_next(qw.queue_id, actor=qw.teacher) == entry_b


async def test_when_everyone_waiting_is_frozen_calling_next_calls_nobody(
    rt: Runtime, qw: QueueWorld
) -> None:
    a, b, _, _ = qw.students
    await join_all(qw, a, b)
    await queues.freeze(qw.queue_id, actor=a)
    await queues.freeze(qw.queue_id, actor=b)
    before = await version(rt, qw)
    assert await queues.call_next(qw.queue_id, actor=qw.teacher) is None
    assert await version(rt, qw) == before


async def test_a_queue_that_forbids_freezing_refuses_it_but_lets_frozen_places_unfreeze(
    rt: Runtime, qw: QueueWorld
) -> None:
    a, b, _, _ = qw.students
    await join_all(qw, a, b)
    await queues.freeze(qw.queue_id, actor=a)
    await queues.update_settings(
        qw.queue_id, actor=qw.teacher, members_can_freeze=False, max_size=None
    )
    before = await version(rt, qw)
    with pytest.raises(ForbiddenError):
        await queues.freeze(qw.queue_id, actor=b)
    assert await version(rt, qw) == before

    await queues.unfreeze(qw.queue_id, actor=a)
    assert [entry.status for entry in (await snapshot(qw)).entries] == [EntryStatus.WAITING] * 2


# --- joining ----------------------------------------------------------------------------------


async def test_a_closed_queue_refuses_joining(rt: Runtime, qw: QueueWorld) -> None:
    await queue_world.set_queue(rt, qw.queue_id, state=QueueState.CLOSED)
    with pytest.raises(ConflictError) as refused:
        await queues.join_queue(qw.queue_id, actor=qw.students[0])
    assert "closed" in refused.value.message.msgid
    assert line(await snapshot(qw)) == []
    assert await queue_world.queue_events(rt, qw.queue_id) == []


async def test_joining_twice_is_refused(rt: Runtime, qw: QueueWorld) -> None:
    a = qw.students[0]
    await queues.join_queue(qw.queue_id, actor=a)
    with pytest.raises(ConflictError) as refused:
        await queues.join_queue(qw.queue_id, actor=a)
    assert refused.value.message == queues.ALREADY_IN_QUEUE
    assert line(await snapshot(qw)) == ids(a)
    assert await version(rt, qw) == 1


async def test_a_full_queue_refuses_joining_until_someone_leaves(
    rt: Runtime, qw: QueueWorld
) -> None:
    a, b, c, _ = qw.students
    await queue_world.set_queue(rt, qw.queue_id, max_size=2)
    await join_all(qw, a, b)
    with pytest.raises(ConflictError) as refused:
        await queues.join_queue(qw.queue_id, actor=c)
    assert "full" in refused.value.message.msgid
    await queues.leave_queue(qw.queue_id, actor=a)
    await queues.join_queue(qw.queue_id, actor=c)
    assert line(await snapshot(qw)) == ids(b, c)


async def test_a_paused_queue_lets_students_join_but_refuses_calling(
    rt: Runtime, qw: QueueWorld
) -> None:
    a = qw.students[0]
    await queues.set_state(qw.queue_id, QueueState.PAUSED, actor=qw.teacher)
    await queues.join_queue(qw.queue_id, actor=a)
    with pytest.raises(ConflictError) as refused:
        await queues.call_next(qw.queue_id, actor=qw.teacher)
    assert "paused" in refused.value.message.msgid
    assert [entry.status for entry in (await snapshot(qw)).entries] == [EntryStatus.WAITING]


async def test_calling_next_on_an_empty_queue_returns_none_and_changes_nothing(
    rt: Runtime, qw: QueueWorld
) -> None:
    assert await queues.call_next(qw.queue_id, actor=qw.teacher) is None
    assert await version(rt, qw) == 0
    assert await queue_world.queue_events(rt, qw.queue_id) == []


async def test_joining_without_a_task_picks_the_first_task_by_order_not_handed_in(
    rt: Runtime, qw: QueueWorld
) -> None:
    a, b, c, _ = qw.students
    first, second, _ = qw.task_ids
    await factories.add_submission(rt, a, first)
    for task_id in qw.task_ids:
        await factories.add_submission(rt, c, task_id)
    await join_all(qw, a, b, c)
    assert [entry.task_id for entry in (await snapshot(qw)).entries] == [second, first, None]


async def test_joining_with_a_chosen_task_keeps_that_task(qw: QueueWorld) -> None:
    a = qw.students[0]
    await queues.join_queue(qw.queue_id, actor=a, task_id=qw.task_ids[2])
    [entry] = (await snapshot(qw)).entries
    assert (entry.task_id, entry.task_name) == (qw.task_ids[2], "Lab 3")


async def test_joining_with_a_task_of_another_subject_is_refused(
    rt: Runtime, qw: QueueWorld
) -> None:
    chemistry = await queue_world.make_subject_queue(
        rt, qw.world.workspace_id, "Chemistry", task_names=["Lab 1"]
    )
    with pytest.raises(InvalidError):
        await queues.join_queue(qw.queue_id, actor=qw.students[0], task_id=chemistry.task_ids[0])
    assert line(await snapshot(qw)) == []


# --- serving ----------------------------------------------------------------------------------


async def test_accepting_records_an_accepted_submission_for_the_chosen_task(
    rt: Runtime, qw: QueueWorld
) -> None:
    a = qw.students[0]
    entry = await queues.join_queue(qw.queue_id, actor=a, task_id=qw.task_ids[1])
    await queues.call_next(qw.queue_id, actor=qw.teacher)
    await queues.accept(entry, actor=qw.teacher)
    [submission] = await queue_world.submissions_of(rt, a)
    assert (submission.task_id, submission.kind, submission.accepted_by_id) == (
        qw.task_ids[1],
        SubmissionKind.ACCEPTED,
        qw.teacher.id,
    )
    assert line(await snapshot(qw)) == []


async def test_accepting_upgrades_a_self_reported_submission(rt: Runtime, qw: QueueWorld) -> None:
    a = qw.students[0]
    await factories.add_submission(rt, a, qw.task_ids[0])
    entry = await queues.join_queue(qw.queue_id, actor=a, task_id=qw.task_ids[0])
    await queues.accept(entry, actor=qw.teacher)
    [submission] = await queue_world.submissions_of(rt, a)
    assert (submission.task_id, submission.kind, submission.accepted_by_id) == (
        qw.task_ids[0],
        SubmissionKind.ACCEPTED,
        qw.teacher.id,
    )


async def test_returning_work_records_nothing(rt: Runtime, qw: QueueWorld) -> None:
    a = qw.students[0]
    entry = await queues.join_queue(qw.queue_id, actor=a)
    await queues.call_next(qw.queue_id, actor=qw.teacher)
    await queues.return_entry(entry, actor=qw.teacher)
    assert await queue_world.submissions_of(rt, a) == []
    assert line(await snapshot(qw)) == []


async def test_accepting_an_entry_another_teacher_already_removed_is_not_found(
    rt: Runtime, qw: QueueWorld
) -> None:
    a = qw.students[0]
    colleague = await queue_world.add_teacher(rt, qw.subject_id, "colleague")
    entry = await queues.join_queue(qw.queue_id, actor=a)
    await queues.remove_entry(entry, actor=colleague)
    with pytest.raises(NotFoundError):
        await queues.accept(entry, actor=qw.teacher)
    assert await queue_world.submissions_of(rt, a) == []
    events = await queue_world.queue_events(rt, qw.queue_id)
    assert [event.kind for event in events] == [QueueEventKind.JOINED, QueueEventKind.REMOVED]


async def test_leaving_and_marking_handed_in_records_a_self_reported_submission(
    rt: Runtime, qw: QueueWorld
) -> None:
    a = qw.students[0]
    await queues.join_queue(qw.queue_id, actor=a)
    await queues.leave_queue(qw.queue_id, actor=a, mark_handed_in=True)
    [submission] = await queue_world.submissions_of(rt, a)
    assert (submission.task_id, submission.kind, submission.accepted_by_id) == (
        qw.task_ids[0],
        SubmissionKind.SELF_REPORTED,
        None,
    )
    assert line(await snapshot(qw)) == []


async def test_leaving_and_marking_handed_in_without_a_task_is_refused_and_keeps_the_place(
    rt: Runtime, qw: QueueWorld
) -> None:
    a, b, _, _ = qw.students
    for task_id in qw.task_ids:
        await factories.add_submission(rt, a, task_id)
    await join_all(qw, a, b)
    before = await version(rt, qw)
    with pytest.raises(InvalidError):
        await queues.leave_queue(qw.queue_id, actor=a, mark_handed_in=True)
    assert line(await snapshot(qw)) == ids(a, b)
    assert await version(rt, qw) == before


async def test_clearing_empties_the_queue(qw: QueueWorld) -> None:
    await join_all(qw, *qw.students)
    assert await queues.clear_queue(qw.queue_id, actor=qw.teacher) == len(qw.students)
    assert line(await snapshot(qw)) == []


# --- history ----------------------------------------------------------------------------------


async def test_every_change_bumps_the_version_by_one_and_appends_one_event_of_its_kind(
    rt: Runtime, qw: QueueWorld
) -> None:
    a, b, c, _ = qw.students
    q, teacher, kind = qw.queue_id, qw.teacher, QueueEventKind

    entry_a = await one_change(rt, qw, kind.JOINED, queues.join_queue(q, actor=a))
    entry_b = await one_change(rt, qw, kind.JOINED, queues.join_queue(q, actor=b))
    entry_c = await one_change(rt, qw, kind.JOINED, queues.join_queue(q, actor=c))
    await one_change(rt, qw, kind.FROZEN, queues.freeze(q, actor=b))
    await one_change(rt, qw, kind.UNFROZEN, queues.unfreeze(q, actor=b))
    await one_change(rt, qw, kind.SETTINGS, queues.change_task(q, actor=a, task_id=qw.task_ids[2]))
    await one_change(rt, qw, kind.CALLED, queues.call_next(q, actor=teacher))
    await one_change(rt, qw, kind.SKIPPED, queues.skip(entry_a, actor=teacher))
    await one_change(rt, qw, kind.CALLED, queues.call_next(q, actor=teacher))
    await one_change(rt, qw, kind.ACCEPTED, queues.accept(entry_b, actor=teacher))
    await one_change(rt, qw, kind.RETURNED, queues.return_entry(entry_c, actor=teacher))
    await one_change(rt, qw, kind.REMOVED, queues.remove_entry(entry_a, actor=teacher))
    await one_change(rt, qw, kind.JOINED, queues.join_queue(q, actor=b))
    await one_change(rt, qw, kind.LEFT, queues.leave_queue(q, actor=b))
    await one_change(rt, qw, kind.PAUSED, queues.set_state(q, QueueState.PAUSED, actor=teacher))
    await one_change(rt, qw, kind.OPENED, queues.set_state(q, QueueState.OPEN, actor=teacher))
    await one_change(
        rt,
        qw,
        kind.SETTINGS,
        queues.update_settings(q, actor=teacher, members_can_freeze=False, max_size=30),
    )
    await one_change(rt, qw, kind.JOINED, queues.join_queue(q, actor=c))
    await one_change(rt, qw, kind.CLEARED, queues.clear_queue(q, actor=teacher))
    await one_change(rt, qw, kind.CLOSED, queues.set_state(q, QueueState.CLOSED, actor=teacher))

    events = await queue_world.queue_events(rt, q)
    assert [event.version for event in events] == list(range(1, 21))
    assert (await snapshot(qw)).version == 20


async def test_setting_the_state_the_queue_already_has_changes_nothing(
    rt: Runtime, qw: QueueWorld
) -> None:
    await queues.set_state(qw.queue_id, QueueState.OPEN, actor=qw.teacher)
    assert await version(rt, qw) == 0


async def test_events_remember_who_did_what_to_whom(rt: Runtime, qw: QueueWorld) -> None:
    a = qw.students[0]
    entry = await queues.join_queue(qw.queue_id, actor=a, task_id=qw.task_ids[1])
    await queues.call_next(qw.queue_id, actor=qw.teacher)
    await queues.accept(entry, actor=qw.teacher)
    joined, called, accepted = await queue_world.queue_events(rt, qw.queue_id)
    assert (joined.user_id, joined.actor_id, joined.entry_id) == (a.id, a.id, entry)
    assert (called.user_id, called.actor_id) == (a.id, qw.teacher.id)
    assert (accepted.user_id, accepted.actor_id, accepted.task_id) == (
        a.id,
        qw.teacher.id,
        qw.task_ids[1],
    )
    assert accepted.called_at is not None and accepted.joined_at is not None


# --- events after commit ----------------------------------------------------------------------


def record_events(rt: Runtime) -> list[Any]:
    seen: list[Any] = []
    rt.bus.subscribe(QueueChanged, seen.append)
    rt.bus.subscribe(StudentCalled, seen.append)
    return seen


async def test_a_join_publishes_queue_changed_with_the_new_version_once_committed(
    rt: Runtime, qw: QueueWorld
) -> None:
    visible: list[tuple[int, int]] = []

    async def look_from_a_fresh_session(event: QueueChanged) -> None:
        async with rt.db.read_session() as session:
            stored = await session.scalar(select(Queue.version).where(Queue.id == event.queue_id))
            entries = await session.scalars(
                select(QueueEntry.user_id).where(QueueEntry.queue_id == event.queue_id)
            )
            visible.append((stored or 0, len(list(entries))))

    seen = record_events(rt)
    rt.bus.subscribe(QueueChanged, look_from_a_fresh_session)
    await queues.join_queue(qw.queue_id, actor=qw.students[0])
    assert seen == [QueueChanged(qw.queue_id, 1)]
    assert visible == [(1, 1)]


async def test_a_refused_join_publishes_nothing(rt: Runtime, qw: QueueWorld) -> None:
    await queue_world.set_queue(rt, qw.queue_id, state=QueueState.CLOSED)
    seen = record_events(rt)
    with pytest.raises(ConflictError):
        await queues.join_queue(qw.queue_id, actor=qw.students[0])
    assert seen == []


async def test_calling_next_tells_the_called_student(rt: Runtime, qw: QueueWorld) -> None:
    a, b, _, _ = qw.students
    await join_all(qw, a, b)
    seen = record_events(rt)
    await queues.call_next(qw.queue_id, actor=qw.teacher)
    assert seen == [QueueChanged(qw.queue_id, 3), StudentCalled(qw.queue_id, a.id, 3)]


# --- permissions ------------------------------------------------------------------------------


@pytest.mark.parametrize("role", OUTSIDERS)
async def test_who_may_not_see_the_queue_may_not_join_it(
    rt: Runtime, qw: QueueWorld, role: str
) -> None:
    user = qw.by_role(role)
    with pytest.raises(ForbiddenError):
        await queues.get_snapshot(qw.queue_id, actor=user)
    with pytest.raises(ForbiddenError):
        await queues.join_queue(qw.queue_id, actor=user)
    assert await version(rt, qw) == 0


async def test_an_approved_member_sees_the_queue_and_joins_it(qw: QueueWorld) -> None:
    member = qw.world.member
    await queues.join_queue(qw.queue_id, actor=member)
    snap = await queues.get_snapshot(qw.queue_id, actor=member)
    assert snap.people_ahead(member.id) == 0


def operator_actions(
    qw: QueueWorld, entry_id: int
) -> dict[str, Callable[[UserView], Awaitable[object]]]:
    """Every teacher action, each ready to be tried by one actor."""
    q = qw.queue_id
    return {
        "call_next": lambda actor: queues.call_next(q, actor=actor),
        "accept": lambda actor: queues.accept(entry_id, actor=actor),
        "return": lambda actor: queues.return_entry(entry_id, actor=actor),
        "skip": lambda actor: queues.skip(entry_id, actor=actor),
        "remove": lambda actor: queues.remove_entry(entry_id, actor=actor),
        "clear": lambda actor: queues.clear_queue(q, actor=actor),
        "pause": lambda actor: queues.set_state(q, QueueState.PAUSED, actor=actor),
        "settings": lambda actor: queues.update_settings(
            q, actor=actor, members_can_freeze=False, max_size=5
        ),
    }


async def refused(action: Awaitable[object]) -> bool:
    try:
        await action
    except ForbiddenError:
        return True
    return False


@pytest.mark.parametrize(
    "role", ["member", "other_teacher", "unassigned_teacher", "pending", "stranger"]
)
async def test_only_operators_run_the_queue(rt: Runtime, qw: QueueWorld, role: str) -> None:
    a = qw.students[0]
    entry = await queues.join_queue(qw.queue_id, actor=a)
    actor = qw.by_role(role)
    actions = operator_actions(qw, entry)
    assert [name for name, action in actions.items() if not await refused(action(actor))] == []
    snap = await snapshot(qw)
    assert (snap.version, snap.state, snap.members_can_freeze) == (1, QueueState.OPEN, True)
    assert [entry.status for entry in snap.entries] == [EntryStatus.WAITING]


@pytest.mark.parametrize("role", OPERATORS)
async def test_the_subjects_teacher_and_the_admins_run_the_queue(
    rt: Runtime, qw: QueueWorld, role: str
) -> None:
    operator = qw.by_role(role)
    a, b, c, d = qw.students
    entry_a, entry_b, entry_c, _ = await join_all(qw, a, b, c, d)
    assert line(await queues.get_snapshot(qw.queue_id, actor=operator)) == ids(a, b, c, d)

    assert await queues.call_next(qw.queue_id, actor=operator) == entry_a
    await queues.skip(entry_a, actor=operator)
    assert await queues.call_next(qw.queue_id, actor=operator) == entry_b
    await queues.accept(entry_b, actor=operator)
    await queues.return_entry(entry_c, actor=operator)
    await queues.remove_entry(entry_a, actor=operator)
    await queues.set_state(qw.queue_id, QueueState.PAUSED, actor=operator)
    await queues.update_settings(qw.queue_id, actor=operator, members_can_freeze=False, max_size=5)
    assert line(await snapshot(qw)) == ids(d)
    assert await queues.clear_queue(qw.queue_id, actor=operator) == 1

    snap = await snapshot(qw)
    assert (snap.state, snap.members_can_freeze, snap.max_size) == (QueueState.PAUSED, False, 5)
    [submission] = await queue_world.submissions_of(rt, b)
    assert submission.accepted_by_id == operator.id


async def test_a_blocked_member_can_do_nothing_with_the_queue(rt: Runtime, qw: QueueWorld) -> None:
    a, b, _, _ = qw.students
    await join_all(qw, a)
    await queue_world.block(rt, a)
    await queue_world.block(rt, b)
    attempts: list[Callable[[], Awaitable[object]]] = [
        lambda: queues.get_snapshot(qw.queue_id, actor=a),
        lambda: queues.freeze(qw.queue_id, actor=a),
        lambda: queues.leave_queue(qw.queue_id, actor=a),
        lambda: queues.change_task(qw.queue_id, actor=a, task_id=qw.task_ids[1]),
        lambda: queues.join_queue(qw.queue_id, actor=b),
    ]
    for attempt in attempts:
        with pytest.raises(ForbiddenError):
            await attempt()
    assert line(await snapshot(qw)) == ids(a)
    assert await version(rt, qw) == 1


async def test_a_blocked_teacher_can_do_nothing_with_the_queue(rt: Runtime, qw: QueueWorld) -> None:
    entry = await queues.join_queue(qw.queue_id, actor=qw.students[0])
    await queue_world.block(rt, qw.teacher)
    with pytest.raises(ForbiddenError):
        await queues.get_snapshot(qw.queue_id, actor=qw.teacher)
    actions = operator_actions(qw, entry)
    assert [name for name, action in actions.items() if not await refused(action(qw.teacher))] == []
    assert await version(rt, qw) == 1


async def test_removing_a_member_takes_them_out_of_the_queue_and_keeps_their_submissions(
    rt: Runtime, qw: QueueWorld
) -> None:
    a, b, c, _ = qw.students
    await factories.add_submission(rt, b, qw.task_ids[0])
    await join_all(qw, a, b, c)
    seen = record_events(rt)
    await workspaces.remove_member(qw.world.workspace_id, b.id, actor=qw.world.admin)

    assert line(await snapshot(qw)) == ids(a, c)
    events = await queue_world.queue_events(rt, qw.queue_id)
    assert (events[-1].kind, events[-1].user_id, events[-1].version) == (
        QueueEventKind.REMOVED,
        b.id,
        4,
    )
    assert seen == [QueueChanged(qw.queue_id, 4)]
    assert [s.task_id for s in await queue_world.submissions_of(rt, b)] == [qw.task_ids[0]]


# --- settings ---------------------------------------------------------------------------------


@pytest.mark.parametrize("max_size", [0, -1, 10_001])
async def test_a_maximum_size_out_of_range_is_refused(
    rt: Runtime, qw: QueueWorld, max_size: int
) -> None:
    with pytest.raises(InvalidError):
        await queues.update_settings(
            qw.queue_id, actor=qw.teacher, members_can_freeze=True, max_size=max_size
        )
    assert (await snapshot(qw)).max_size is None
    assert await version(rt, qw) == 0


@pytest.mark.parametrize("length", [timedelta(0), timedelta(hours=-1)])
async def test_a_schedule_that_closes_before_it_opens_is_refused(
    rt: Runtime, qw: QueueWorld, length: timedelta
) -> None:
    opens_at = datetime(2030, 9, 1, 8, 30, tzinfo=UTC)
    with pytest.raises(InvalidError):
        await queues.update_settings(
            qw.queue_id,
            actor=qw.teacher,
            members_can_freeze=True,
            max_size=None,
            opens_at=opens_at,
            closes_at=opens_at + length,
        )
    assert await version(rt, qw) == 0


async def test_valid_settings_are_stored(rt: Runtime, qw: QueueWorld) -> None:
    opens_at = datetime(2030, 9, 1, 8, 30, tzinfo=UTC)
    await queues.update_settings(
        qw.queue_id,
        actor=qw.teacher,
        members_can_freeze=False,
        max_size=1,
        opens_at=opens_at,
        closes_at=opens_at + timedelta(hours=1, minutes=35),
    )
    stored = await queue_world.stored_queue(rt, qw.queue_id)
    assert (stored.members_can_freeze, stored.max_size, stored.opens_at, stored.closes_at) == (
        False,
        1,
        opens_at,
        opens_at + timedelta(hours=1, minutes=35),
    )
