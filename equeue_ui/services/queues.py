"""Queues: joining, freezing, leaving, the teacher's actions, and the snapshot everyone sees.

Every change locks the queue row first (``SELECT … FOR UPDATE`` on PostgreSQL; SQLite has a
single writer), bumps the queue's version, appends a QueueEvent, and emits ``QueueChanged``
after commit. Positions are never stored: they are the order of ``seq``, numbered 1..N.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import bindparam, delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import (
    EntryStatus,
    MemberStatus,
    Queue,
    QueueEntry,
    QueueEvent,
    QueueEventKind,
    QueueState,
    Subject,
    Submission,
    SubmissionKind,
    Task,
    User,
    WorkspaceMember,
)
from db.types import utcnow
from equeue_ui.errors import ConflictError, ForbiddenError, InvalidError, NotFoundError
from equeue_ui.events import (
    CallAcknowledged,
    QueueChanged,
    StudentCalled,
    SubmissionChanged,
    TurnEnded,
    TurnOutcome,
)
from equeue_ui.i18n import msg
from equeue_ui.services import audit, fair_start, permissions, presence
from equeue_ui.services.uow import UnitOfWork, read_only, unit_of_work
from equeue_ui.services.views import (
    EntryView,
    QueuePage,
    QueueSnapshot,
    TaskView,
    UserView,
    default_task,
    display_name,
    short_name,
)

ALREADY_IN_QUEUE = msg("You are already in this queue.")
ALREADY_LET_IN = msg("This student is already in the queue.")
NOT_IN_QUEUE = msg("You are not in this queue.")
ENTRY_GONE = msg("This student is no longer in the queue.")
TOO_LATE_TO_UNDO = msg("It is too late to take that back: join the queue again.")
# A "joined" event's details when the presence code was given (the history export says so).
JOINED_WITH_CODE = '{"with_code": true}'
# How many recent services the wait estimate is based on.
RECENT_SERVICES = 30
# How long after leaving the place can still be taken back. Pages offer it for less; the rest
# is slack for a slow phone.
UNDO_WINDOW = timedelta(seconds=30)


@dataclass(frozen=True)
class LeftPlace:
    """A place just left, as it was: what :func:`undo_leave` needs to put it back. It stays in
    the server's memory of the page that left (never sent to a browser)."""

    queue_id: int
    user_id: int
    event_version: int  # the queue's version of the "left" event
    seq: int
    status: EntryStatus
    task_id: int | None
    joined_at: datetime
    called_at: datetime | None
    called_by_id: int | None
    call_acknowledged_at: datetime | None
    marked_task_id: int | None  # the task this leave marked handed in (not marked before)
    in_draw: bool = False
    joined_with_code: bool = False


@dataclass(frozen=True)
class PendingCall:
    """A call to the desk the student has not acknowledged yet."""

    queue_id: int
    subject_id: int
    subject_name: str
    called_at: datetime | None


# --- reading ---------------------------------------------------------------------------------


async def get_snapshot(queue_id: int, *, actor: UserView) -> QueueSnapshot:
    """The queue as it is now; refused to anyone who may not see its subject."""
    async with read_only() as session:
        user = await permissions.load_actor(session, actor)
        queue = await _get_queue(session, queue_id)
        await permissions.ensure_subject_visible(session, user, queue.subject_id)
        if not fair_start.due(queue, utcnow()):
            return await _snapshot(session, queue)
    await draw_if_due(queue_id)
    async with read_only() as session:
        return await _snapshot(session, await _get_queue(session, queue_id))


# Built once: a page load then skips building the statements and computing their cache keys
# (py-spy: about 6 % of a queue page load's CPU).
_PAGE_ROWS = (
    select(Queue, Subject, User, WorkspaceMember)
    .join(Subject, Subject.id == Queue.subject_id)
    .join(User, User.id == bindparam("actor_id"))
    .outerjoin(
        WorkspaceMember,
        (WorkspaceMember.workspace_id == Subject.workspace_id)
        & (WorkspaceMember.user_id == bindparam("actor_id")),
    )
    .where(Queue.id == bindparam("queue_id"))
)
_PAGE_TASKS = (
    select(Task, Submission.id)
    .outerjoin(
        Submission,
        (Submission.task_id == Task.id) & (Submission.user_id == bindparam("user_id")),
    )
    .where(Task.subject_id == bindparam("subject_id"))
    .order_by(Task.order_index, Task.id)
)


