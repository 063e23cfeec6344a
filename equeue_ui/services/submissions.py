"""What each student has handed in: self-reports, progress, the leaderboard and due dates.

A student marks a task handed in themselves (``self_reported``); a teacher accepting the work
at the queue makes it ``accepted`` (see ``queues.accept``), which the student cannot undo.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import and_, case, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import (
    MemberStatus,
    Subject,
    Submission,
    SubmissionKind,
    Task,
    User,
    WorkspaceMember,
)
from db.types import utcnow
from equeue_ui.errors import ConflictError, ForbiddenError, NotFoundError
from equeue_ui.events import SubmissionChanged
from equeue_ui.i18n import msg
from equeue_ui.services import permissions
from equeue_ui.services.uow import read_only, unit_of_work
from equeue_ui.services.views import LeaderboardRow, UserView

ALREADY_MARKED = msg("You have already marked this task handed in.")


async def mark_handed_in(task_id: int, *, actor: UserView) -> None:
    """Self-report a task handed in; approved members only. Marking twice changes nothing.
    Emits ``SubmissionChanged`` when something changed."""
    async with unit_of_work(conflict=ALREADY_MARKED) as uow:
        session = uow.session
        user, task, subject = await _task_for_member(session, task_id, actor)
        if await _own_submission(session, user.id, task.id) is not None:
            return
        session.add(
            Submission(
                user_id=user.id,
                task_id=task.id,
                kind=SubmissionKind.SELF_REPORTED,
                submitted_at=utcnow(),
            )
        )
        uow.emit(SubmissionChanged(user.id, subject.id))


async def unmark_handed_in(task_id: int, *, actor: UserView) -> None:
    """Withdraw one's own self-report; refused once a teacher has accepted the work.
    Emits ``SubmissionChanged`` when something changed."""
    async with unit_of_work() as uow:
        session = uow.session
        user, task, subject = await _task_for_member(session, task_id, actor)
        submission = await _own_submission(session, user.id, task.id)
        if submission is None:
            return
        if submission.kind is SubmissionKind.ACCEPTED:
            raise ConflictError(
                msg("This task was accepted by a teacher, so it stays marked handed in.")
            )
        await session.delete(submission)
        uow.emit(SubmissionChanged(user.id, subject.id))


async def handed_in_task_ids(subject_id: int, *, actor: UserView) -> frozenset[int]:
    """The ids of the subject's tasks the actor has handed in."""
    async with read_only() as session:
        user = await permissions.load_actor(session, actor)
        subject = await permissions.ensure_subject_visible(session, user, subject_id)
        ids = await session.scalars(
            select(Submission.task_id)
            .join(Task, Task.id == Submission.task_id)
            .where(Submission.user_id == user.id, Task.subject_id == subject.id)
        )
        return frozenset(ids)


async def progress(workspace_id: int, *, actor: UserView) -> dict[int, tuple[int, int]]:
    """For each subject of the workspace: (tasks the actor handed in, tasks in total)."""
    async with read_only() as session:
        user = await permissions.load_actor(session, actor)
        await permissions.ensure_workspace_member(session, user, workspace_id)
        rows = await session.execute(
            select(Subject.id, func.count(Submission.id), func.count(Task.id))
            .outerjoin(Task, Task.subject_id == Subject.id)
            .outerjoin(
                Submission, and_(Submission.task_id == Task.id, Submission.user_id == user.id)
            )
            .where(Subject.workspace_id == workspace_id)
            .group_by(Subject.id)
        )
        return {subject_id: (done, total) for subject_id, done, total in rows}


async def leaderboard(
    workspace_id: int, *, actor: UserView, limit: int = 20
) -> list[LeaderboardRow]:
    """The approved members with the most tasks handed in in this workspace, then by name."""
    async with read_only() as session:
        user = await permissions.load_actor(session, actor)
        await permissions.ensure_workspace_member(session, user, workspace_id)
        if limit < 1:
            return []
        handed = (
            select(Submission.user_id, Submission.kind)
            .join(Task, Task.id == Submission.task_id)
            .join(Subject, Subject.id == Task.subject_id)
            .where(Subject.workspace_id == workspace_id)
            .subquery()
        )
        handed_in = func.count(handed.c.user_id)
        accepted = func.count(case((handed.c.kind == SubmissionKind.ACCEPTED, 1)))
        # The same key as UserView.display_name, so ties read alphabetically on screen.
        full_name = func.trim(User.first_name + " " + User.last_name)
        name = case((full_name == "", User.username), else_=full_name)
        rows = await session.execute(
            select(User, handed_in, accepted)
            .join(WorkspaceMember, WorkspaceMember.user_id == User.id)
            .outerjoin(handed, handed.c.user_id == User.id)
            .where(
                WorkspaceMember.workspace_id == workspace_id,
                WorkspaceMember.status == MemberStatus.APPROVED,
            )
            .group_by(User.id)
            .order_by(handed_in.desc(), name, User.id)
            .limit(limit)
        )
        return [LeaderboardRow(UserView.of(member), done, good) for member, done, good in rows]


async def next_due(workspace_id: int, *, actor: UserView) -> dict[int, datetime]:
    """For each subject: the earliest future due date among tasks the actor has not handed
    in; subjects with none are left out."""
    async with read_only() as session:
        user = await permissions.load_actor(session, actor)
        await permissions.ensure_workspace_member(session, user, workspace_id)
        mine = select(Submission.task_id).where(Submission.user_id == user.id)
        rows = await session.execute(
            select(Task.subject_id, func.min(Task.due_at))
            .join(Subject, Subject.id == Task.subject_id)
            .where(
                Subject.workspace_id == workspace_id,
                Task.due_at > utcnow(),
                Task.id.not_in(mine),
            )
            .group_by(Task.subject_id)
        )
        return {subject_id: due for subject_id, due in rows if due is not None}


async def subjects_with_due_dates(workspace_id: int, *, actor: UserView) -> set[int]:
    """The workspace's subjects with at least one task that has a due date (past or not), so a
    subject with nothing ahead can say whether it has deadlines at all."""
    async with read_only() as session:
        user = await permissions.load_actor(session, actor)
        await permissions.ensure_workspace_member(session, user, workspace_id)
        found = await session.scalars(
            select(Task.subject_id)
            .join(Subject, Subject.id == Task.subject_id)
            .where(Subject.workspace_id == workspace_id, Task.due_at.is_not(None))
            .distinct()
        )
        return set(found)


# --- helpers ----------------------------------------------------------------------------------


async def _task_for_member(
    session: AsyncSession, task_id: int, actor: UserView
) -> tuple[User, Task, Subject]:
    user = await permissions.load_actor(session, actor)
    query = select(Task, Subject).join(Subject, Subject.id == Task.subject_id)
    found = (await session.execute(query.where(Task.id == task_id))).first()
    if found is None:
        raise NotFoundError(msg("This task does not exist."))
    task, subject = found
    if not await permissions.is_approved_member(session, user, subject.workspace_id):
        raise ForbiddenError(
            msg("Only approved members of this workspace can mark tasks handed in.")
        )
    return user, task, subject


async def _own_submission(session: AsyncSession, user_id: int, task_id: int) -> Submission | None:
    return await session.scalar(
        select(Submission).where(Submission.user_id == user_id, Submission.task_id == task_id)
    )
