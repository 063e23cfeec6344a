"""Statistics (SPEC §9) over a hand-written queue history: served per day in the university's
time zone, wait and service times, per-teacher throughput, the progress matrix and the
leaderboard; and who may see them."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from db.models import QueueEvent, QueueEventKind
from equeue_ui.errors import ForbiddenError, NotFoundError
from equeue_ui.runtime import Runtime
from equeue_ui.services import progress, queues, statistics
from equeue_ui.services.statistics import Bin, DayCount
from equeue_ui.services.views import UserView
from tests.services import factories, queue_world
from tests.services.queue_world import QueueWorld

VIEWERS = ["teacher", "admin", "site_admin"]
NOT_VIEWERS = [
    "member",
    "pending",
    "rejected",
    "outsider",
    "stranger",
    "other_teacher",
    "unassigned_teacher",
]


def utc(day: int, hour: int, minute: int) -> datetime:
    return datetime(2026, 3, day, hour, minute, tzinfo=UTC)


@pytest.fixture
async def qw(rt: Runtime) -> QueueWorld:
    return await queue_world.make_queue_world(rt)


async def served(
    rt: Runtime,
    queue_id: int,
    student: UserView,
    *,
    by: UserView,
    joined: datetime,
    called: datetime,
    finished: datetime,
    kind: QueueEventKind = QueueEventKind.ACCEPTED,
) -> None:
    """A service as the queue records it: called, then accepted or returned."""
    async with rt.db.write_session() as session:
        for event_kind, at in ((QueueEventKind.CALLED, called), (kind, finished)):
            session.add(
                QueueEvent(
                    queue_id=queue_id,
                    user_id=student.id,
                    actor_id=by.id,
                    kind=event_kind,
                    at=at,
                    joined_at=joined,
                    called_at=called,
                    version=1,
                )
            )
        await session.commit()


async def two_sessions(rt: Runtime, qw: QueueWorld) -> UserView:
    """Two lab sessions (Krasnoyarsk is UTC+7); returns the second teacher."""
    s1, s2, s3, _ = qw.students
    helper = await queue_world.add_teacher(rt, qw.subject_id, "helper")
    # 2 March, 10:00 local: three services, one of them by the helper.
    await served(rt, qw.queue_id, s1, by=qw.teacher, joined=utc(2, 2, 50), called=utc(2, 3, 0),
                 finished=utc(2, 3, 6))  # fmt: skip
    await served(rt, qw.queue_id, s2, by=qw.teacher, joined=utc(2, 2, 55), called=utc(2, 3, 6),
                 finished=utc(2, 3, 10), kind=QueueEventKind.RETURNED)  # fmt: skip
    await served(rt, qw.queue_id, s3, by=helper, joined=utc(2, 2, 58), called=utc(2, 3, 10),
                 finished=utc(2, 3, 20))  # fmt: skip
    # An evening session across local midnight: 23:50 on 3 March and 00:10 on 4 March.
    await served(rt, qw.queue_id, s1, by=qw.teacher, joined=utc(3, 16, 30), called=utc(3, 16, 40),
                 finished=utc(3, 16, 50))  # fmt: skip
    await served(rt, qw.queue_id, s2, by=qw.teacher, joined=utc(3, 16, 45), called=utc(3, 17, 0),
                 finished=utc(3, 17, 10))  # fmt: skip
    return helper


async def test_served_per_day_counts_accepted_and_returned_by_local_date(
    rt: Runtime, qw: QueueWorld
) -> None:
    await two_sessions(rt, qw)
    stats = await statistics.queue_stats(qw.queue_id, actor=qw.teacher)
    assert stats.per_day == (
        DayCount(date(2026, 3, 2), accepted=2, returned=1),
        DayCount(date(2026, 3, 3), accepted=1, returned=0),
        DayCount(date(2026, 3, 4), accepted=1, returned=0),
    )
    assert stats.subject_name == "Algebra"


async def test_wait_is_join_to_call_and_service_is_call_to_finish(
    rt: Runtime, qw: QueueWorld
) -> None:
    await two_sessions(rt, qw)
    stats = await statistics.queue_stats(qw.queue_id, actor=qw.teacher)
    assert stats.wait_seconds == (600, 660, 720, 600, 900)
    assert stats.service_seconds == (360, 240, 600, 600, 600)


async def test_throughput_per_teacher_counts_time_at_the_desk(rt: Runtime, qw: QueueWorld) -> None:
    helper = await two_sessions(rt, qw)
    main, second = (await statistics.queue_stats(qw.queue_id, actor=qw.teacher)).teachers
    assert main.teacher is not None and main.teacher.id == qw.teacher.id
    assert (main.accepted, main.returned, main.served) == (3, 1, 4)
    # 10:00–10:10 on 2 March, and 23:40–00:10 across local midnight (a 10-minute pause in it).
    assert main.desk_seconds == 600 + 1800
    assert main.per_hour == 6.0
    assert second.teacher is not None and second.teacher.id == helper.id
    assert (second.served, second.desk_seconds, second.per_hour) == (1, 600, 6.0)


async def test_a_long_break_between_services_is_not_desk_time(rt: Runtime, qw: QueueWorld) -> None:
    s1, s2, *_ = qw.students
    await served(rt, qw.queue_id, s1, by=qw.teacher, joined=utc(2, 2, 0), called=utc(2, 3, 0),
                 finished=utc(2, 3, 15))  # fmt: skip
    await served(rt, qw.queue_id, s2, by=qw.teacher, joined=utc(2, 2, 0), called=utc(2, 5, 0),
                 finished=utc(2, 5, 5))  # fmt: skip
    (teacher,) = (await statistics.queue_stats(qw.queue_id, actor=qw.teacher)).teachers
    assert teacher.desk_seconds == 15 * 60 + 5 * 60
    assert teacher.per_hour == 6.0


async def test_a_period_keeps_only_services_finished_since_its_start(
    rt: Runtime, qw: QueueWorld
) -> None:
    await two_sessions(rt, qw)
    stats = await statistics.queue_stats(qw.queue_id, actor=qw.teacher, since=utc(3, 17, 0))
    assert stats.per_day == (DayCount(date(2026, 3, 4), accepted=1, returned=0),)
    assert stats.wait_seconds == (900,)
    ((teacher),) = stats.teachers
    assert teacher.served == 1


async def test_other_queues_and_unfinished_entries_are_not_counted(
    rt: Runtime, qw: QueueWorld
) -> None:
    other = await queue_world.make_subject_queue(rt, qw.world.workspace_id, "Chemistry")
    await served(rt, other.queue_id, qw.students[0], by=qw.teacher, joined=utc(2, 2, 0),
                 called=utc(2, 2, 5), finished=utc(2, 2, 9))  # fmt: skip
    await queue_world.join_all(qw, *qw.students[:2])
    await queues.call_next(qw.queue_id, actor=qw.teacher)
    stats = await statistics.queue_stats(qw.queue_id, actor=qw.teacher)
    assert stats.per_day == ()
    assert stats.wait_seconds == stats.service_seconds == ()
    assert stats.teachers == ()


async def test_services_through_the_queue_are_counted(rt: Runtime, qw: QueueWorld) -> None:
    await queue_world.join_all(qw, *qw.students[:2])
    first = await queues.call_next(qw.queue_id, actor=qw.teacher)
    assert first is not None
    await queues.accept(first, actor=qw.teacher)
    second = await queues.call_next(qw.queue_id, actor=qw.world.admin)
    assert second is not None
    await queues.return_entry(second, actor=qw.world.admin)
    stats = await statistics.queue_stats(qw.queue_id, actor=qw.world.site_admin)
    assert [(d.accepted, d.returned) for d in stats.per_day] == [(1, 1)]
    assert len(stats.wait_seconds) == len(stats.service_seconds) == 2
    assert sorted(t.served for t in stats.teachers) == [1, 1]


def test_histogram_picks_a_width_that_keeps_a_dozen_bars_at_most() -> None:
    minutes = [0.5, 1, 4.9, 5, 12, 31]
    bins = statistics.histogram([m * 60 for m in minutes])
    # Longest 31 min: 1- and 2-minute bars would be too many; 5-minute bars give 0–35.
    assert bins == [
        Bin(0, 5, 3),
        Bin(5, 10, 1),
        Bin(10, 15, 1),
        Bin(15, 20, 0),
        Bin(20, 25, 0),
        Bin(25, 30, 0),
        Bin(30, 35, 1),
    ]
    assert statistics.histogram([]) == []
    assert statistics.histogram([0.0]) == [Bin(0, 1, 1)]
    assert len(statistics.histogram([10 * 3600.0])) <= statistics.MAX_BINS


def test_a_few_very_long_durations_share_the_last_bar() -> None:
    # Nineteen services of 1–19 minutes and one student forgotten at the desk for ten hours.
    bins = statistics.histogram([m * 60.0 for m in range(1, 20)] + [10 * 3600.0])
    assert [(b.low_minutes, b.high_minutes) for b in bins][:2] == [(0, 2), (2, 4)]
    assert bins[-1] == Bin(20, None, 1)
    assert [b.count for b in bins] == [1, 2, 2, 2, 2, 2, 2, 2, 2, 2, 1]
    assert len(bins) <= statistics.MAX_BINS


async def test_progress_matrix_has_every_approved_member_by_name_and_tasks_in_order(
    rt: Runtime, qw: QueueWorld
) -> None:
    s1, s2, *_ = qw.students
    lab1, lab2, lab3 = qw.task_ids
    await factories.add_submission(rt, s1, lab1, kind="accepted", accepted_by=qw.teacher)
    await factories.add_submission(rt, s1, lab3)
    await factories.add_submission(rt, s2, lab2)
    await factories.add_submission(rt, qw.world.pending, lab1)  # not a member: not shown
    stats = await progress.subject_stats(qw.subject_id, actor=qw.teacher)
    assert [task.name for task in stats.tasks] == ["Lab 1", "Lab 2", "Lab 3"]
    assert [row.student.username for row in stats.rows] == [
        "admin",  # Ada Admin
        "member",  # Mia Member
        "student001",
        "student002",
        "student003",
        "student004",
    ]
    by_name = {row.student.username: row for row in stats.rows}
    marks = [None if c is None else c.accepted for c in by_name["student001"].cells]
    assert marks == [True, None, False]
    assert [c is not None for c in by_name["student002"].cells] == [False, True, False]
    assert all(cell is None for cell in by_name["member"].cells)
    assert stats.queue_id == qw.queue_id


async def test_leaderboard_ranks_by_handed_in_then_accepted_then_name(
    rt: Runtime, qw: QueueWorld
) -> None:
    s1, s2, s3, _ = qw.students
    lab1, lab2, _ = qw.task_ids
    await factories.add_submission(rt, s3, lab1)
    await factories.add_submission(rt, s2, lab1, kind="accepted", accepted_by=qw.teacher)
    await factories.add_submission(rt, s1, lab1)
    await factories.add_submission(rt, s1, lab2)
    stats = await progress.subject_stats(qw.subject_id, actor=qw.world.admin)
    top = [(r.student.username, r.handed_in, r.accepted) for r in stats.leaderboard[:4]]
    assert top == [
        ("student001", 2, 0),
        ("student002", 1, 1),
        ("student003", 1, 0),
        ("admin", 0, 0),
    ]


@pytest.mark.parametrize("role", VIEWERS)
async def test_teachers_and_admins_see_statistics(qw: QueueWorld, role: str) -> None:
    viewer = qw.by_role(role)
    assert (await statistics.queue_stats(qw.queue_id, actor=viewer)).queue_id == qw.queue_id
    assert (await progress.subject_stats(qw.subject_id, actor=viewer)).rows


@pytest.mark.parametrize("role", NOT_VIEWERS)
async def test_students_and_strangers_are_refused(qw: QueueWorld, role: str) -> None:
    viewer = qw.by_role(role)
    with pytest.raises(ForbiddenError):
        await statistics.queue_stats(qw.queue_id, actor=viewer)
    with pytest.raises(ForbiddenError):
        await progress.subject_stats(qw.subject_id, actor=viewer)


async def test_blocked_teacher_is_refused(rt: Runtime, qw: QueueWorld) -> None:
    await queue_world.block(rt, qw.teacher)
    with pytest.raises(ForbiddenError):
        await statistics.queue_stats(qw.queue_id, actor=qw.teacher)


async def test_missing_queue_or_subject_is_not_found(qw: QueueWorld) -> None:
    with pytest.raises(NotFoundError):
        await statistics.queue_stats(qw.queue_id + 1000, actor=qw.world.site_admin)
    with pytest.raises(NotFoundError):
        await progress.subject_stats(qw.subject_id + 1000, actor=qw.world.site_admin)