async def page(queue_id: int, *, actor: UserView) -> QueuePage:
    """The queue's subject, its tasks and the actor's handed-in ones, in one read; refused to
    anyone who may not see the subject. The entries come from the live hub."""
    async with read_only() as session:
        # This runs on every queue page load, so it takes two statements. The first reads the
        # queue, its subject, the actor and the actor's membership of the subject's workspace
        # (the checks below then find them in the session); the second the tasks with the
        # reader's hand-ins.
        found = (
            await session.execute(_PAGE_ROWS, {"queue_id": queue_id, "actor_id": actor.id})
        ).first()
        if found is None:
            await permissions.load_actor(session, actor)  # a vanished actor is told so first
            raise NotFoundError(msg("This queue does not exist."))
        queue, _subject, stored_actor, member = found
        user = permissions.active_actor(stored_actor)
        permissions.remember_membership(session, member)
        subject = await permissions.ensure_subject_visible(session, user, queue.subject_id)
        rows = await session.execute(_PAGE_TASKS, {"subject_id": subject.id, "user_id": user.id})
        tasks: list[TaskView] = []
        handed_in: set[int] = set()
        for task, submission_id in rows:
            tasks.append(TaskView.of(task))
            if submission_id is not None:
                handed_in.add(task.id)
        return QueuePage(
            queue_id=queue.id,
            subject_id=subject.id,
            subject_name=subject.name,
            workspace_id=subject.workspace_id,
            tasks=tuple(tasks),
            handed_in=frozenset(handed_in),
            can_operate=await permissions.can_operate_queue(session, user, subject),
            can_manage=user.is_site_admin
            or await permissions.is_workspace_admin(session, user, subject.workspace_id),
        )


async def load_snapshot(queue_id: int) -> QueueSnapshot | None:
    """The snapshot for the live fan-out, which checked each viewer when it subscribed."""
    async with read_only() as session:
        queue = await _queue_with_subject(session, queue_id)
        if queue is None or not fair_start.due(queue, utcnow()):
            return None if queue is None else await _snapshot(session, queue)
    # A read after the fair start's window draws, if nothing else did yet.
    await draw_if_due(queue_id)
    async with read_only() as session:
        queue = await _queue_with_subject(session, queue_id)
        return None if queue is None else await _snapshot(session, queue)


async def _queue_with_subject(session: AsyncSession, queue_id: int) -> Queue | None:
    """The queue, with its subject read in the same statement (``_snapshot`` then finds it in
    the session)."""
    row = (await session.execute(_QUEUE_AND_SUBJECT, {"queue_id": queue_id})).first()
    return None if row is None else row[0]


async def version_of(queue_id: int) -> int | None:
    """The queue's version now (None: no such queue): what a change just made is shown at."""
    async with read_only() as session:
        return await session.scalar(select(Queue.version).where(Queue.id == queue_id))


async def queue_id_of_subject(subject_id: int) -> int | None:
    async with read_only() as session:
        return await session.scalar(select(Queue.id).where(Queue.subject_id == subject_id))


# --- students ---------------------------------------------------------------------------------


async def join_queue(
    queue_id: int, *, actor: UserView, task_id: int | None = None, code: str | None = None
) -> int:
    """Stand in the queue with a task (default: the first one not handed in); returns the
    entry id. A queue joined only from the classroom takes its presence ``code`` (wrong ones
    are counted and rate-limited). During a fair start the entry waits for the draw. Refused
    when the queue is closed or full, or when already in it."""
    await presence.check_code(queue_id, actor.id, code)
    async with unit_of_work(conflict=ALREADY_IN_QUEUE) as uow:
        queue, subject, user = await _lock_for_member(uow.session, queue_id, actor)
        if queue.state is QueueState.CLOSED:
            raise ConflictError(msg("The queue is closed: joining is not possible now."))
        entry = await _add_entry(
            uow, queue, subject, user, task_id, by=user, with_code=queue.presence_required
        )
        return entry.id


async def let_in(
    queue_id: int, *, actor: UserView, user_id: int, task_id: int | None = None
) -> int:
    """A teacher puts a present student in the queue by hand (say, their phone is dead): no
    presence code, and it works while the queue is closed too. Returns the entry id."""
    async with unit_of_work(conflict=ALREADY_LET_IN) as uow:
        queue, subject, teacher = await _lock_for_operator(uow.session, queue_id, actor)
        student = await uow.session.get(User, user_id)
        if student is None or not await permissions.is_approved_member(
            uow.session, student, subject.workspace_id
        ):
            raise NotFoundError(msg("This person is not an approved member of the workspace."))
        entry = await _add_entry(uow, queue, subject, student, task_id, by=teacher)
        return entry.id


async def members_to_let_in(queue_id: int, *, actor: UserView) -> tuple[UserView, ...]:
    """The workspace's approved members not in the queue, by name: whom "Let in" offers."""
    async with read_only() as session:
        user = await permissions.load_actor(session, actor)
        queue = await _get_queue(session, queue_id)
        subject = await permissions.get_subject(session, queue.subject_id)
        await permissions.ensure_queue_operator(session, user, subject)
        in_queue = select(QueueEntry.user_id).where(QueueEntry.queue_id == queue.id)
        rows = await session.scalars(
            select(User)
            .join(WorkspaceMember, WorkspaceMember.user_id == User.id)
            .where(
                WorkspaceMember.workspace_id == subject.workspace_id,
                WorkspaceMember.status == MemberStatus.APPROVED,
                User.id.not_in(in_queue),
            )
            .order_by(User.last_name, User.first_name, User.username)
        )
        return tuple(UserView.of(row) for row in rows)


async def draw_if_due(queue_id: int) -> bool:
    """Make the fair start's draw if it is due and nobody made it yet; returns whether this
    call drew. Emits ``QueueChanged`` after commit, so every screen shows the drawn order."""
    async with unit_of_work() as uow:
        queue = await _get_queue(uow.session, queue_id, lock=True)
        return await _draw(uow, queue, utcnow())


