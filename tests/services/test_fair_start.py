"""The fair start (issue 18, point 2): joins in the first seconds after a queue opens are placed
by one cryptographically random draw when the window ends, recorded in the queue's history,
made exactly once whoever asks for it and however often the app restarts."""

from __future__ import annotations

import asyncio
import json
from contextlib import suppress
from datetime import datetime, timedelta

import pytest

from db.models import QueueEventKind, QueueState
from db.types import utcnow
from equeue_ui import runtime, scheduler
from equeue_ui.errors import ConflictError, InvalidError
from equeue_ui.events import QueueChanged
from equeue_ui.runtime import Runtime
from equeue_ui.services import exports, queues
from equeue_ui.services.queues import load_snapshot
from tests.conftest import make_settings
from tests.services import queue_world
from tests.services.queue_world import QueueWorld, line, snapshot
from tests.services.test_schedule import wait_until

WINDOW = timedelta(seconds=30)


class Clock:
    def __init__(self) -> None:
        self.now = utcnow()

    def __call__(self) -> datetime:
        return self.now

    def advance(self, delta: timedelta) -> None:
        self.now += delta


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    """The queues' time stands still unless a test moves it."""
    fixed = Clock()
    monkeypatch.setattr(queues, "utcnow", fixed)
    return fixed


async def opened_world(rt: Runtime, students: int = 6) -> QueueWorld:
    """A closed queue with a 30-second fair start, opened now by its teacher."""
    qw = await queue_world.make_queue_world(rt, state=QueueState.CLOSED, students=students)
    await queue_world.set_queue(rt, qw.queue_id, fair_start_seconds=30)
    await queues.set_state(qw.queue_id, QueueState.OPEN, actor=qw.teacher)
    return qw


async def draws(rt: Runtime, qw: QueueWorld) -> list[list[int]]:
    """The drawn orders the queue's history holds, as user ids."""
    events = await queue_world.queue_events(rt, qw.queue_id)
    return [
        [place["user_id"] for place in json.loads(event.details or "[]")]
        for event in events
        if event.kind is QueueEventKind.DRAWN
    ]


async def test_joins_in_the_window_wait_for_one_draw_that_places_them_all(
    rt: Runtime, clock: Clock
) -> None:
    qw = await opened_world(rt)
    await queue_world.join_all(qw, *qw.students[:5])

    snap = await snapshot(qw)
    assert snap.draw_at == clock.now + WINDOW
    assert all(entry.in_draw for entry in snap.entries)
    assert not any(snap.is_next(s.id) for s in qw.students)  # the draw decides who is
    with pytest.raises(ConflictError):
        await queues.call_next(qw.queue_id, actor=qw.teacher)

    clock.advance(WINDOW)
    snap = await snapshot(qw)  # a read after the window draws
    order = line(snap)
    assert sorted(order) == sorted(s.id for s in qw.students[:5])
    assert snap.draw_at is None and not any(entry.in_draw for entry in snap.entries)
    assert await draws(rt, qw) == [order]

    late = qw.students[5]
    await queues.join_queue(qw.queue_id, actor=late)
    assert line(await snapshot(qw)) == [*order, late.id]
    assert (
        await queues.call_next(qw.queue_id, actor=qw.teacher) == (await snapshot(qw)).entries[0].id
    )
    assert len(await draws(rt, qw)) == 1


async def test_the_first_join_after_the_window_draws_and_goes_last(
    rt: Runtime, clock: Clock
) -> None:
    qw = await opened_world(rt)
    early = qw.students[:3]
    await queue_world.join_all(qw, *early)
    clock.advance(WINDOW + timedelta(seconds=5))
    await queues.join_queue(qw.queue_id, actor=qw.students[3])

    order = line(await snapshot(qw))
    assert order[-1] == qw.students[3].id
    assert await draws(rt, qw) == [order[:3]]


async def test_leaving_during_the_window_takes_one_out_of_the_draw(
    rt: Runtime, clock: Clock
) -> None:
    qw = await opened_world(rt)
    a, b, c, *_ = qw.students
    await queue_world.join_all(qw, a, b, c)
    await queues.leave_queue(qw.queue_id, actor=b)
    clock.advance(WINDOW)

    assert await queues.draw_if_due(qw.queue_id)
    assert sorted(line(await snapshot(qw))) == sorted([a.id, c.id])
    [drawn] = await draws(rt, qw)
    assert sorted(drawn) == sorted([a.id, c.id])


async def test_two_draws_at_once_draw_once(rt: Runtime, clock: Clock) -> None:
    qw = await opened_world(rt)
    await queue_world.join_all(qw, *qw.students)
    clock.advance(WINDOW)

    results = await asyncio.gather(
        queues.draw_if_due(qw.queue_id),
        queues.draw_if_due(qw.queue_id),
        queues.draw_due_queues(clock.now),
        queues.get_snapshot(qw.queue_id, actor=qw.teacher),
    )
    # The snapshot's read may be the one that draws: then none of the others did.
    made = [r for r in results[:3] if r is True or r == [qw.queue_id]]
    assert len(made) <= 1, results
    assert len(await draws(rt, qw)) == 1
    assert sorted(line(await snapshot(qw))) == sorted(s.id for s in qw.students)


