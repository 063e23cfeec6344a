"""Queue schedules (SPEC §5): a queue opens and closes by itself at its scheduled times, each
time once, and the background job that applies schedules keeps going whatever happens."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager, suppress
from datetime import datetime, timedelta

import pytest

from db.models import Queue, QueueEventKind, QueueState
from db.types import utcnow
from equeue_ui import scheduler
from equeue_ui.events import QueueChanged
from equeue_ui.runtime import Runtime
from equeue_ui.services import queues
from tests.services import queue_world
from tests.services.queue_world import QueueWorld

MINUTE = timedelta(minutes=1)
HOUR = timedelta(hours=1)
# The scheduler's interval in these tests, and the time one round may itself take.
INTERVAL = 0.3
ROUND_TIME = 0.7


@pytest.fixture
def now() -> datetime:
    return utcnow()


@pytest.fixture
async def qw(rt: Runtime) -> QueueWorld:
    """A closed queue with no schedule yet."""
    return await queue_world.make_queue_world(rt, state=QueueState.CLOSED, students=0)


def record_changes(rt: Runtime) -> list[QueueChanged]:
    seen: list[QueueChanged] = []
    rt.bus.subscribe(QueueChanged, seen.append)
    return seen


async def history(rt: Runtime, queue_id: int) -> list[tuple[QueueEventKind, int, int | None]]:
    """The queue's events as (kind, version, actor id)."""
    events = await queue_world.queue_events(rt, queue_id)
    return [(event.kind, event.version, event.actor_id) for event in events]


async def stored(rt: Runtime, queue_id: int) -> Queue:
    return await queue_world.stored_queue(rt, queue_id)


async def wait_until(check: Callable[[], Awaitable[bool]], *, timeout: float) -> float:
    """Poll ``check`` until it holds; the seconds that took. Fails after ``timeout``."""
    loop = asyncio.get_running_loop()
    start = loop.time()
    while not await check():
        assert loop.time() - start < timeout, f"not within {timeout}s"
        await asyncio.sleep(0.02)
    return loop.time() - start


@asynccontextmanager
async def running_job() -> AsyncIterator[asyncio.Task[None]]:
    """The schedule job running in the background; cancelled and awaited on the way out."""
    job = asyncio.create_task(scheduler.run_schedule(INTERVAL))
    try:
        yield job
    finally:
        job.cancel()
        with suppress(asyncio.CancelledError):
            await job


def is_open(rt: Runtime, queue_id: int) -> Callable[[], Awaitable[bool]]:
    async def check() -> bool:
        return (await stored(rt, queue_id)).state is QueueState.OPEN

    return check


# --- opening and closing ----------------------------------------------------------------------


@pytest.mark.parametrize("ago", [timedelta(0), MINUTE, timedelta(days=3)])
async def test_a_closed_queue_opens_once_its_opening_time_has_come(
    rt: Runtime, qw: QueueWorld, now: datetime, ago: timedelta
) -> None:
    await queue_world.set_queue(rt, qw.queue_id, opens_at=now - ago, closes_at=now + HOUR)
    seen = record_changes(rt)

    assert await queues.apply_schedule(now) == [qw.queue_id]

    queue = await stored(rt, qw.queue_id)
    assert (queue.state, queue.version) == (QueueState.OPEN, 1)
    assert await history(rt, qw.queue_id) == [(QueueEventKind.OPENED, 1, None)]
    assert seen == [QueueChanged(qw.queue_id, 1)]
    assert (queue.opens_at, queue.closes_at) == (None, now + HOUR)  # the closing is still due


@pytest.mark.parametrize("state", [QueueState.OPEN, QueueState.PAUSED])
async def test_a_running_queue_closes_once_its_closing_time_has_come(
    rt: Runtime, qw: QueueWorld, now: datetime, state: QueueState
) -> None:
    await queue_world.set_queue(rt, qw.queue_id, state=state, closes_at=now - MINUTE)
    seen = record_changes(rt)

    assert await queues.apply_schedule(now) == [qw.queue_id]

    queue = await stored(rt, qw.queue_id)
    assert (queue.state, queue.version, queue.closes_at) == (QueueState.CLOSED, 1, None)
    assert await history(rt, qw.queue_id) == [(QueueEventKind.CLOSED, 1, None)]
    assert seen == [QueueChanged(qw.queue_id, 1)]


async def test_a_scheduled_day_opens_then_closes_the_queue(
    rt: Runtime, qw: QueueWorld, now: datetime
) -> None:
    await queue_world.set_queue(rt, qw.queue_id, opens_at=now, closes_at=now + HOUR)

    assert await queues.apply_schedule(now - MINUTE) == []
    assert await queues.apply_schedule(now) == [qw.queue_id]
    assert await queues.apply_schedule(now + MINUTE) == []
    assert await queues.apply_schedule(now + HOUR) == [qw.queue_id]
    assert await queues.apply_schedule(now + 2 * HOUR) == []

    queue = await stored(rt, qw.queue_id)
    assert (queue.state, queue.opens_at, queue.closes_at) == (QueueState.CLOSED, None, None)
    assert await history(rt, qw.queue_id) == [
        (QueueEventKind.OPENED, 1, None),
        (QueueEventKind.CLOSED, 2, None),
    ]