async def draw_due_queues(now: datetime | None = None) -> list[int]:
    """The scheduler's round: draw every queue whose fair start is over; the ids drawn."""
    moment = now or utcnow()
    async with read_only() as session:
        due = list(await session.scalars(select(Queue.id).where(Queue.draw_at <= moment)))
    drawn = []
    for queue_id in due:
        async with unit_of_work() as uow:
            queue = await _get_queue(uow.session, queue_id, lock=True)
            if await _draw(uow, queue, moment):
                drawn.append(queue_id)
    return drawn


async def change_task(queue_id: int, *, actor: UserView, task_id: int | None) -> None:
    """Change the task one hands in while keeping one's place."""
    async with unit_of_work() as uow:
        queue, subject, user = await _lock_for_member(uow.session, queue_id, actor)
        entry = await _own_entry(uow.session, queue.id, user.id)
        entry.task_id = await _choose_task(uow.session, subject.id, user.id, task_id)
        _record(uow, queue, QueueEventKind.SETTINGS, entry=entry, actor=user)


async def freeze(queue_id: int, *, actor: UserView) -> None:
    """Let others go ahead while keeping one's place; refused if the queue forbids it."""
    async with unit_of_work() as uow:
        queue, _, user = await _lock_for_member(uow.session, queue_id, actor)
        if not queue.members_can_freeze:
            raise ForbiddenError(msg("Freezing is not allowed in this queue."))
        entry = await _own_entry(uow.session, queue.id, user.id)
        if entry.status is not EntryStatus.WAITING:
            raise ConflictError(msg("Only a waiting place can be frozen."))
        entry.status = EntryStatus.FROZEN
        _record(uow, queue, QueueEventKind.FROZEN, entry=entry, actor=user)


async def unfreeze(queue_id: int, *, actor: UserView) -> None:
    async with unit_of_work() as uow:
        queue, _, user = await _lock_for_member(uow.session, queue_id, actor)
        entry = await _own_entry(uow.session, queue.id, user.id)
        if entry.status is not EntryStatus.FROZEN:
            raise ConflictError(msg("Your place is not frozen."))
        entry.status = EntryStatus.WAITING
        _record(uow, queue, QueueEventKind.UNFROZEN, entry=entry, actor=user)


async def leave_queue(queue_id: int, *, actor: UserView, mark_handed_in: bool = False) -> LeftPlace:
    """Leave the queue; with ``mark_handed_in`` the chosen task is also marked handed in.
    Returns the place as it was, for :func:`undo_leave`."""
    async with unit_of_work() as uow:
        session = uow.session
        queue, _, user = await _lock_for_member(session, queue_id, actor, allow_former=True)
        entry = await _own_entry(session, queue.id, user.id)
        marked = None
        if mark_handed_in:
            if entry.task_id is None:
                raise InvalidError(msg("Choose the task you handed in first."))
            if await _record_submission(
                session, user.id, entry.task_id, SubmissionKind.SELF_REPORTED
            ):
                marked = entry.task_id
            uow.emit(SubmissionChanged(user.id, queue.subject_id))
        await session.delete(entry)
        _record(uow, queue, QueueEventKind.LEFT, entry=entry, actor=user)
        uow.emit(TurnEnded(queue.id, user.id, TurnOutcome.LEFT))
        return LeftPlace(
            queue_id=queue.id,
            user_id=user.id,
            event_version=queue.version,
            seq=entry.seq,
            status=entry.status,
            task_id=entry.task_id,
            joined_at=entry.joined_at,
            called_at=entry.called_at,
            called_by_id=entry.called_by_id,
            call_acknowledged_at=entry.call_acknowledged_at,
            marked_task_id=marked,
            in_draw=entry.in_draw,
            joined_with_code=entry.joined_with_code,
        )


