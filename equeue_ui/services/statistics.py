"""Statistics (SPEC §9): what a queue served, how long people waited and were served, and
each teacher's throughput. (A subject's progress matrix is in ``progress``.)

Only the people who run a subject see its statistics: its teachers, the workspace's admins and
site admins. Students see their own progress elsewhere, never everybody's.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select, true
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import Queue, QueueEvent, QueueEventKind, Subject, User
from equeue_ui.errors import ForbiddenError, NotFoundError
from equeue_ui.formatting import local
from equeue_ui.i18n import msg
from equeue_ui.services import permissions
from equeue_ui.services.uow import read_only
from equeue_ui.services.views import UserView

STATS_REFUSED = msg("Only the subject's teachers and workspace admins can see its statistics.")
SERVED = (QueueEventKind.ACCEPTED, QueueEventKind.RETURNED)
# Histogram bar widths in minutes: the smallest that keeps the chart within MAX_BINS bars.
BIN_WIDTHS = (1, 2, 5, 10, 15, 30, 60, 120, 240, 480, 1440)
MAX_BINS = 12
# A longer pause between two services of a teacher is a break (or another day), not desk time.
SITTING_GAP = timedelta(minutes=30)


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
    # Time at the desk: each sitting from its first call to its last finish, breaks left out.
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
    high_minutes: int | None  # None: this long or longer (the last bar, for the few outliers)
    count: int


async def queue_stats(
    queue_id: int, *, actor: UserView, since: datetime | None = None
) -> QueueStats:
    """Served per day, wait and service times and per-teacher throughput of a queue, over its
    whole history or the services finished ``since`` a moment."""
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
            .where(
                QueueEvent.queue_id == queue.id,
                QueueEvent.kind.in_(SERVED),
                QueueEvent.at >= since if since is not None else true(),
            )
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


def histogram(seconds: tuple[float, ...] | list[float]) -> list[Bin]:
    """Durations in bars of equal width in minutes, from 0; empty when there are none.

    The bars are sized to the shortest 95 %: the longest few (a student called and then
    forgotten at the desk for hours) share one last, open-ended bar instead of squeezing
    everybody else into the first.
    """
    if not seconds:
        return []
    ordered = sorted(seconds)
    typical = ordered[math.ceil(len(ordered) * 0.95) - 1] / 60
    width = next((w for w in BIN_WIDTHS if typical < w * (MAX_BINS - 1)), BIN_WIDTHS[-1])
    count = min(math.floor(typical / width) + 1, MAX_BINS - 1)
    counts = Counter(min(int(value / 60 // width), count) for value in ordered)
    bins = [Bin(i * width, (i + 1) * width, counts[i]) for i in range(count)]
    if counts[count]:
        bins.append(Bin(count * width, None, counts[count]))
    return bins


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
    spans: dict[int | None, list[tuple[datetime, datetime]]] = defaultdict(list)
    for row in services:
        teacher_id = row.actor_id if row.actor_id in teachers else None
        counts[teacher_id][row.kind] += 1
        start = row.called_at if row.called_at is not None and row.called_at <= row.at else row.at
        spans[teacher_id].append((start, row.at))
    desk = {teacher_id: _desk_seconds(found) for teacher_id, found in spans.items()}
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


def _desk_seconds(spans: list[tuple[datetime, datetime]]) -> float:
    """The length of the sittings these services make up: services less than SITTING_GAP
    apart belong to one sitting, which runs from its first call to its last finish."""
    sittings: list[list[datetime]] = []
    for start, end in sorted(spans):
        if sittings and start - sittings[-1][1] <= SITTING_GAP:
            sittings[-1][1] = max(sittings[-1][1], end)
        else:
            sittings.append([start, end])
    return sum((end - start).total_seconds() for start, end in sittings)


def _by_name(user: UserView) -> str:
    return user.display_name.casefold()
