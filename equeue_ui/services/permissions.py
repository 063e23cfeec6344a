"""Permission checks (SPEC §2), made once here and called first by every service."""

from __future__ import annotations

from sqlalchemy import inspect, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import (
    MemberRole,
    MemberStatus,
    Subject,
    SubjectTeacher,
    User,
    Workspace,
    WorkspaceMember,
)
from equeue_ui.errors import ForbiddenError, NotFoundError
from equeue_ui.i18n import msg
from equeue_ui.services.views import UserView

NOT_A_MEMBER = msg("Only approved members of this workspace can see it.")


async def load_actor(session: AsyncSession, actor: UserView) -> User:
    """The acting user as stored now: roles and the blocked flag are never taken from the UI."""
    return active_actor(await session.get(User, actor.id))


def active_actor(user: User | None) -> User:
    """The acting user, read from the database by the caller, if it may act at all."""
    if user is None or user.blocked:
        raise ForbiddenError(msg("Your account is blocked or no longer exists."))
    return user


def remember_membership(session: AsyncSession, member: WorkspaceMember | None) -> None:
    """A membership the caller read along with other rows: later checks in this session use it
    instead of asking again (see :func:`membership`)."""
    if member is not None:
        known: dict[tuple[int, int], WorkspaceMember] = session.info.setdefault("memberships", {})
        known[(member.user_id, member.workspace_id)] = member


async def membership(
    session: AsyncSession, user_id: int, workspace_id: int
) -> WorkspaceMember | None:
    # Remembered for the session's lifetime: one service call asks several checks about the
    # same membership. Only found rows are kept (the identity map keeps them current).
    known: dict[tuple[int, int], WorkspaceMember] = session.info.setdefault("memberships", {})
    found = known.get((user_id, workspace_id))
    if found is not None and (inspect(found).deleted or inspect(found).was_deleted):
        return None
    if found is None:
        found = await session.scalar(
            select(WorkspaceMember).where(
                WorkspaceMember.workspace_id == workspace_id, WorkspaceMember.user_id == user_id
            )
        )
        if found is not None:
            known[(user_id, workspace_id)] = found
    return found


async def get_workspace(session: AsyncSession, workspace_id: int) -> Workspace:
    workspace = await session.get(Workspace, workspace_id)
    if workspace is None:
        raise NotFoundError(msg("This workspace does not exist."))
    return workspace


async def get_subject(session: AsyncSession, subject_id: int) -> Subject:
    subject = await session.get(Subject, subject_id)
    if subject is None:
        raise NotFoundError(msg("This subject does not exist."))
    return subject


async def is_approved_member(session: AsyncSession, user: User, workspace_id: int) -> bool:
    member = await membership(session, user.id, workspace_id)
    return member is not None and member.status is MemberStatus.APPROVED


async def is_workspace_admin(session: AsyncSession, user: User, workspace_id: int) -> bool:
    member = await membership(session, user.id, workspace_id)
    return (
        member is not None
        and member.status is MemberStatus.APPROVED
        and member.role is MemberRole.ADMIN
    )


async def is_subject_teacher(session: AsyncSession, user: User, subject_id: int) -> bool:
    if not user.is_teacher:
        return False
    row = await session.get(SubjectTeacher, (subject_id, user.id))
    return row is not None


async def ensure_workspace_member(
    session: AsyncSession, user: User, workspace_id: int
) -> Workspace:
    """The workspace, if the user is an approved member or a site admin."""
    workspace = await get_workspace(session, workspace_id)
    if user.is_site_admin or await is_approved_member(session, user, workspace_id):
        return workspace
    raise ForbiddenError(NOT_A_MEMBER)


async def ensure_workspace_admin(session: AsyncSession, user: User, workspace_id: int) -> Workspace:
    workspace = await get_workspace(session, workspace_id)
    if user.is_site_admin or await is_workspace_admin(session, user, workspace_id):
        return workspace
    raise ForbiddenError(msg("Only the workspace's admins can do that."))


async def ensure_subject_visible(session: AsyncSession, user: User, subject_id: int) -> Subject:
    """Members see their workspace's subjects; a subject's teachers see that subject."""
    subject = await get_subject(session, subject_id)
    if (
        user.is_site_admin
        or await is_approved_member(session, user, subject.workspace_id)
        or await is_subject_teacher(session, user, subject.id)
    ):
        return subject
    raise ForbiddenError(NOT_A_MEMBER)


async def can_operate_queue(session: AsyncSession, user: User, subject: Subject) -> bool:
    return (
        user.is_site_admin
        or await is_subject_teacher(session, user, subject.id)
        or await is_workspace_admin(session, user, subject.workspace_id)
    )


async def ensure_queue_operator(session: AsyncSession, user: User, subject: Subject) -> None:
    """Teachers of the subject and the workspace's admins run its queue."""
    if not await can_operate_queue(session, user, subject):
        raise ForbiddenError(msg("Only the subject's teachers and workspace admins run the queue."))


async def ensure_subject_editor(session: AsyncSession, user: User, subject: Subject) -> None:
    """Workspace admins edit subjects; the subject's teachers may edit its requirements."""
    if not await can_operate_queue(session, user, subject):
        raise ForbiddenError(msg("Only the workspace's admins can do that."))


def ensure_site_admin(user: User) -> None:
    if not user.is_site_admin:
        raise ForbiddenError(msg("Only site administrators can do that."))