async def undo_leave(queue_id: int, *, actor: UserView, place: LeftPlace) -> int:
    """Put a place just left back where it was (those who joined meanwhile stay behind it);
    a task that leaving marked handed in is unmarked. Returns the entry id. Refused once
    :data:`UNDO_WINDOW` has passed, after the student joined again or the queue was cleared."""
    async with unit_of_work(conflict=TOO_LATE_TO_UNDO) as uow:
        session = uow.session
        queue, _, user = await _lock_for_member(session, queue_id, actor)
        if (place.queue_id, place.user_id) != (queue.id, user.id):
            raise ForbiddenError(msg("This is not your place."))
        left = await session.scalar(
            select(QueueEvent).where(
                QueueEvent.queue_id == queue.id, QueueEvent.version == place.event_version
            )
        )
        if (
            left is None
            or left.kind is not QueueEventKind.LEFT
            or left.user_id != user.id
            or utcnow() - left.at > UNDO_WINDOW
        ):
            raise ConflictError(TOO_LATE_TO_UNDO)
        since = await session.scalar(
            select(QueueEvent.kind)
            .where(
                QueueEvent.queue_id == queue.id,
                QueueEvent.version > left.version,
                (QueueEvent.user_id == user.id) | (QueueEvent.kind == QueueEventKind.CLEARED),
            )
            .limit(1)
        )
        if since is QueueEventKind.CLEARED:
            raise ConflictError(msg("The queue was cleared meanwhile: join it again."))
        if since is not None:
            raise ConflictError(TOO_LATE_TO_UNDO)
        # Sequence numbers only ever grow, so the old one is free and sorts the place back
        # between the same neighbours; positions stay 1..N because they are counted, not kept.
        # A place left during a fair start goes back into the draw, or, drawn meanwhile, last.
        await _draw(uow, queue, utcnow())
        in_draw = place.in_draw and queue.draw_at is not None
        seq = place.seq
        if place.in_draw and not in_draw:
            seq, queue.next_seq = queue.next_seq, queue.next_seq + 1
        entry = QueueEntry(
            queue_id=queue.id,
            user_id=user.id,
            task_id=place.task_id,
            status=place.status,
            seq=seq,
            in_draw=in_draw,
            joined_with_code=place.joined_with_code,
            joined_at=place.joined_at,
            called_at=place.called_at,
            called_by_id=place.called_by_id,
            call_acknowledged_at=place.call_acknowledged_at,
        )
        session.add(entry)
        await session.flush()
        if place.marked_task_id is not None:
            unmarked = await session.execute(
                delete(Submission).where(
                    Submission.user_id == user.id,
                    Submission.task_id == place.marked_task_id,
                    Submission.kind == SubmissionKind.SELF_REPORTED,
                )
            )
            if unmarked.rowcount:  # type: ignore[attr-defined]
                uow.emit(SubmissionChanged(user.id, queue.subject_id))
        _record(uow, queue, QueueEventKind.RESTORED, entry=entry, actor=user)
        return entry.id


async def acknowledge_call(queue_id: int, *, actor: UserView) -> bool:
    """The called student answers "I'm going": kept on the entry, so pages that load later do
    not raise the alert again, and ``CallAcknowledged`` stops it on every open page. Returns
    whether there was a call to acknowledge (the others are told either way: a stale alert
    goes too). Not a change of the queue anyone sees: no new version, no queue event."""
    async with unit_of_work() as uow:
        session = uow.session
        queue, _, user = await _lock_for_member(session, queue_id, actor, allow_former=True)
        entry = await _entry_of(session, queue.id, user.id)
        acknowledged = (
            entry is not None
            and entry.status is EntryStatus.CALLED
            and entry.call_acknowledged_at is None
        )
        if entry is not None and acknowledged:
            entry.call_acknowledged_at = utcnow()
        uow.emit(CallAcknowledged(queue.id, user.id))
        return acknowledged


_PENDING_CALLS = (
    select(QueueEntry.queue_id, Subject.id, Subject.name, QueueEntry.called_at)
    .join(Queue, Queue.id == QueueEntry.queue_id)
    .join(Subject, Subject.id == Queue.subject_id)
    .where(
        QueueEntry.user_id == bindparam("user_id"),
        QueueEntry.status == EntryStatus.CALLED,
        QueueEntry.call_acknowledged_at.is_(None),
    )
    .order_by(QueueEntry.called_at, QueueEntry.id)
)


async def pending_calls(*, actor: UserView) -> tuple[PendingCall, ...]:
    """The actor's calls to a desk not acknowledged yet, oldest first (one query: every page
    of a signed-in student asks on each load and reconnection)."""
    async with read_only() as session:
        rows = await session.execute(_PENDING_CALLS, {"user_id": actor.id})
        return tuple(PendingCall(*row) for row in rows.all())


# --- teachers ---------------------------------------------------------------------------------


async def set_state(queue_id: int, state: QueueState, *, actor: UserView) -> None:
    """Open, close or pause the queue."""
    async with unit_of_work() as uow:
        queue, _, user = await _lock_for_operator(uow.session, queue_id, actor)
        if queue.state is state:
            return
        if queue.state is QueueState.CLOSED and state is QueueState.OPEN:
            fair_start.start_window(queue, utcnow())
        queue.state = state
        kind = {
            QueueState.OPEN: QueueEventKind.OPENED,
            QueueState.CLOSED: QueueEventKind.CLOSED,
            QueueState.PAUSED: QueueEventKind.PAUSED,
        }[state]
        _record(uow, queue, kind, actor=user)


