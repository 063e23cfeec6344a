"""Queues under concurrent use (SPEC §5): positions stay 1..N without gaps or duplicates, and
nobody is called twice, whatever happens at the same moment.

Every service call opens its own session, so ``asyncio.gather`` runs them as concurrent
transactions (on PostgreSQL truly in parallel, on SQLite queued for the single writer).
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Awaitable
from typing import Any

from db.models import EntryStatus, QueueEventKind
from equeue_ui.errors import ConflictError, NotFoundError
from equeue_ui.events import QueueChanged
from equeue_ui.runtime import Runtime
from equeue_ui.services import queues
from tests.services import queue_world
from tests.services.queue_world import QueueWorld, join_all, line, snapshot


async def at_once(*calls: Awaitable[Any]) -> list[Any]:
    """Run the calls concurrently; results and refusals, in call order."""
    return list(await asyncio.gather(*calls, return_exceptions=True))


async def assert_history_matches_version(rt: Runtime, qw: QueueWorld) -> list[QueueEventKind]:
    """One event per change, versions 1..V in the order written, V the queue's version."""
    queue = await queue_world.stored_queue(rt, qw.queue_id)
    events = await queue_world.queue_events(rt, qw.queue_id)
    assert [event.version for event in events] == list(range(1, queue.version + 1))
    return [event.kind for event in events]


async def test_a_hundred_students_joining_at_once_get_positions_1_to_100(rt: Runtime) -> None:
    qw = await queue_world.make_queue_world(rt, students=100)
    results = await at_once(*(queues.join_queue(qw.queue_id, actor=s) for s in qw.students))
    assert all(isinstance(result, int) for result in results), results

    snap = await snapshot(qw)
    assert sorted(line(snap)) == sorted(student.id for student in qw.students)
    assert sorted(entry.id for entry in snap.entries) == sorted(results)
    assert snap.version == 100
    kinds = await assert_history_matches_version(rt, qw)
    assert kinds == [QueueEventKind.JOINED] * 100


async def test_the_same_student_joining_five_times_at_once_stands_in_line_once(
    rt: Runtime,
) -> None:
    qw = await queue_world.make_queue_world(rt, students=1)
    [student] = qw.students
    results = await at_once(*(queues.join_queue(qw.queue_id, actor=student) for _ in range(5)))

    entry_ids = [result for result in results if isinstance(result, int)]
    refusals = [result for result in results if isinstance(result, ConflictError)]
    assert (len(entry_ids), len(refusals)) == (1, 4), results
    assert all(refusal.message == queues.ALREADY_IN_QUEUE for refusal in refusals)
    assert line(await snapshot(qw)) == [student.id]
    assert await assert_history_matches_version(rt, qw) == [QueueEventKind.JOINED]


async def test_two_teachers_calling_next_at_once_call_different_students(rt: Runtime) -> None:
    qw = await queue_world.make_queue_world(rt)
    colleague = await queue_world.add_teacher(rt, qw.subject_id, "colleague")
    a, b, c, _ = qw.students
    entry_a, entry_b, _ = await join_all(qw, a, b, c)

    called = await at_once(
        queues.call_next(qw.queue_id, actor=qw.teacher),
        queues.call_next(qw.queue_id, actor=colleague),
    )
    assert sorted(called) == sorted([entry_a, entry_b])
    snap = await snapshot(qw)
    statuses = [entry.status for entry in snap.entries]
    assert statuses == [EntryStatus.CALLED, EntryStatus.CALLED, EntryStatus.WAITING]


async def test_twenty_calls_for_ten_waiting_students_call_each_exactly_once(
    rt: Runtime,
) -> None:
    qw = await queue_world.make_queue_world(rt, students=10)
    entries = await join_all(qw, *qw.students)

    called = await at_once(*(queues.call_next(qw.queue_id, actor=qw.teacher) for _ in range(20)))
    assert sorted(result for result in called if result is not None) == sorted(entries)
    assert called.count(None) == 10
    snap = await snapshot(qw)
    assert {entry.status for entry in snap.entries} == {EntryStatus.CALLED}
    kinds = await assert_history_matches_version(rt, qw)
    assert Counter(kinds) == {QueueEventKind.JOINED: 10, QueueEventKind.CALLED: 10}


