"""Taking back a "Leave" within seconds puts the place back exactly where it was (issue 14,
point 5): between the same neighbours, whatever happened to the queue meanwhile."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Awaitable
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import update

from db.models import EntryStatus, QueueEvent, QueueEventKind, SubmissionKind
from db.types import utcnow
from equeue_ui.errors import ConflictError, ForbiddenError
from equeue_ui.events import QueueChanged, SubmissionChanged
from equeue_ui.runtime import Runtime
from equeue_ui.services import queues
from tests.services import queue_world
from tests.services.queue_world import QueueWorld, join_all, line, snapshot


@pytest.fixture
async def qw(rt: Runtime) -> QueueWorld:
    return await queue_world.make_queue_world(rt, students=6)


async def age_events(rt: Runtime, qw: QueueWorld, by: timedelta) -> None:
    """Date the queue's whole history ``by`` ago, as if that time had passed."""
    async with rt.db.write_session() as session:
        await session.execute(
            update(QueueEvent).where(QueueEvent.queue_id == qw.queue_id).values(at=utcnow() - by)
        )
        await session.commit()


async def test_undoing_a_leave_puts_the_place_back_between_the_same_neighbours(
    rt: Runtime, qw: QueueWorld
) -> None:
    a, b, c, d, e, _ = qw.students
    await join_all(qw, a, b, c, d)
    before = await snapshot(qw)
    mine = before.entry_of(c.id)
    assert mine is not None and mine.position == 3

    place = await queues.leave_queue(qw.queue_id, actor=c)
    await queues.join_queue(qw.queue_id, actor=e)  # a newcomer while the undo is offered
    await queues.leave_queue(qw.queue_id, actor=a)  # someone ahead goes
    assert line(await snapshot(qw)) == [b.id, d.id, e.id]

    await queues.undo_leave(qw.queue_id, actor=c, place=place)
    after = await snapshot(qw)
    assert line(after) == [b.id, c.id, d.id, e.id]
    back = after.entry_of(c.id)
    assert back is not None
    assert (back.task_id, back.status, back.joined_at) == (
        mine.task_id,
        mine.status,
        mine.joined_at,
    )
    events = await queue_world.queue_events(rt, qw.queue_id)
    assert (events[-1].kind, events[-1].user_id, events[-1].actor_id) == (
        QueueEventKind.RESTORED,
        c.id,
        c.id,
    )
    assert events[-1].version == after.version


async def test_a_frozen_or_called_place_comes_back_frozen_or_called(
    rt: Runtime, qw: QueueWorld
) -> None:
    a, b, c, _, _, _ = qw.students
    await join_all(qw, a, b, c)
    await queues.call_next(qw.queue_id, actor=qw.teacher)  # a at the desk
    await queues.freeze(qw.queue_id, actor=b)
    at_desk = await queues.leave_queue(qw.queue_id, actor=a)
    frozen = await queues.leave_queue(qw.queue_id, actor=b)
    await queues.undo_leave(qw.queue_id, actor=b, place=frozen)
    await queues.undo_leave(qw.queue_id, actor=a, place=at_desk)
    snap = await snapshot(qw)
    assert line(snap) == [a.id, b.id, c.id]
    assert [entry.status for entry in snap.entries] == [
        EntryStatus.CALLED,
        EntryStatus.FROZEN,
        EntryStatus.WAITING,
    ]
    first = snap.entries[0]
    assert first.called_by == qw.teacher.id and first.called_at == at_desk.called_at


async def test_undoing_leave_and_mark_unmarks_the_task_it_marked(
    rt: Runtime, qw: QueueWorld
) -> None:
    a, b, _, _, _, _ = qw.students
    await join_all(qw, a)
    seen: list[Any] = []
    rt.bus.subscribe(SubmissionChanged, seen.append)
    place = await queues.leave_queue(qw.queue_id, actor=a, mark_handed_in=True)
    assert place.marked_task_id == qw.task_ids[0]
    assert [s.task_id for s in await queue_world.submissions_of(rt, a)] == [qw.task_ids[0]]
    await queues.undo_leave(qw.queue_id, actor=a, place=place)
    assert await queue_world.submissions_of(rt, a) == []
    assert seen == [SubmissionChanged(a.id, qw.subject_id)] * 2
    entry = (await snapshot(qw)).entry_of(a.id)
    assert entry is not None and entry.task_id == qw.task_ids[0]

    # A task marked before leaving stays marked: undoing the leave never unmarks it.
    await queues.leave_queue(qw.queue_id, actor=a)
    await queues.join_queue(qw.queue_id, actor=b, task_id=qw.task_ids[1])
    await queues.leave_queue(qw.queue_id, actor=b, mark_handed_in=True)
    await queues.join_queue(qw.queue_id, actor=b, task_id=qw.task_ids[1])
    again = await queues.leave_queue(qw.queue_id, actor=b, mark_handed_in=True)
    assert again.marked_task_id is None
    await queues.undo_leave(qw.queue_id, actor=b, place=again)
    assert [s.task_id for s in await queue_world.submissions_of(rt, b)] == [qw.task_ids[1]]


async def test_a_task_accepted_meanwhile_stays_accepted(rt: Runtime, qw: QueueWorld) -> None:
    a, b, _, _, _, _ = qw.students
    await join_all(qw, a)
    place = await queues.leave_queue(qw.queue_id, actor=a, mark_handed_in=True)
    # The teacher accepts the same task through another entry of a (joined and served again).
    await join_all(qw, b)
    entry = await queues.join_queue(qw.queue_id, actor=a, task_id=qw.task_ids[0])
    await queues.accept(entry, actor=qw.teacher)
    with pytest.raises(ConflictError):  # a rejoined meanwhile: too late
        await queues.undo_leave(qw.queue_id, actor=a, place=place)
    (submission,) = await queue_world.submissions_of(rt, a)
    assert submission.kind is SubmissionKind.ACCEPTED