async def update_settings(
    queue_id: int,
    *,
    actor: UserView,
    members_can_freeze: bool,
    max_size: int | None,
    opens_at: datetime | None = None,
    closes_at: datetime | None = None,
    presence_required: bool | None = None,
    presence_window_seconds: int | None = None,
    fair_start_seconds: int | None = None,
) -> None:
    """Freezing, maximum size, the schedule, and (when given) joining only with the presence
    code, how often it changes, and the fair start's seconds; the queue's operators only."""
    async with unit_of_work() as uow:
        queue, subject, user = await _lock_for_operator(uow.session, queue_id, actor)
        if max_size is not None and not 1 <= max_size <= 10_000:
            raise InvalidError(msg("The maximum size must be between 1 and 10000."))
        if any(moment is not None and moment.tzinfo is None for moment in (opens_at, closes_at)):
            raise InvalidError(msg("Opening and closing times must include a time zone."))
        if opens_at and closes_at and closes_at <= opens_at:
            raise InvalidError(msg("The queue must close after it opens."))
        queue.members_can_freeze = members_can_freeze
        queue.max_size = max_size
        queue.opens_at, queue.closes_at = opens_at, closes_at
        if presence_window_seconds is not None:
            queue.presence_window_seconds = presence.valid_window(presence_window_seconds)
        if fair_start_seconds is not None:
            queue.fair_start_seconds = fair_start.valid_seconds(fair_start_seconds)
        if presence_required is not None:
            queue.presence_required = presence_required
            if presence_required and queue.presence_secret is None:
                queue.presence_secret = presence.new_secret()
        audit.record(
            uow.session,
            user,
            "queue.settings",
            subject.name,
            members_can_freeze=members_can_freeze,
            max_size=max_size,
            opens_at=opens_at,
            closes_at=closes_at,
            presence_required=queue.presence_required,
            presence_window_seconds=queue.presence_window_seconds,
            fair_start_seconds=queue.fair_start_seconds,
        )
        _record(uow, queue, QueueEventKind.SETTINGS, actor=user)


async def apply_schedule(now: datetime | None = None) -> list[int]:
    """Open and close queues whose scheduled time has come; returns the ids that changed.

    A schedule fires once: the time it used is cleared, so a teacher who reopens a queue by
    hand after its closing time is not overruled a moment later. Safe to run in every process.
    """
    moment = now or utcnow()
    async with read_only() as session:
        due = list(
            await session.scalars(
                select(Queue.id).where((Queue.opens_at <= moment) | (Queue.closes_at <= moment))
            )
        )
    changed = []
    for queue_id in due:
        async with unit_of_work() as uow:
            queue = await _get_queue(uow.session, queue_id, lock=True)
            target = _scheduled_state(queue, moment)
            if queue.closes_at is not None and queue.closes_at <= moment:
                queue.closes_at = None
            if queue.opens_at is not None and queue.opens_at <= moment:
                queue.opens_at = None
            if target is None or target is queue.state:
                continue
            if target is QueueState.OPEN:
                fair_start.start_window(queue, moment)
            queue.state = target
            kind = QueueEventKind.OPENED if target is QueueState.OPEN else QueueEventKind.CLOSED
            _record(uow, queue, kind)
            changed.append(queue_id)
    return changed


def _scheduled_state(queue: Queue, moment: datetime) -> QueueState | None:
    closing = queue.closes_at is not None and queue.closes_at <= moment
    opening = queue.opens_at is not None and queue.opens_at <= moment
    if closing:
        return QueueState.CLOSED
    if opening and queue.state is QueueState.CLOSED:
        return QueueState.OPEN
    return None


async def call_next(queue_id: int, *, actor: UserView) -> int | None:
    """Call the first waiting, non-frozen entry to the desk; returns its id, or None when
    nobody waits. Two teachers calling at once call two different students."""
    async with unit_of_work() as uow:
        session = uow.session
        queue, _, user = await _lock_for_operator(session, queue_id, actor)
        if queue.state is QueueState.PAUSED:
            raise ConflictError(msg("The queue is paused: resume it to call the next student."))
        now = utcnow()
        await _draw(uow, queue, now)
        if fair_start.pending(queue, now):
            # Calling someone before the draw would give them a place the draw did not.
            raise ConflictError(msg("The fair start's draw has not been made yet: call after it."))
        entry = await session.scalar(
            select(QueueEntry)
            .where(QueueEntry.queue_id == queue.id, QueueEntry.status == EntryStatus.WAITING)
            .order_by(QueueEntry.seq)
            .limit(1)
        )
        if entry is None:
            return None
        entry.status = EntryStatus.CALLED
        entry.called_at = utcnow()
        entry.called_by_id = user.id
        entry.call_acknowledged_at = None  # a new call is alerted afresh
        _record(uow, queue, QueueEventKind.CALLED, entry=entry, actor=user)
        uow.emit(StudentCalled(queue.id, entry.user_id, queue.version))
        return entry.id


async def accept(entry_id: int, *, actor: UserView) -> None:
    """Accept the work: an accepted submission for the chosen task, and the entry leaves."""
    async with unit_of_work() as uow:
        entry, queue, user = await _lock_entry_for_operator(uow.session, entry_id, actor)
        task_name = None
        if entry.task_id is not None:
            await _record_submission(
                uow.session,
                entry.user_id,
                entry.task_id,
                SubmissionKind.ACCEPTED,
                accepted_by=user.id,
            )
            uow.emit(SubmissionChanged(entry.user_id, queue.subject_id))
            task_name = await uow.session.scalar(select(Task.name).where(Task.id == entry.task_id))
        await uow.session.delete(entry)
        _record(uow, queue, QueueEventKind.ACCEPTED, entry=entry, actor=user)
        uow.emit(TurnEnded(queue.id, entry.user_id, TurnOutcome.ACCEPTED, task_name))


async def return_entry(entry_id: int, *, actor: UserView) -> None:
    """The work needs fixing: the entry leaves and nothing is recorded."""
    await _take_out(entry_id, QueueEventKind.RETURNED, TurnOutcome.RETURNED, actor=actor)