async def test_accepting_and_removing_the_same_entry_at_once_serves_it_once(
    rt: Runtime,
) -> None:
    qw = await queue_world.make_queue_world(rt)
    colleague = await queue_world.add_teacher(rt, qw.subject_id, "colleague")
    a = qw.students[0]
    entry = await queues.join_queue(qw.queue_id, actor=a)

    results = await at_once(
        queues.accept(entry, actor=qw.teacher), queues.remove_entry(entry, actor=colleague)
    )
    assert sum(result is None for result in results) == 1
    assert sum(isinstance(result, NotFoundError) for result in results) == 1
    kinds = await assert_history_matches_version(rt, qw)
    assert len(kinds) == 2
    submissions = await queue_world.submissions_of(rt, a)
    assert len(submissions) == (1 if kinds[-1] is QueueEventKind.ACCEPTED else 0)


async def test_joins_leaves_skips_and_calls_at_once_keep_the_line_contiguous(
    rt: Runtime,
) -> None:
    qw = await queue_world.make_queue_world(rt, students=30)
    first_twenty, newcomers = list(qw.students[:20]), list(qw.students[20:])
    leaving, skipped, staying = first_twenty[:8], first_twenty[8:13], first_twenty[13:]
    entries = dict(
        zip((s.id for s in first_twenty), await join_all(qw, *first_twenty), strict=True)
    )
    published: list[QueueChanged] = []
    rt.bus.subscribe(QueueChanged, published.append)

    calls: list[Awaitable[Any]] = []
    for number in range(10):
        calls.append(queues.join_queue(qw.queue_id, actor=newcomers[number]))
        if number < len(leaving):
            calls.append(queues.leave_queue(qw.queue_id, actor=leaving[number]))
        if number < len(skipped):
            calls.append(queues.skip(entries[skipped[number].id], actor=qw.teacher))
    results = await at_once(*calls)
    assert not [result for result in results if isinstance(result, BaseException)], results

    snap = await snapshot(qw)
    order = line(snap)
    assert len(order) == len(set(order)) == 20 - 8 + 10
    # Nobody overtakes those who stayed put; skipped and new students follow, in some order.
    assert order[: len(staying)] == [s.id for s in staying]
    assert set(order[len(staying) :]) == {s.id for s in skipped + newcomers}
    assert {entry.status for entry in snap.entries} == {EntryStatus.WAITING}

    kinds = await assert_history_matches_version(rt, qw)
    assert Counter(kinds) == {
        QueueEventKind.JOINED: 30,
        QueueEventKind.LEFT: 8,
        QueueEventKind.SKIPPED: 5,
    }
    assert snap.version == 43
    assert sorted(event.version for event in published) == list(range(21, 44))


async def test_calling_while_students_join_and_leave_never_calls_anyone_twice(
    rt: Runtime,
) -> None:
    qw = await queue_world.make_queue_world(rt, students=12)
    early, late = list(qw.students[:6]), list(qw.students[6:])
    early_entries = await join_all(qw, *early)

    results = await at_once(
        *(queues.call_next(qw.queue_id, actor=qw.teacher) for _ in range(4)),
        *(queues.join_queue(qw.queue_id, actor=student) for student in late),
        queues.leave_queue(qw.queue_id, actor=early[-1]),
    )
    assert not [result for result in results if isinstance(result, BaseException)], results
    assert sorted(results[:4]) == sorted(early_entries[:4])

    snap = await snapshot(qw)
    assert len(line(snap)) == 12 - 1
    called = {entry.id for entry in snap.entries if entry.status is EntryStatus.CALLED}
    assert called == set(early_entries[:4])
    await assert_history_matches_version(rt, qw)
