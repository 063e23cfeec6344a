"""A call to the desk is remembered until the student acknowledges it, and every way a place
ends tells the student's pages how (issue 14, points 2 and 3)."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select, update

from db.models import EntryStatus, QueueEntry
from equeue_ui.errors import ForbiddenError, NotFoundError
from equeue_ui.events import CallAcknowledged, QueueChanged, StudentCalled, TurnEnded, TurnOutcome
from equeue_ui.runtime import Runtime
from equeue_ui.services import queues, workspaces
from equeue_ui.services.views import UserView
from tests.services import queue_world
from tests.services.queue_world import QueueWorld, join_all, snapshot


@pytest.fixture
async def qw(rt: Runtime) -> QueueWorld:
    return await queue_world.make_queue_world(rt)


def record(rt: Runtime, *types: type) -> list[Any]:
    seen: list[Any] = []
    for event_type in types:
        rt.bus.subscribe(event_type, seen.append)
    return seen


async def acknowledged_at(rt: Runtime, qw: QueueWorld, user: UserView) -> object:
    async with rt.db.read_session() as session:
        return await session.scalar(
            select(QueueEntry.call_acknowledged_at).where(
                QueueEntry.queue_id == qw.queue_id, QueueEntry.user_id == user.id
            )
        )


# --- acknowledging a call ----------------------------------------------------------------------


async def test_a_call_stays_pending_until_the_student_acknowledges_it(
    rt: Runtime, qw: QueueWorld
) -> None:
    a, b, _, _ = qw.students
    await join_all(qw, a, b)
    assert await queues.pending_calls(actor=a) == ()
    await queues.call_next(qw.queue_id, actor=qw.teacher)

    (call,) = await queues.pending_calls(actor=a)
    assert (call.queue_id, call.subject_id, call.subject_name) == (
        qw.queue_id,
        qw.subject_id,
        "Algebra",
    )
    assert call.called_at is not None
    assert await queues.pending_calls(actor=b) == ()
    # Asking again (another page load, a reconnection) finds it again.
    assert len(await queues.pending_calls(actor=a)) == 1

    version = (await snapshot(qw)).version
    seen = record(rt, CallAcknowledged, QueueChanged)
    assert await queues.acknowledge_call(qw.queue_id, actor=a) is True
    assert seen == [CallAcknowledged(qw.queue_id, a.id)]
    assert await queues.pending_calls(actor=a) == ()
    assert await acknowledged_at(rt, qw, a) is not None
    # The queue itself did not change: still at the desk, same version for every viewer.
    after = await snapshot(qw)
    assert after.version == version
    entry = after.entry_of(a.id)
    assert entry is not None and entry.status is EntryStatus.CALLED


async def test_acknowledging_twice_or_without_a_call_tells_the_pages_but_changes_nothing(
    rt: Runtime, qw: QueueWorld
) -> None:
    a, b, _, _ = qw.students
    await join_all(qw, a, b)
    await queues.call_next(qw.queue_id, actor=qw.teacher)
    assert await queues.acknowledge_call(qw.queue_id, actor=a) is True
    first = await acknowledged_at(rt, qw, a)
    seen = record(rt, CallAcknowledged)
    assert await queues.acknowledge_call(qw.queue_id, actor=a) is False
    assert await acknowledged_at(rt, qw, a) == first
    # A waiting student, and one not in the queue at all: a stale alert goes, nothing else.
    assert await queues.acknowledge_call(qw.queue_id, actor=b) is False
    assert await queues.acknowledge_call(qw.queue_id, actor=qw.students[3]) is False
    assert seen == [CallAcknowledged(qw.queue_id, u.id) for u in (a, b, qw.students[3])]
    assert await acknowledged_at(rt, qw, b) is None


async def test_a_new_call_after_a_skip_is_pending_again(rt: Runtime, qw: QueueWorld) -> None:
    a, b, _, _ = qw.students
    entry, _ = await join_all(qw, a, b)
    await queues.call_next(qw.queue_id, actor=qw.teacher)
    await queues.acknowledge_call(qw.queue_id, actor=a)
    await queues.skip(entry, actor=qw.teacher)
    assert await acknowledged_at(rt, qw, a) is None
    await queues.call_next(qw.queue_id, actor=qw.teacher)  # b
    assert await queues.pending_calls(actor=a) == ()
    await queues.call_next(qw.queue_id, actor=qw.teacher)  # a again
    assert [c.queue_id for c in await queues.pending_calls(actor=a)] == [qw.queue_id]


async def test_a_call_is_reset_by_every_new_call_even_one_written_behind_the_services_back(
    rt: Runtime, qw: QueueWorld
) -> None:
    """call_next clears an acknowledgement left on the row (e.g. a restored place)."""
    (a,) = qw.students[:1]
    await join_all(qw, a)
    async with rt.db.write_session() as session:
        await session.execute(
            update(QueueEntry)
            .where(QueueEntry.user_id == a.id)
            .values(call_acknowledged_at=QueueEntry.joined_at)
        )
        await session.commit()
    await queues.call_next(qw.queue_id, actor=qw.teacher)
    assert len(await queues.pending_calls(actor=a)) == 1


async def test_only_the_students_own_calls_are_pending_for_them(
    rt: Runtime, qw: QueueWorld
) -> None:
    a, b, _, _ = qw.students
    await join_all(qw, a, b)
    await queues.call_next(qw.queue_id, actor=qw.teacher)
    await queues.call_next(qw.queue_id, actor=qw.teacher)
    await queues.acknowledge_call(qw.queue_id, actor=a)
    assert await queues.pending_calls(actor=a) == ()
    assert [c.queue_id for c in await queues.pending_calls(actor=b)] == [qw.queue_id]
    assert await queues.pending_calls(actor=qw.teacher) == ()


async def test_acknowledging_in_a_missing_queue_is_not_found_and_a_stranger_changes_nothing(
    rt: Runtime, qw: QueueWorld
) -> None:
    with pytest.raises(NotFoundError):
        await queues.acknowledge_call(10**6, actor=qw.students[0])
    seen = record(rt, CallAcknowledged)
    # A former member may still answer a call (as they may still leave); a stranger learns
    # nothing and changes nothing, but is not refused with details either.
    assert await queues.acknowledge_call(qw.queue_id, actor=qw.stranger) is False
    assert seen == [CallAcknowledged(qw.queue_id, qw.stranger.id)]


# --- outcomes ----------------------------------------------------------------------------------


async def test_each_teacher_action_tells_the_student_how_their_place_ended(
    rt: Runtime, qw: QueueWorld
) -> None:
    a, b, c, d = qw.students
    ea, eb, ec, ed = await join_all(qw, a, b, c, d)
    seen = record(rt, TurnEnded)
    await queues.call_next(qw.queue_id, actor=qw.teacher)
    await queues.accept(ea, actor=qw.teacher)
    await queues.call_next(qw.queue_id, actor=qw.teacher)
    await queues.return_entry(eb, actor=qw.teacher)
    await queues.skip(ec, actor=qw.teacher)
    await queues.remove_entry(ed, actor=qw.teacher)
    assert seen == [
        TurnEnded(qw.queue_id, a.id, TurnOutcome.ACCEPTED, "Lab 1"),
        TurnEnded(qw.queue_id, b.id, TurnOutcome.RETURNED),
        TurnEnded(qw.queue_id, c.id, TurnOutcome.SKIPPED),
        TurnEnded(qw.queue_id, d.id, TurnOutcome.REMOVED),
    ]


async def test_an_accepted_entry_names_the_task_it_handed_in(rt: Runtime, qw: QueueWorld) -> None:
    (a,) = qw.students[:1]
    entry = await queues.join_queue(qw.queue_id, actor=a, task_id=qw.task_ids[2])
    seen = record(rt, TurnEnded)
    await queues.accept(entry, actor=qw.teacher)
    assert seen == [TurnEnded(qw.queue_id, a.id, TurnOutcome.ACCEPTED, "Lab 3")]


async def test_the_outcome_is_published_only_after_the_commit(rt: Runtime, qw: QueueWorld) -> None:
    a, _, _, _ = qw.students
    (entry,) = await join_all(qw, a)
    await queues.call_next(qw.queue_id, actor=qw.teacher)
    looked: list[bool] = []

    async def look(event: TurnEnded) -> None:
        async with rt.db.read_session() as session:
            found = await session.scalar(select(QueueEntry.id).where(QueueEntry.id == entry))
            looked.append(found is None)

    rt.bus.subscribe(TurnEnded, look)
    await queues.return_entry(entry, actor=qw.teacher)
    assert looked == [True]


async def test_clearing_the_queue_tells_everyone_in_it(rt: Runtime, qw: QueueWorld) -> None:
    a, b, c, _ = qw.students
    await join_all(qw, a, b, c)
    await queues.call_next(qw.queue_id, actor=qw.teacher)
    seen = record(rt, TurnEnded)
    assert await queues.clear_queue(qw.queue_id, actor=qw.teacher) == 3
    assert sorted(seen, key=lambda e: e.user_id) == [
        TurnEnded(qw.queue_id, u.id, TurnOutcome.CLEARED)
        for u in sorted((a, b, c), key=lambda u: u.id)
    ]


async def test_leaving_and_being_removed_from_the_workspace_end_the_turn_too(
    rt: Runtime, qw: QueueWorld
) -> None:
    a, b, _, _ = qw.students
    await join_all(qw, a, b)
    await queues.call_next(qw.queue_id, actor=qw.teacher)
    seen = record(rt, TurnEnded, StudentCalled)
    await queues.leave_queue(qw.queue_id, actor=a)
    await workspaces.remove_member(qw.world.workspace_id, b.id, actor=qw.world.admin)
    assert seen == [
        TurnEnded(qw.queue_id, a.id, TurnOutcome.LEFT),
        TurnEnded(qw.queue_id, b.id, TurnOutcome.REMOVED),
    ]


async def test_leaving_the_workspace_oneself_is_no_removal_by_anyone(
    rt: Runtime, qw: QueueWorld
) -> None:
    a, _, _, _ = qw.students
    await join_all(qw, a)
    seen = record(rt, TurnEnded)
    await workspaces.leave(qw.world.workspace_id, actor=a)
    assert seen == [TurnEnded(qw.queue_id, a.id, TurnOutcome.LEFT)]


async def test_a_refused_teacher_action_tells_nobody(rt: Runtime, qw: QueueWorld) -> None:
    (a,) = qw.students[:1]
    (entry,) = await join_all(qw, a)
    seen = record(rt, TurnEnded)
    with pytest.raises(ForbiddenError):
        await queues.remove_entry(entry, actor=qw.other_teacher)
    assert seen == []