async def skip(entry_id: int, *, actor: UserView) -> None:
    """The student is absent: the entry moves to the end of the queue."""
    async with unit_of_work() as uow:
        entry, queue, user = await _lock_entry_for_operator(uow.session, entry_id, actor)
        entry.seq = queue.next_seq
        queue.next_seq += 1
        entry.status = EntryStatus.WAITING
        entry.called_at = entry.called_by_id = entry.call_acknowledged_at = None
        _record(uow, queue, QueueEventKind.SKIPPED, entry=entry, actor=user)
        uow.emit(TurnEnded(queue.id, entry.user_id, TurnOutcome.SKIPPED))


async def remove_entry(entry_id: int, *, actor: UserView) -> None:
    """Take someone out of the queue (say, they went home)."""
    await _take_out(entry_id, QueueEventKind.REMOVED, TurnOutcome.REMOVED, actor=actor)


async def _take_out(
    entry_id: int, kind: QueueEventKind, outcome: TurnOutcome, *, actor: UserView
) -> None:
    async with unit_of_work() as uow:
        entry, queue, user = await _lock_entry_for_operator(uow.session, entry_id, actor)
        await uow.session.delete(entry)
        _record(uow, queue, kind, entry=entry, actor=user)
        uow.emit(TurnEnded(queue.id, entry.user_id, outcome))


async def clear_queue(queue_id: int, *, actor: UserView) -> int:
    """Remove everybody; returns how many entries were removed."""
    async with unit_of_work() as uow:
        queue, _, user = await _lock_for_operator(uow.session, queue_id, actor)
        result = await uow.session.execute(
            delete(QueueEntry).where(QueueEntry.queue_id == queue.id).returning(QueueEntry.user_id)
        )
        cleared = list(result.scalars())
        _record(uow, queue, QueueEventKind.CLEARED, actor=user)
        for user_id in cleared:
            uow.emit(TurnEnded(queue.id, user_id, TurnOutcome.CLEARED))
        return len(cleared)


async def remove_user_entries(
    uow: UnitOfWork, user_id: int, workspace_id: int | None, *, actor_id: int | None
) -> None:
    """Within another unit of work: take a user out of every queue of a workspace (of every
    workspace, when ``workspace_id`` is None: the account is being deleted)."""
    statement = (
        select(QueueEntry, Queue)
        .join(Queue, Queue.id == QueueEntry.queue_id)
        .join(Subject, Subject.id == Queue.subject_id)
        .where(QueueEntry.user_id == user_id)
        .order_by(Queue.id)
        .with_for_update(of=Queue)
    )
    if workspace_id is not None:
        statement = statement.where(Subject.workspace_id == workspace_id)
    rows = await uow.session.execute(statement)
    # Leaving the workspace oneself takes one's places too: nobody else did it.
    outcome = TurnOutcome.LEFT if actor_id == user_id else TurnOutcome.REMOVED
    for entry, queue in rows.all():
        await uow.session.delete(entry)
        _record(uow, queue, QueueEventKind.REMOVED, entry=entry, actor_id=actor_id)
        uow.emit(TurnEnded(queue.id, user_id, outcome))


async def move_user_entries(
    uow: UnitOfWork, source_id: int, target_id: int, *, actor_id: int
) -> int:
    """Within another unit of work (merging two accounts of one person): the source's places
    become the target's. Where both stand in one queue, the earlier place is kept and the other
    taken out. Returns how many places the source had."""
    rows = await uow.session.execute(
        select(QueueEntry, Queue)
        .join(Queue, Queue.id == QueueEntry.queue_id)
        .where(QueueEntry.user_id.in_((source_id, target_id)))
        .order_by(Queue.id, QueueEntry.seq)
        .with_for_update(of=Queue)
    )
    by_queue: dict[int, tuple[Queue, list[QueueEntry]]] = {}
    for entry, queue in rows.all():
        by_queue.setdefault(queue.id, (queue, []))[1].append(entry)
    moved = 0
    for queue, entries in by_queue.values():
        if not any(entry.user_id == source_id for entry in entries):
            continue
        moved += 1
        kept, *others = entries  # in place order: the earlier one stays
        for other in others:
            await uow.session.delete(other)
            _record(uow, queue, QueueEventKind.REMOVED, entry=other, actor_id=actor_id)
        await uow.session.flush()
        if kept.user_id == source_id:
            kept.user_id = target_id
            # The same place under another name: the queue shows it at a new version.
            queue.version += 1
            uow.emit(QueueChanged(queue.id, queue.version))
    return moved


async def show_renamed(uow: UnitOfWork, user_id: int) -> None:
    """Within another unit of work: every queue the user stands in shows them anew (their name
    or picture changed) at a new version, so open pages load it. Not a queue event."""
    queues = await uow.session.scalars(
        select(Queue)
        .join(QueueEntry, QueueEntry.queue_id == Queue.id)
        .where(QueueEntry.user_id == user_id)
        .order_by(Queue.id)
        .with_for_update(of=Queue)
    )
    for queue in queues.all():
        queue.version += 1
        uow.emit(QueueChanged(queue.id, queue.version))


# --- helpers ----------------------------------------------------------------------------------


