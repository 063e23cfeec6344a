"""Teacher invite links: a workspace admin makes one for a subject; a teacher who opens it
becomes that subject's teacher. Links expire and can be revoked."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import Subject, SubjectTeacher, TeacherInvite
from db.types import utcnow
from equeue_ui.errors import ForbiddenError, InvalidError, NotFoundError
from equeue_ui.events import InvitesChanged, SubjectChanged
from equeue_ui.i18n import msg
from equeue_ui.services import audit, permissions
from equeue_ui.services.accounts import hash_token
from equeue_ui.services.invite_links import INVITE_INVALID, InviteLinkView, find_working
from equeue_ui.services.uow import read_only, unit_of_work
from equeue_ui.services.views import SubjectView, UserView

DEFAULT_LIFETIME = timedelta(days=14)
MAX_LIFETIME = timedelta(days=180)


@dataclass(frozen=True)
class InviteView(InviteLinkView):
    subject_id: int


@dataclass(frozen=True)
class NewInvite:
    invite: InviteView
    token: str  # shown once, when made; only its hash is stored


async def create_invite(
    subject_id: int, *, actor: UserView, lifetime: timedelta = DEFAULT_LIFETIME
) -> NewInvite:
    """A new teacher invite for the subject; the workspace's admins only."""
    if not timedelta(hours=1) <= lifetime <= MAX_LIFETIME:
        raise InvalidError(msg("An invite link lives from one hour to 180 days."))
    token = secrets.token_urlsafe(24)
    async with unit_of_work() as uow:
        user = await permissions.load_actor(uow.session, actor)
        subject = await permissions.get_subject(uow.session, subject_id)
        await permissions.ensure_workspace_admin(uow.session, user, subject.workspace_id)
        invite = TeacherInvite(
            subject_id=subject.id,
            token_hash=hash_token(token),
            created_by_id=user.id,
            created_at=utcnow(),
            expires_at=utcnow() + lifetime,
        )
        uow.session.add(invite)
        await uow.session.flush()
        audit.record(uow.session, user, "subject.teacher_invite.create", subject.name)
        uow.emit(InvitesChanged(subject.workspace_id, subject.id))
        return NewInvite(_view(invite), token)


async def list_invites(subject_id: int, *, actor: UserView) -> list[InviteView]:
    async with read_only() as session:
        user = await permissions.load_actor(session, actor)
        subject = await permissions.get_subject(session, subject_id)
        await permissions.ensure_workspace_admin(session, user, subject.workspace_id)
        rows = await session.scalars(
            select(TeacherInvite)
            .where(TeacherInvite.subject_id == subject_id)
            .order_by(TeacherInvite.created_at.desc())
        )
        return [_view(invite) for invite in rows]


async def revoke_invite(invite_id: int, *, actor: UserView) -> None:
    """The link stops working at once."""
    async with unit_of_work() as uow:
        user = await permissions.load_actor(uow.session, actor)
        invite = await uow.session.get(TeacherInvite, invite_id)
        if invite is None:
            raise NotFoundError(INVITE_INVALID)
        subject = await permissions.get_subject(uow.session, invite.subject_id)
        await permissions.ensure_workspace_admin(uow.session, user, subject.workspace_id)
        if invite.revoked_at is None:
            invite.revoked_at = utcnow()
            audit.record(uow.session, user, "subject.teacher_invite.revoke", subject.name)
            uow.emit(InvitesChanged(subject.workspace_id, subject.id))


async def invite_subject(token: str) -> SubjectView:
    """The subject an invite is for (to show before accepting); refused if it is not valid."""
    async with read_only() as session:
        _, subject = await _valid(session, token)
        return SubjectView.of(subject)


async def accept_invite(token: str, *, actor: UserView) -> SubjectView:
    """Become the subject's teacher; only users with the teacher role may."""
    async with unit_of_work() as uow:
        user = await permissions.load_actor(uow.session, actor)
        _, subject = await _valid(uow.session, token)
        if not user.is_teacher:
            raise ForbiddenError(
                msg("Only teachers can accept this link. Ask a site administrator for the role.")
            )
        if await uow.session.get(SubjectTeacher, (subject.id, user.id)) is None:
            uow.session.add(SubjectTeacher(subject_id=subject.id, user_id=user.id))
            audit.record(uow.session, user, "subject.teacher_invite.accept", subject.name)
            uow.emit(SubjectChanged(subject.workspace_id, subject.id))
        return SubjectView.of(subject)


async def _valid(session: AsyncSession, token: str) -> tuple[TeacherInvite, Subject]:
    invite = await find_working(session, TeacherInvite, token)
    return invite, await permissions.get_subject(session, invite.subject_id)


def _view(invite: TeacherInvite) -> InviteView:
    return InviteView(
        id=invite.id,
        subject_id=invite.subject_id,
        created_at=invite.created_at,
        expires_at=invite.expires_at,
        revoked=invite.revoked_at is not None,
    )
