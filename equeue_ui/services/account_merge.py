"""Merging two accounts of one person: everything of the source moves into the target, in one
transaction, and the emptied source goes.

Typical case: someone signed in with eCourses before they had (or remembered) a local account,
so an ``…@ecourses`` account holds their memberships and hand-ins; later they link eCourses to
their local account. Conflicts are settled in the person's favour and never lose work: the
stronger membership (approved over pending, admin over member), the stronger hand-in (accepted
over self-reported, then the earlier), the better place in a queue (the earlier one; the other
place is taken out as the teacher's *remove* would). History (queue events, audit entries,
who accepted what) is re-pointed, not deleted.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import (
    AuditLog,
    DisplayLink,
    LoginTicket,
    MemberRole,
    MemberStatus,
    QueueEntry,
    QueueEvent,
    Session,
    StudentInvite,
    SubjectTeacher,
    Submission,
    SubmissionKind,
    Task,
    TeacherInvite,
    User,
    WorkspaceMember,
)
from equeue_ui.errors import ConflictError, NotFoundError
from equeue_ui.events import MembershipChanged, SessionsRevoked, SubmissionChanged, UserChanged
from equeue_ui.i18n import msg
from equeue_ui.services import audit, permissions, queues
from equeue_ui.services.uow import UnitOfWork, unit_of_work
from equeue_ui.services.views import UserView

SAME_ACCOUNT = msg("An account cannot be merged into itself.")
OWN_ACCOUNT = msg("You cannot merge away your own account: merge the other one into it.")
TWO_ECOURSES = msg("Both accounts are linked to different eCourses accounts.")
NO_SUCH_USER = msg("This user does not exist.")

_STATUS_RANK = {MemberStatus.REJECTED: 0, MemberStatus.PENDING: 1, MemberStatus.APPROVED: 2}


@dataclass(frozen=True)
class MergeSummary:
    """What a merge of ``source`` would move (shown before asking to confirm)."""

    source: UserView
    target: UserView
    workspaces: int
    hand_ins: int
    queue_places: int


async def merge_accounts(source_id: int, target_id: int, *, actor: UserView) -> UserView:
    """Site admins: move everything of one account into another and delete the first. Audited;
    emits UserChanged, SessionsRevoked (the source's sessions end), MembershipChanged,
    SubmissionChanged and QueueChanged for what moved."""
    async with unit_of_work() as uow:
        admin = await permissions.load_actor(uow.session, actor)
        permissions.ensure_site_admin(admin)
        source, target = await _pair(uow.session, source_id, target_id)
        if source.id == admin.id:
            raise ConflictError(OWN_ACCOUNT)
        await merge_into(uow, source, target, actor=admin)
        return UserView.of(target)


async def merge_summary(source_id: int, target_id: int, *, actor: UserView) -> MergeSummary:
    """What :func:`merge_accounts` would move; site admins only."""
    async with unit_of_work() as uow:
        admin = await permissions.load_actor(uow.session, actor)
        permissions.ensure_site_admin(admin)
        source, target = await _pair(uow.session, source_id, target_id)
        return await summarize(uow.session, source, target)


async def summarize(session: AsyncSession, source: User, target: User) -> MergeSummary:
    workspaces = await session.scalars(
        select(WorkspaceMember.id).where(WorkspaceMember.user_id == source.id)
    )
    hand_ins = await session.scalars(select(Submission.id).where(Submission.user_id == source.id))
    places = await session.scalars(select(QueueEntry.id).where(QueueEntry.user_id == source.id))
    return MergeSummary(
        source=UserView.of(source),
        target=UserView.of(target),
        workspaces=len(workspaces.all()),
        hand_ins=len(hand_ins.all()),
        queue_places=len(places.all()),
    )


async def merge_into(uow: UnitOfWork, source: User, target: User, *, actor: User) -> None:
    """Within a unit of work: move ``source``'s memberships, teaching, hand-ins, queue places,
    roles, eCourses link and history into ``target``, then delete ``source``."""
    if source.id == target.id:
        raise ConflictError(SAME_ACCOUNT)
    if None not in (source.ecourses_user_id, target.ecourses_user_id) and (
        source.ecourses_user_id != target.ecourses_user_id
    ):
        raise ConflictError(TWO_ECOURSES)
    session = uow.session
    details = {"from": source.username}
    details["workspaces"] = str(await _merge_memberships(uow, source.id, target.id))
    await _merge_teaching(session, source.id, target.id)
    details["hand_ins"] = str(await _merge_submissions(uow, source.id, target.id))
    details["queue_places"] = str(
        await queues.move_user_entries(uow, source.id, target.id, actor_id=actor.id)
    )
    await _repoint_history(session, source.id, target.id)
    _merge_profile(source, target)
    await session.execute(delete(Session).where(Session.user_id == source.id))
    await session.execute(delete(LoginTicket).where(LoginTicket.user_id == source.id))
    # The eCourses id is unique: off the source before it goes onto the target.
    ecourses_id, token = source.ecourses_user_id, source.ecourses_token_encrypted
    source.ecourses_user_id = None
    await session.flush()
    if target.ecourses_user_id is None and ecourses_id is not None:
        target.ecourses_user_id, target.ecourses_token_encrypted = ecourses_id, token
    audit.record(session, actor, "user.merge", target.username, **details)
    await session.delete(source)
    uow.emit(SessionsRevoked(source.id))
    uow.emit(UserChanged(source.id))
    uow.emit(UserChanged(target.id))


# --- helpers ----------------------------------------------------------------------------------


async def _pair(session: AsyncSession, source_id: int, target_id: int) -> tuple[User, User]:
    if source_id == target_id:
        raise ConflictError(SAME_ACCOUNT)
    source = await session.get(User, source_id, with_for_update=True)
    target = await session.get(User, target_id, with_for_update=True)
    if source is None or target is None:
        raise NotFoundError(NO_SUCH_USER)
    return source, target


async def _merge_memberships(uow: UnitOfWork, source_id: int, target_id: int) -> int:
    rows = await uow.session.scalars(
        select(WorkspaceMember).where(WorkspaceMember.user_id.in_((source_id, target_id)))
    )
    by_workspace: dict[int, dict[int, WorkspaceMember]] = {}
    for row in rows:
        by_workspace.setdefault(row.workspace_id, {})[row.user_id] = row
    for workspace_id, rows_of in by_workspace.items():
        theirs = rows_of.get(source_id)
        if theirs is None:
            continue
        mine = rows_of.get(target_id)
        if mine is None:
            theirs.user_id = target_id
        else:
            if _STATUS_RANK[theirs.status] > _STATUS_RANK[mine.status]:
                mine.status = theirs.status
            if theirs.role is MemberRole.ADMIN and mine.status is MemberStatus.APPROVED:
                mine.role = MemberRole.ADMIN
            mine.joined_at = min(mine.joined_at, theirs.joined_at)
            await uow.session.delete(theirs)
        uow.emit(MembershipChanged(workspace_id, source_id))
        uow.emit(MembershipChanged(workspace_id, target_id))
    await uow.session.flush()
    return sum(1 for rows_of in by_workspace.values() if source_id in rows_of)


async def _merge_teaching(session: AsyncSession, source_id: int, target_id: int) -> None:
    taught = set(
        await session.scalars(
            select(SubjectTeacher.subject_id).where(SubjectTeacher.user_id == target_id)
        )
    )
    for row in await session.scalars(
        select(SubjectTeacher).where(SubjectTeacher.user_id == source_id)
    ):
        if row.subject_id in taught:
            await session.delete(row)
        else:
            row.user_id = target_id
    await session.flush()


async def _merge_submissions(uow: UnitOfWork, source_id: int, target_id: int) -> int:
    rows = await uow.session.execute(
        select(Submission, Task.subject_id)
        .join(Task, Task.id == Submission.task_id)
        .where(Submission.user_id.in_((source_id, target_id)))
    )
    by_task: dict[int, dict[int, tuple[Submission, int]]] = {}
    for submission, subject_id in rows.all():
        by_task.setdefault(submission.task_id, {})[submission.user_id] = (submission, subject_id)
    moved = 0
    for pair in by_task.values():
        if source_id not in pair:
            continue
        theirs, subject_id = pair[source_id]
        moved += 1
        mine = pair.get(target_id)
        if mine is None:
            theirs.user_id = target_id
        else:
            if _stronger(theirs, mine[0]):
                kept = mine[0]
                kept.kind, kept.submitted_at = theirs.kind, theirs.submitted_at
                kept.accepted_by_id = theirs.accepted_by_id
            await uow.session.delete(theirs)
        uow.emit(SubmissionChanged(target_id, subject_id))
    await uow.session.flush()
    return moved


def _stronger(one: Submission, other: Submission) -> bool:
    """Accepted by a teacher beats marked by oneself; then the earlier counts."""
    if one.kind is not other.kind:
        return one.kind is SubmissionKind.ACCEPTED
    return one.submitted_at < other.submitted_at


async def _repoint_history(session: AsyncSession, source_id: int, target_id: int) -> None:
    for column in (
        QueueEvent.user_id,
        QueueEvent.actor_id,
        QueueEntry.called_by_id,
        Submission.accepted_by_id,
        AuditLog.actor_id,
        TeacherInvite.created_by_id,
        StudentInvite.created_by_id,
        DisplayLink.created_by_id,
    ):
        await session.execute(
            update(column.class_).where(column == source_id).values({column.key: target_id})
        )


def _merge_profile(source: User, target: User) -> None:
    """Roles add up; what the target lacks, the source gives. Names stay the target's."""
    target.is_teacher = target.is_teacher or source.is_teacher
    target.is_site_admin = target.is_site_admin or source.is_site_admin
    target.group_id = target.group_id or source.group_id
    target.avatar_url = target.avatar_url or source.avatar_url
    if not target.status_text:
        target.status_text = source.status_text
    if target.language is None:
        target.language = source.language
    if target.dark_mode is None:
        target.dark_mode = source.dark_mode