async def _add_entry(
    uow: UnitOfWork,
    queue: Queue,
    subject: Subject,
    user: User,
    task_id: int | None,
    *,
    by: User,
    with_code: bool = False,
) -> QueueEntry:
    """Put ``user`` at the end of the queue, or into the fair start's draw while it is pending."""
    session = uow.session
    now = utcnow()
    await _draw(uow, queue, now)  # joins after the window go behind the drawn places
    if await _entry_of(session, queue.id, user.id) is not None:
        raise ConflictError(ALREADY_IN_QUEUE if by is user else ALREADY_LET_IN)
    if queue.max_size is not None:
        size = await session.scalar(
            select(func.count()).select_from(QueueEntry).where(QueueEntry.queue_id == queue.id)
        )
        if (size or 0) >= queue.max_size:
            raise ConflictError(msg("The queue is full."))
    chosen = await _choose_task(session, subject.id, user.id, task_id)
    entry = QueueEntry(
        queue_id=queue.id,
        user_id=user.id,
        task_id=chosen,
        status=EntryStatus.WAITING,
        seq=queue.next_seq,
        joined_at=now,
        in_draw=fair_start.pending(queue, now),
        joined_with_code=with_code,
    )
    queue.next_seq += 1
    session.add(entry)
    await session.flush()
    details = JOINED_WITH_CODE if with_code else None
    _record(uow, queue, QueueEventKind.JOINED, entry=entry, actor=by, details=details)
    return entry


async def _draw(uow: UnitOfWork, queue: Queue, now: datetime) -> bool:
    drawn = await fair_start.draw(uow, queue, now)
    if drawn is None:
        return False
    _record(uow, queue, QueueEventKind.DRAWN, details=drawn.details)
    return True


def _record(
    uow: UnitOfWork,
    queue: Queue,
    kind: QueueEventKind,
    *,
    entry: QueueEntry | None = None,
    actor: User | None = None,
    actor_id: int | None = None,
    details: str | None = None,
) -> None:
    queue.version += 1
    uow.session.add(
        QueueEvent(
            queue_id=queue.id,
            kind=kind,
            version=queue.version,
            at=utcnow(),
            actor_id=actor.id if actor else actor_id,
            entry_id=entry.id if entry else None,
            user_id=entry.user_id if entry else None,
            task_id=entry.task_id if entry else None,
            joined_at=entry.joined_at if entry else None,
            called_at=entry.called_at if entry else None,
            details=details,
        )
    )
    uow.emit(QueueChanged(queue.id, queue.version))


async def _get_queue(session: AsyncSession, queue_id: int, *, lock: bool = False) -> Queue:
    query = select(Queue).where(Queue.id == queue_id)
    if lock:
        query = query.with_for_update()
    queue = await session.scalar(query)
    if queue is None:
        raise NotFoundError(msg("This queue does not exist."))
    return queue


async def _lock_for_member(
    session: AsyncSession, queue_id: int, actor: UserView, *, allow_former: bool = False
) -> tuple[Queue, Subject, User]:
    """Lock the queue for a change by one of the workspace's approved members.

    ``allow_former`` lets someone who lost membership still take themselves out.
    """
    user = await permissions.load_actor(session, actor)
    queue = await _get_queue(session, queue_id, lock=True)
    subject = await permissions.get_subject(session, queue.subject_id)
    if not allow_former and not await permissions.is_approved_member(
        session, user, subject.workspace_id
    ):
        raise ForbiddenError(
            msg("Only approved members of this workspace can stand in its queues.")
        )
    return queue, subject, user


async def _lock_for_operator(
    session: AsyncSession, queue_id: int, actor: UserView
) -> tuple[Queue, Subject, User]:
    user = await permissions.load_actor(session, actor)
    queue = await _get_queue(session, queue_id, lock=True)
    subject = await permissions.get_subject(session, queue.subject_id)
    await permissions.ensure_queue_operator(session, user, subject)
    return queue, subject, user


async def _lock_entry_for_operator(
    session: AsyncSession, entry_id: int, actor: UserView
) -> tuple[QueueEntry, Queue, User]:
    queue_id = await session.scalar(select(QueueEntry.queue_id).where(QueueEntry.id == entry_id))
    if queue_id is None:
        raise NotFoundError(ENTRY_GONE)
    queue, _, user = await _lock_for_operator(session, queue_id, actor)
    # Read again under the queue lock: another teacher may have served it meanwhile.
    entry = await session.scalar(
        select(QueueEntry)
        .where(QueueEntry.id == entry_id)
        .execution_options(populate_existing=True)
    )
    if entry is None:
        raise NotFoundError(ENTRY_GONE)
    return entry, queue, user


async def _entry_of(session: AsyncSession, queue_id: int, user_id: int) -> QueueEntry | None:
    return await session.scalar(
        select(QueueEntry).where(QueueEntry.queue_id == queue_id, QueueEntry.user_id == user_id)
    )


async def _own_entry(session: AsyncSession, queue_id: int, user_id: int) -> QueueEntry:
    entry = await _entry_of(session, queue_id, user_id)
    if entry is None:
        raise NotFoundError(NOT_IN_QUEUE)
    return entry