async def test_a_restart_in_the_middle_of_the_window_still_draws_once(
    rt: Runtime, clock: Clock, database_url: str
) -> None:
    qw = await opened_world(rt)
    await queue_world.join_all(qw, *qw.students[:4])

    # A new process: a fresh engine and runtime; nothing of the old one's memory is left.
    await rt.db.dispose()
    restarted = runtime.build(
        make_settings(database_url, rt.settings.data_dir), load_snapshot=load_snapshot
    )
    runtime.install(restarted)
    try:
        await queues.join_queue(qw.queue_id, actor=qw.students[4])
        clock.advance(WINDOW)
        assert await queues.draw_due_queues(clock.now) == [qw.queue_id]
        assert await queues.draw_due_queues(clock.now) == []
        assert not await queues.draw_if_due(qw.queue_id)
        [drawn] = await draws(restarted, qw)
        assert sorted(drawn) == sorted(s.id for s in qw.students[:5])
        assert line(await snapshot(qw)) == drawn
    finally:
        runtime.install(rt)
        await restarted.db.dispose()


async def test_many_joins_at_once_in_the_window_all_land_in_one_permutation(
    rt: Runtime, clock: Clock
) -> None:
    # 200 on PostgreSQL, where they run truly in parallel; SQLite queues them for its writer.
    count = 200 if rt.db.dialect == "postgresql" else 40
    qw = await opened_world(rt, students=count)
    results = await asyncio.gather(
        *(queues.join_queue(qw.queue_id, actor=s) for s in qw.students), return_exceptions=True
    )
    assert all(isinstance(result, int) for result in results), results
    clock.advance(WINDOW)

    snap = await snapshot(qw)
    order = line(snap)  # positions 1..N, no gaps
    assert len(order) == len(set(order)) == count
    assert set(order) == {s.id for s in qw.students}
    assert await draws(rt, qw) == [order]


async def test_a_scheduled_opening_starts_the_fair_start_too(rt: Runtime, clock: Clock) -> None:
    qw = await queue_world.make_queue_world(rt, state=QueueState.CLOSED, students=1)
    await queue_world.set_queue(rt, qw.queue_id, opens_at=clock.now, fair_start_seconds=20)
    assert await queues.apply_schedule(clock.now) == [qw.queue_id]

    await queues.join_queue(qw.queue_id, actor=qw.students[0])
    snap = await snapshot(qw)
    assert snap.draw_at == clock.now + timedelta(seconds=20)
    assert snap.entries[0].in_draw


async def test_no_fair_start_places_joins_in_order_at_once(rt: Runtime, clock: Clock) -> None:
    qw = await queue_world.make_queue_world(rt, state=QueueState.CLOSED, students=3)
    await queues.update_settings(
        qw.queue_id, actor=qw.teacher, members_can_freeze=True, max_size=None, fair_start_seconds=0
    )
    await queues.set_state(qw.queue_id, QueueState.OPEN, actor=qw.teacher)
    await queue_world.join_all(qw, *qw.students)

    snap = await snapshot(qw)
    assert snap.draw_at is None
    assert line(snap) == [s.id for s in qw.students]


@pytest.mark.parametrize("seconds", [-1, 601])
async def test_a_fair_start_out_of_range_is_refused(rt: Runtime, seconds: int) -> None:
    qw = await queue_world.make_queue_world(rt, students=0)
    with pytest.raises(InvalidError):
        await queues.update_settings(
            qw.queue_id,
            actor=qw.teacher,
            members_can_freeze=True,
            max_size=None,
            fair_start_seconds=seconds,
        )


async def test_the_history_export_shows_the_drawn_order(rt: Runtime, clock: Clock) -> None:
    qw = await opened_world(rt, students=3)
    await queue_world.join_all(qw, *qw.students)
    clock.advance(WINDOW)
    order = line(await snapshot(qw))

    file = await exports.queue_history_csv(qw.queue_id, actor=qw.teacher, language="en")
    rows = exports.read_csv(file.data)
    [drawn] = [row for row in rows if row[1] == "drawn"]
    names = {s.id: s.display_name for s in qw.students}
    assert drawn[-1] == "; ".join(f"{n}. {names[u]}" for n, u in enumerate(order, 1))


async def test_the_scheduler_draws_when_the_window_ends_and_every_screen_hears_of_it(
    rt: Runtime, clock: Clock
) -> None:
    qw = await opened_world(rt, students=3)
    await queue_world.join_all(qw, *qw.students)
    heard: list[QueueChanged] = []
    rt.bus.subscribe(QueueChanged, heard.append)
    job = asyncio.create_task(scheduler.run_draws(0.02))
    try:
        clock.advance(WINDOW)

        async def drawn() -> bool:
            return bool(await draws(rt, qw))

        await wait_until(drawn, timeout=10)
    finally:
        job.cancel()
        with suppress(asyncio.CancelledError):
            await job
    queue = await queue_world.stored_queue(rt, qw.queue_id)
    assert queue.draw_at is None
    assert QueueChanged(qw.queue_id, queue.version) in heard  # published once committed
    assert len(await draws(rt, qw)) == 1
