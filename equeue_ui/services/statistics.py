"""Statistics (SPEC §9): what a queue served and how long it took; who handed in what.

Only the people who run a subject see its statistics: its teachers, the workspace's admins and
site admins. Students see their own progress elsewhere, never everybody's.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import (
    MemberStatus,
    Queue,
    QueueEvent,
    QueueEventKind,
    Subject,
    Submission,
    SubmissionKind,
    Task,
    User,
    WorkspaceMember,
)
from equeue_ui.errors import ForbiddenError, NotFoundError
from equeue_ui.formatting import local
from equeue_ui.i18n import msg
from equeue_ui.services import permissions
from equeue_ui.services.uow import read_only
from equeue_ui.services.views import TaskView, UserView

STATS_REFUSED = msg("Only the subject's teachers and workspace admins can see its statistics.")
SERVED = (QueueEventKind.ACCEPTED, QueueEventKind.RETURNED)
# Histogram bar widths in minutes: the smallest that keeps the chart within MAX_BINS bars.
BIN_WIDTHS = (1, 2, 5, 10, 15, 30, 60, 120, 240, 480, 1440)
MAX_BINS = 12


@dataclass(frozen=True)
class DayCount:
    day: date  # in the university's time zone
    accepted: int
    returned: int


@dataclass(frozen=True)
class TeacherThroughput:
    teacher: UserView | None  # None: the account was deleted
    accepted: int
    returned: int
    # Sum over local days of first call → last finish of this teacher's services that day.
    desk_seconds: float

    @property
    def served(self) -> int:
        return self.accepted + self.returned

    @property
    def per_hour(self) -> float | None:
        """Served per hour at the desk; None when the desk time is too short to say."""
        if self.desk_seconds < 60:
            return None
        return self.served / (self.desk_seconds / 3600)


@dataclass(frozen=True)
class QueueStats:
    queue_id: int
    subject_id: int
    subject_name: str
    per_day: tuple[DayCount, ...]  # oldest first; days without services are left out
    wait_seconds: tuple[float, ...]  # joined → called, one per served entry
    service_seconds: tuple[float, ...]  # called → accepted/returned
    teachers: tuple[TeacherThroughput, ...]  # most served first


@dataclass(frozen=True)
class Bin:
    low_minutes: int
    high_minutes: int
    count: int


@dataclass(frozen=True)
class Cell:
    """One student's submission of one task."""

    accepted: bool  # by a teacher at the queue; otherwise self-reported
    at: datetime


@dataclass(frozen=True)
class ProgressRow:
    student: UserView
    cells: tuple[Cell | None, ...]  # in the subject's task order

    @property
    def handed_in(self) -> int:
        return sum(1 for cell in self.cells if cell is not None)

    @property
    def accepted(self) -> int:
        return sum(1 for cell in self.cells if cell is not None and cell.accepted)


@dataclass(frozen=True)
class SubjectStats:
    subject_id: int
    subject_name: str
    workspace_id: int
    queue_id: int | None
    tasks: tuple[TaskView, ...]
    rows: tuple[ProgressRow, ...]  # approved members, by name

    @property
    def leaderboard(self) -> tuple[ProgressRow, ...]:
        """Most handed in first, then most accepted, then by name."""
        return tuple(sorted(self.rows, key=lambda row: (-row.handed_in, -row.accepted)))


async def queue_stats(queue_id: int, *, actor: UserView) -> QueueStats:
    """Served per day, wait and service times and per-teacher throughput of a queue."""
    async with read_only() as session:
        queue, subject = await queue_for_viewer(session, queue_id, actor)
        # A queue serves some hundreds of students a semester: reading its finished services
        # and grouping them here keeps the local-date arithmetic identical on both databases.
        rows = await session.execute(
            select(
                QueueEvent.kind,
                QueueEvent.at,
                QueueEvent.joined_at,
                QueueEvent.called_at,
                QueueEvent.actor_id,
            )
            .where(QueueEvent.queue_id == queue.id, QueueEvent.kind.in_(SERVED))
            .order_by(QueueEvent.at, QueueEvent.id)
        )
        services = [_Service(*row) for row in rows]
        actor_ids = {row.actor_id for row in services if row.actor_id is not None}
        teachers = {
            user.id: UserView.of(user)
            for user in await session.scalars(select(User).where(User.id.in_(actor_ids)))
        }
    return QueueStats(
        queue_id=queue.id,
        subject_id=subject.id,
        subject_name=subject.name,
        per_day=_per_day(services),
        wait_seconds=tuple(
            (row.called_at - row.joined_at).total_seconds()
            for row in services
            if row.called_at is not None
            and row.joined_at is not None
            and row.called_at >= row.joined_at
        ),
        service_seconds=tuple(
            (row.at - row.called_at).total_seconds()
            for row in services
            if row.called_at is not None and row.at >= row.called_at
        ),
        teachers=_throughput(services, teachers),
    )