async def _choose_task(
    session: AsyncSession, subject_id: int, user_id: int, task_id: int | None
) -> int | None:
    if task_id is not None:
        found = await session.scalar(
            select(Task.id).where(Task.id == task_id, Task.subject_id == subject_id)
        )
        if found is None:
            raise InvalidError(msg("That task does not belong to this subject."))
        return found
    subject_tasks = await session.scalars(select(Task).where(Task.subject_id == subject_id))
    handed_in = await session.scalars(
        select(Submission.task_id)
        .join(Task, Task.id == Submission.task_id)
        .where(Submission.user_id == user_id, Task.subject_id == subject_id)
    )
    return default_task([TaskView.of(task) for task in subject_tasks], set(handed_in))


async def _record_submission(
    session: AsyncSession,
    user_id: int,
    task_id: int,
    kind: SubmissionKind,
    *,
    accepted_by: int | None = None,
) -> bool:
    """Record a hand-in; returns whether it is new (the task was not marked before)."""
    existing = await session.scalar(
        select(Submission).where(Submission.user_id == user_id, Submission.task_id == task_id)
    )
    if existing is None:
        session.add(
            Submission(
                user_id=user_id,
                task_id=task_id,
                kind=kind,
                accepted_by_id=accepted_by,
                submitted_at=utcnow(),
            )
        )
        return True
    if kind is SubmissionKind.ACCEPTED:
        existing.kind, existing.accepted_by_id = kind, accepted_by
    return False


# The snapshot's reads, built once: every change of a queue is read by every process that shows
# it and by the push sender. The entries come as plain rows of the columns shown, not as ORM
# objects of the entry and its whole user (py-spy: building those was most of a read).
_QUEUE_AND_SUBJECT = (
    select(Queue, Subject)
    .join(Subject, Subject.id == Queue.subject_id)
    .where(Queue.id == bindparam("queue_id"))
)
_SNAPSHOT_ENTRIES = (
    select(
        QueueEntry.id,
        QueueEntry.user_id,
        QueueEntry.task_id,
        QueueEntry.status,
        QueueEntry.joined_at,
        QueueEntry.called_at,
        QueueEntry.called_by_id,
        QueueEntry.in_draw,
        QueueEntry.joined_with_code,
        User.username,
        User.first_name,
        User.last_name,
        User.picture_key,
        Task.name.label("task_name"),
    )
    .join(User, User.id == QueueEntry.user_id)
    .outerjoin(Task, Task.id == QueueEntry.task_id)
    .where(QueueEntry.queue_id == bindparam("queue_id"))
    .order_by(QueueEntry.seq)
)
_RECENT_SERVICES = (
    select(QueueEvent.at, QueueEvent.called_at)
    .where(
        QueueEvent.queue_id == bindparam("queue_id"),
        QueueEvent.kind.in_((QueueEventKind.ACCEPTED, QueueEventKind.RETURNED)),
        QueueEvent.called_at.is_not(None),
    )
    .order_by(QueueEvent.at.desc())
    .limit(RECENT_SERVICES)
)


async def _snapshot(session: AsyncSession, queue: Queue) -> QueueSnapshot:
    subject = await permissions.get_subject(session, queue.subject_id)
    rows = sorted(
        await session.execute(_SNAPSHOT_ENTRIES, {"queue_id": queue.id}),
        # Those in a pending draw come last, by user id: how fast they joined is not their place.
        key=lambda row: (row.in_draw, row.in_draw and row.user_id),
    )
    entries = tuple(
        EntryView(
            id=entry_id,
            position=position,
            user_id=user_id,
            display_name=display_name(username, first_name, last_name),
            short_name=short_name(username, first_name, last_name),
            task_id=task_id,
            task_name=task_name,
            status=status,
            joined_at=joined_at,
            called_at=called_at,
            called_by=called_by,
            picture_key=picture_key,
            in_draw=in_draw,
            joined_with_code=joined_with_code,
        )
        for position, (
            entry_id,
            user_id,
            task_id,
            status,
            joined_at,
            called_at,
            called_by,
            in_draw,
            joined_with_code,
            username,
            first_name,
            last_name,
            picture_key,
            task_name,
        ) in enumerate(rows, start=1)
    )
    return QueueSnapshot(
        service_seconds=await _recent_service_seconds(session, queue.id),
        opens_at=queue.opens_at,
        closes_at=queue.closes_at,
        queue_id=queue.id,
        subject_id=subject.id,
        workspace_id=subject.workspace_id,
        subject_name=subject.name,
        state=queue.state,
        members_can_freeze=queue.members_can_freeze,
        max_size=queue.max_size,
        version=queue.version,
        entries=entries,
        draw_at=queue.draw_at,
        presence_required=queue.presence_required,
        presence_window_seconds=queue.presence_window_seconds,
        fair_start_seconds=queue.fair_start_seconds,
    )


async def _recent_service_seconds(session: AsyncSession, queue_id: int) -> tuple[float, ...]:
    rows = await session.execute(_RECENT_SERVICES, {"queue_id": queue_id})
    return tuple(
        (finished - called).total_seconds()
        for finished, called in rows
        if called is not None and finished > called
    )