async def test_a_window_that_passed_unseen_leaves_the_queue_closed(
    rt: Runtime, qw: QueueWorld, now: datetime
) -> None:
    await queue_world.set_queue(rt, qw.queue_id, opens_at=now - 2 * HOUR, closes_at=now - HOUR)

    assert await queues.apply_schedule(now) == []

    queue = await stored(rt, qw.queue_id)
    assert (queue.state, queue.version) == (QueueState.CLOSED, 0)
    assert (queue.opens_at, queue.closes_at) == (None, None)
    assert await history(rt, qw.queue_id) == []


# --- a schedule fires once --------------------------------------------------------------------


async def test_a_teacher_reopening_after_closing_time_is_not_closed_again(
    rt: Runtime, qw: QueueWorld, now: datetime
) -> None:
    await queue_world.set_queue(rt, qw.queue_id, state=QueueState.OPEN, closes_at=now - MINUTE)
    assert await queues.apply_schedule(now) == [qw.queue_id]

    await queues.set_state(qw.queue_id, QueueState.OPEN, actor=qw.teacher)
    seen = record_changes(rt)

    assert await queues.apply_schedule(now + MINUTE) == []
    queue = await stored(rt, qw.queue_id)
    assert (queue.state, queue.version) == (QueueState.OPEN, 2)
    assert seen == []
    assert await history(rt, qw.queue_id) == [
        (QueueEventKind.CLOSED, 1, None),
        (QueueEventKind.OPENED, 2, qw.teacher.id),
    ]


async def test_a_teacher_closing_after_opening_time_is_not_reopened(
    rt: Runtime, qw: QueueWorld, now: datetime
) -> None:
    await queue_world.set_queue(rt, qw.queue_id, opens_at=now - MINUTE)
    assert await queues.apply_schedule(now) == [qw.queue_id]

    await queues.set_state(qw.queue_id, QueueState.CLOSED, actor=qw.teacher)

    assert await queues.apply_schedule(now + MINUTE) == []
    assert (await stored(rt, qw.queue_id)).state is QueueState.CLOSED


async def test_an_opening_time_passing_while_already_open_is_used_up(
    rt: Runtime, qw: QueueWorld, now: datetime
) -> None:
    await queue_world.set_queue(rt, qw.queue_id, state=QueueState.OPEN, opens_at=now - MINUTE)
    seen = record_changes(rt)

    assert await queues.apply_schedule(now) == []
    queue = await stored(rt, qw.queue_id)
    assert (queue.state, queue.version, queue.opens_at) == (QueueState.OPEN, 0, None)
    assert seen == []

    # So a teacher who closes it by hand later is not overruled by the old opening time.
    await queues.set_state(qw.queue_id, QueueState.CLOSED, actor=qw.teacher)
    assert await queues.apply_schedule(now + MINUTE) == []
    assert (await stored(rt, qw.queue_id)).state is QueueState.CLOSED


async def test_a_paused_queue_is_not_opened_by_its_opening_time(
    rt: Runtime, qw: QueueWorld, now: datetime
) -> None:
    await queue_world.set_queue(rt, qw.queue_id, state=QueueState.PAUSED, opens_at=now - MINUTE)
    assert await queues.apply_schedule(now) == []
    assert (await stored(rt, qw.queue_id)).state is QueueState.PAUSED


# --- what the schedule leaves alone -----------------------------------------------------------


async def test_queues_without_a_schedule_or_with_future_times_are_untouched(
    rt: Runtime, qw: QueueWorld, now: datetime
) -> None:
    workspace_id = qw.world.workspace_id
    unscheduled = await queue_world.make_subject_queue(rt, workspace_id, "Unscheduled")
    opening_later = await queue_world.make_subject_queue(
        rt, workspace_id, "Opening later", state=QueueState.CLOSED
    )
    closing_later = await queue_world.make_subject_queue(rt, workspace_id, "Closing later")
    await queue_world.set_queue(rt, opening_later.queue_id, opens_at=now + MINUTE)
    await queue_world.set_queue(rt, closing_later.queue_id, closes_at=now + MINUTE)
    seen = record_changes(rt)

    assert await queues.apply_schedule(now) == []

    for queue_id, state, opens_at, closes_at in [
        (qw.queue_id, QueueState.CLOSED, None, None),
        (unscheduled.queue_id, QueueState.OPEN, None, None),
        (opening_later.queue_id, QueueState.CLOSED, now + MINUTE, None),
        (closing_later.queue_id, QueueState.OPEN, None, now + MINUTE),
    ]:
        queue = await stored(rt, queue_id)
        assert (queue.state, queue.version, queue.opens_at, queue.closes_at) == (
            state,
            0,
            opens_at,
            closes_at,
        )
        assert await history(rt, queue_id) == []
    assert seen == []