async def test_undo_is_refused_after_the_window_or_a_second_time(
    rt: Runtime, qw: QueueWorld
) -> None:
    a, b, _, _, _, _ = qw.students
    await join_all(qw, a, b)
    place = await queues.leave_queue(qw.queue_id, actor=a)
    await queues.undo_leave(qw.queue_id, actor=a, place=place)
    with pytest.raises(ConflictError) as twice:
        await queues.undo_leave(qw.queue_id, actor=a, place=place)
    assert twice.value.message == queues.TOO_LATE_TO_UNDO

    late = await queues.leave_queue(qw.queue_id, actor=b)
    await age_events(rt, qw, queues.UNDO_WINDOW + timedelta(seconds=1))
    version = (await snapshot(qw)).version
    with pytest.raises(ConflictError) as expired:
        await queues.undo_leave(qw.queue_id, actor=b, place=late)
    assert expired.value.message == queues.TOO_LATE_TO_UNDO
    assert (await snapshot(qw)).version == version
    assert line(await snapshot(qw)) == [a.id]


async def test_undo_is_refused_after_rejoining_or_a_clear(rt: Runtime, qw: QueueWorld) -> None:
    a, b, _, _, _, _ = qw.students
    await join_all(qw, a, b)
    place = await queues.leave_queue(qw.queue_id, actor=a)
    await queues.join_queue(qw.queue_id, actor=a)
    with pytest.raises(ConflictError):
        await queues.undo_leave(qw.queue_id, actor=a, place=place)
    assert line(await snapshot(qw)) == [b.id, a.id]

    cleared = await queues.leave_queue(qw.queue_id, actor=b)
    await queues.clear_queue(qw.queue_id, actor=qw.teacher)
    with pytest.raises(ConflictError) as refused:
        await queues.undo_leave(qw.queue_id, actor=b, place=cleared)
    assert "cleared" in str(refused.value.message)
    assert line(await snapshot(qw)) == []


async def test_nobody_can_undo_someone_elses_leave(rt: Runtime, qw: QueueWorld) -> None:
    a, b, _, _, _, _ = qw.students
    await join_all(qw, a)
    place = await queues.leave_queue(qw.queue_id, actor=a)
    with pytest.raises(ForbiddenError):
        await queues.undo_leave(qw.queue_id, actor=b, place=place)
    # Nor a forged place pointing at another's "left" event.
    forged = dataclasses.replace(place, user_id=b.id)
    with pytest.raises(ConflictError):
        await queues.undo_leave(qw.queue_id, actor=b, place=forged)
    assert line(await snapshot(qw)) == []


async def test_a_former_member_cannot_come_back_by_undoing(rt: Runtime, qw: QueueWorld) -> None:
    a, _, _, _, _, _ = qw.students
    await join_all(qw, a)
    place = await queues.leave_queue(qw.queue_id, actor=a)
    await queue_world.block(rt, a)
    with pytest.raises(ForbiddenError):
        await queues.undo_leave(qw.queue_id, actor=a, place=place)


async def test_an_undo_is_one_change_published_after_commit(rt: Runtime, qw: QueueWorld) -> None:
    a, _, _, _, _, _ = qw.students
    await join_all(qw, a)
    place = await queues.leave_queue(qw.queue_id, actor=a)
    seen: list[QueueChanged] = []
    rt.bus.subscribe(QueueChanged, seen.append)
    await queues.undo_leave(qw.queue_id, actor=a, place=place)
    assert seen == [QueueChanged(qw.queue_id, place.event_version + 1)]


async def test_undos_joins_leaves_and_calls_at_once_keep_positions_1_to_n(rt: Runtime) -> None:
    qw = await queue_world.make_queue_world(rt, students=24)
    first, newcomers = list(qw.students[:16]), list(qw.students[16:])
    await join_all(qw, *first)
    undoing = first[1::2]  # every second student leaves and takes it back
    places = [await queues.leave_queue(qw.queue_id, actor=s) for s in undoing]

    calls: list[Awaitable[object]] = [
        queues.undo_leave(qw.queue_id, actor=s, place=p)
        for s, p in zip(undoing, places, strict=True)
    ]
    calls += [queues.join_queue(qw.queue_id, actor=s) for s in newcomers]
    leaving = first[14]  # far from the desk: call next cannot reach them first
    calls += [queues.leave_queue(qw.queue_id, actor=leaving)]
    calls += [queues.call_next(qw.queue_id, actor=qw.teacher) for _ in range(3)]
    results = await asyncio.gather(*calls, return_exceptions=True)
    assert not [r for r in results if isinstance(r, BaseException)], results

    snap = await snapshot(qw)
    order = line(snap)  # checks the positions run 1..N
    assert len(order) == len(set(order)) == 16 - 1 + len(newcomers)
    # Those who were there keep their joining order, the undone among them; newcomers follow.
    assert order[:15] == [s.id for s in first if s is not leaving]
    assert set(order[15:]) == {s.id for s in newcomers}
    called = [e for e in snap.entries if e.status is EntryStatus.CALLED]
    assert len(called) == 3
    events = await queue_world.queue_events(rt, qw.queue_id)
    assert [e.version for e in events] == list(range(1, snap.version + 1))