async def subject_stats(subject_id: int, *, actor: UserView) -> SubjectStats:
    """The students × tasks progress matrix of a subject (and so its leaderboard)."""
    async with read_only() as session:
        subject = await ensure_stats_viewer(session, actor, subject_id)
        tasks = list(
            await session.scalars(
                select(Task)
                .where(Task.subject_id == subject.id)
                .order_by(Task.order_index, Task.id)
            )
        )
        students = list(
            await session.scalars(
                select(User)
                .join(WorkspaceMember, WorkspaceMember.user_id == User.id)
                .where(
                    WorkspaceMember.workspace_id == subject.workspace_id,
                    WorkspaceMember.status == MemberStatus.APPROVED,
                )
            )
        )
        submitted = await session.execute(
            select(Submission.user_id, Submission.task_id, Submission.kind, Submission.submitted_at)
            .join(Task, Task.id == Submission.task_id)
            .where(Task.subject_id == subject.id)
        )
        cells = {
            (user_id, task_id): Cell(kind is SubmissionKind.ACCEPTED, at)
            for user_id, task_id, kind, at in submitted
        }
        queue_id = await session.scalar(select(Queue.id).where(Queue.subject_id == subject.id))
    views = sorted((UserView.of(user) for user in students), key=_by_name)
    return SubjectStats(
        subject_id=subject.id,
        subject_name=subject.name,
        workspace_id=subject.workspace_id,
        queue_id=queue_id,
        tasks=tuple(TaskView.of(task) for task in tasks),
        rows=tuple(
            ProgressRow(student, tuple(cells.get((student.id, task.id)) for task in tasks))
            for student in views
        ),
    )


def histogram(seconds: tuple[float, ...] | list[float]) -> list[Bin]:
    """Durations in bars of equal width in minutes, from 0 to the longest; empty when none."""
    if not seconds:
        return []
    longest = max(seconds) / 60
    width = next((w for w in BIN_WIDTHS if longest < w * MAX_BINS), BIN_WIDTHS[-1])
    count = max(1, math.floor(longest / width) + 1)
    counts = Counter(min(int(value / 60 // width), count - 1) for value in seconds)
    return [Bin(i * width, (i + 1) * width, counts.get(i, 0)) for i in range(count)]


async def ensure_stats_viewer(session: AsyncSession, actor: UserView, subject_id: int) -> Subject:
    """The subject, if the actor runs it (teacher, workspace admin or site admin)."""
    user = await permissions.load_actor(session, actor)
    subject = await permissions.get_subject(session, subject_id)
    if not await permissions.can_operate_queue(session, user, subject):
        raise ForbiddenError(STATS_REFUSED)
    return subject


async def queue_for_viewer(
    session: AsyncSession, queue_id: int, actor: UserView
) -> tuple[Queue, Subject]:
    """Within a read: the queue and its subject, if the actor may see its statistics."""
    queue = await session.get(Queue, queue_id)
    if queue is None:
        raise NotFoundError(msg("This queue does not exist."))
    return queue, await ensure_stats_viewer(session, actor, queue.subject_id)


# --- helpers ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Service:
    """One finished service (an accepted or returned entry) as the history recorded it."""

    kind: QueueEventKind
    at: datetime
    joined_at: datetime | None
    called_at: datetime | None
    actor_id: int | None


def _per_day(services: list[_Service]) -> tuple[DayCount, ...]:
    accepted: Counter[date] = Counter()
    returned: Counter[date] = Counter()
    for row in services:
        day = local(row.at).date()
        (accepted if row.kind is QueueEventKind.ACCEPTED else returned)[day] += 1
    days = sorted(set(accepted) | set(returned))
    return tuple(DayCount(day, accepted[day], returned[day]) for day in days)


def _throughput(
    services: list[_Service],
    teachers: dict[int, UserView],
) -> tuple[TeacherThroughput, ...]:
    counts: dict[int | None, Counter[QueueEventKind]] = defaultdict(Counter)
    spans: dict[tuple[int | None, date], tuple[datetime, datetime]] = {}
    for row in services:
        teacher_id = row.actor_id if row.actor_id in teachers else None
        counts[teacher_id][row.kind] += 1
        start = row.called_at if row.called_at is not None and row.called_at <= row.at else row.at
        key = (teacher_id, local(row.at).date())
        first, last = spans.get(key, (start, row.at))
        spans[key] = (min(first, start), max(last, row.at))
    desk: dict[int | None, float] = defaultdict(float)
    for (teacher_id, _), (first, last) in spans.items():
        desk[teacher_id] += (last - first).total_seconds()
    result = [
        TeacherThroughput(
            teacher=teachers.get(teacher_id) if teacher_id is not None else None,
            accepted=kinds[QueueEventKind.ACCEPTED],
            returned=kinds[QueueEventKind.RETURNED],
            desk_seconds=desk[teacher_id],
        )
        for teacher_id, kinds in counts.items()
    ]
    return tuple(
        sorted(result, key=lambda t: (-t.served, _by_name(t.teacher) if t.teacher else ""))
    )


def _by_name(user: UserView) -> str:
    return user.display_name.casefold()