# --- at the same moment -----------------------------------------------------------------------


async def test_two_rounds_at_once_make_exactly_one_transition_per_queue(
    rt: Runtime, qw: QueueWorld, now: datetime
) -> None:
    workspace_id = qw.world.workspace_id
    to_open = [qw.queue_id]
    to_close = []
    for number in range(1, 6):  # several queues, so the two rounds overlap on some of them
        made = await queue_world.make_subject_queue(
            rt, workspace_id, f"Opening {number}", state=QueueState.CLOSED
        )
        to_open.append(made.queue_id)
        to_close.append(
            (await queue_world.make_subject_queue(rt, workspace_id, f"Closing {number}")).queue_id
        )
    for queue_id in to_open:
        await queue_world.set_queue(rt, queue_id, opens_at=now - MINUTE)
    for queue_id in to_close:
        await queue_world.set_queue(rt, queue_id, closes_at=now - MINUTE)
    seen = record_changes(rt)

    first, second = await asyncio.gather(queues.apply_schedule(now), queues.apply_schedule(now))

    assert sorted(first + second) == sorted(to_open + to_close)
    for queue_id, state, kind in [
        *((queue_id, QueueState.OPEN, QueueEventKind.OPENED) for queue_id in to_open),
        *((queue_id, QueueState.CLOSED, QueueEventKind.CLOSED) for queue_id in to_close),
    ]:
        assert (await stored(rt, queue_id)).state is state
        assert await history(rt, queue_id) == [(kind, 1, None)]
    assert sorted(seen, key=lambda event: event.queue_id) == [
        QueueChanged(queue_id, 1) for queue_id in sorted(to_open + to_close)
    ]


# --- the background job -----------------------------------------------------------------------


async def test_the_job_applies_a_due_schedule_within_one_interval(
    rt: Runtime, qw: QueueWorld
) -> None:
    later = await queue_world.make_subject_queue(
        rt, qw.world.workspace_id, "Later", state=QueueState.CLOSED
    )
    await queue_world.set_queue(rt, qw.queue_id, opens_at=utcnow())
    async with running_job():
        await wait_until(is_open(rt, qw.queue_id), timeout=ROUND_TIME)  # the first round

        await queue_world.set_queue(rt, later.queue_id, opens_at=utcnow())
        await wait_until(is_open(rt, later.queue_id), timeout=INTERVAL + ROUND_TIME)


async def test_the_job_keeps_running_after_a_failing_round(
    rt: Runtime,
    qw: QueueWorld,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    real_apply = queues.apply_schedule
    rounds: list[str] = []

    async def fail_once(now: datetime | None = None) -> list[int]:
        if not rounds:
            rounds.append("failed")
            raise RuntimeError("the database went away")
        rounds.append("applied")
        return await real_apply(now)

    monkeypatch.setattr(queues, "apply_schedule", fail_once)
    await queue_world.set_queue(rt, qw.queue_id, opens_at=utcnow())
    async with running_job():
        await wait_until(is_open(rt, qw.queue_id), timeout=INTERVAL + ROUND_TIME)

    assert rounds[:2] == ["failed", "applied"]
    [failure] = [record for record in caplog.records if record.levelno >= logging.ERROR]
    assert failure.name == scheduler.__name__ and failure.exc_info is not None
    assert await history(rt, qw.queue_id) == [(QueueEventKind.OPENED, 1, None)]


async def test_the_job_stops_when_cancelled(
    rt: Runtime, qw: QueueWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_apply = queues.apply_schedule
    rounds: list[datetime | None] = []

    async def counted(now: datetime | None = None) -> list[int]:
        rounds.append(now)
        return await real_apply(now)

    async def ran() -> bool:
        return bool(rounds)

    monkeypatch.setattr(queues, "apply_schedule", counted)
    job = asyncio.create_task(scheduler.run_schedule(INTERVAL))
    await wait_until(ran, timeout=ROUND_TIME)  # running: between two rounds now

    job.cancel()
    with pytest.raises(asyncio.CancelledError):
        await job
    assert job.cancelled()
    done = len(rounds)

    await queue_world.set_queue(rt, qw.queue_id, opens_at=utcnow())
    await asyncio.sleep(2 * INTERVAL)  # the point: two rounds' time passes, and nothing runs
    assert (await stored(rt, qw.queue_id)).state is QueueState.CLOSED
    assert len(rounds) == done
