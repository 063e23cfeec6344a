"""Student invite links: a workspace admin makes one; whoever opens it while signed in joins the
workspace as an approved member at once. Links expire and can be revoked; only a hash of the
secret is stored."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import MemberRole, MemberStatus, StudentInvite, Workspace, WorkspaceMember
from db.types import utcnow
from equeue_ui.errors import ConflictError, InvalidError, NotFoundError
from equeue_ui.events import InvitesChanged, MembershipChanged
from equeue_ui.i18n import msg
from equeue_ui.services import audit, permissions
from equeue_ui.services.accounts import hash_token
from equeue_ui.services.invite_links import INVITE_INVALID, InviteLinkView, find_working
from equeue_ui.services.uow import read_only, unit_of_work
from equeue_ui.services.views import UserView, WorkspaceView

# The lifetimes an admin chooses from, in days.
LIFETIME_DAYS = (1, 7, 30)
ALREADY_MEMBER = msg("You are already a member of this workspace.")


@dataclass(frozen=True)
class StudentInviteView(InviteLinkView):
    workspace_id: int


@dataclass(frozen=True)
class NewStudentInvite:
    invite: StudentInviteView
    token: str  # shown once, when made; only its hash is stored


async def create_invite(workspace_id: int, *, actor: UserView, days: int = 7) -> NewStudentInvite:
    """A new student invite for the workspace, valid ``days`` (1, 7 or 30); its admins only.
    Emits ``InvitesChanged``."""
    if days not in LIFETIME_DAYS:
        raise InvalidError(msg("Choose how long the link works: 1, 7 or 30 days."))
    token = secrets.token_urlsafe(24)
    async with unit_of_work() as uow:
        user = await permissions.load_actor(uow.session, actor)
        workspace = await permissions.ensure_workspace_admin(uow.session, user, workspace_id)
        now = utcnow()
        invite = StudentInvite(
            workspace_id=workspace.id,
            token_hash=hash_token(token),
            created_by_id=user.id,
            created_at=now,
            expires_at=now + timedelta(days=days),
        )
        uow.session.add(invite)
        await uow.session.flush()
        audit.record(
            uow.session, user, "workspace.student_invite.create", workspace.name, days=days
        )
        uow.emit(InvitesChanged(workspace.id, None))
        return NewStudentInvite(_view(invite), token)


async def list_invites(workspace_id: int, *, actor: UserView) -> list[StudentInviteView]:
    """The workspace's links that still work, newest first; its admins only."""
    async with read_only() as session:
        user = await permissions.load_actor(session, actor)
        await permissions.ensure_workspace_admin(session, user, workspace_id)
        rows = await session.scalars(
            select(StudentInvite)
            .where(
                StudentInvite.workspace_id == workspace_id,
                StudentInvite.revoked_at.is_(None),
                StudentInvite.expires_at > utcnow(),
            )
            .order_by(StudentInvite.created_at.desc(), StudentInvite.id.desc())
        )
        return [_view(invite) for invite in rows]


async def revoke_invite(invite_id: int, *, actor: UserView) -> None:
    """The link stops working at once; the workspace's admins only. Emits ``InvitesChanged``."""
    async with unit_of_work() as uow:
        user = await permissions.load_actor(uow.session, actor)
        invite = await uow.session.get(StudentInvite, invite_id)
        if invite is None:
            raise NotFoundError(INVITE_INVALID)
        workspace = await permissions.ensure_workspace_admin(uow.session, user, invite.workspace_id)
        if invite.revoked_at is None:
            invite.revoked_at = utcnow()
            audit.record(uow.session, user, "workspace.student_invite.revoke", workspace.name)
            uow.emit(InvitesChanged(workspace.id, None))


async def invite_workspace(token: str, *, actor: UserView) -> WorkspaceView:
    """The workspace a link invites to, with the actor's role and status in it (to show before
    joining); refused when the link is not valid."""
    async with read_only() as session:
        user = await permissions.load_actor(session, actor)
        _, workspace = await _valid(session, token)
        member = await permissions.membership(session, user.id, workspace.id)
        return WorkspaceView.of(
            workspace, member.role if member else None, member.status if member else None
        )


async def accept_invite(token: str, *, actor: UserView) -> WorkspaceView:
    """Join the workspace as an approved member, whatever one's group; refused to members.

    SPEC §2 lets join requests come only from the workspace's group "or through an invite link
    made by an admin": the admin who sent the link vouches for whoever opens it, so the group
    check does not apply, and neither does an earlier pending request or rejection — the link is
    the admin's newer decision. Emits ``MembershipChanged``.
    """
    async with unit_of_work(conflict=ALREADY_MEMBER) as uow:
        user = await permissions.load_actor(uow.session, actor)
        _, workspace = await _valid(uow.session, token)
        member = await permissions.membership(uow.session, user.id, workspace.id)
        if member is not None and member.status is MemberStatus.APPROVED:
            raise ConflictError(ALREADY_MEMBER)
        if member is None:
            member = WorkspaceMember(
                workspace_id=workspace.id,
                user_id=user.id,
                role=MemberRole.MEMBER,
                status=MemberStatus.APPROVED,
                joined_at=utcnow(),
            )
            uow.session.add(member)
        else:
            member.status = MemberStatus.APPROVED
            member.joined_at = utcnow()
        audit.record(uow.session, user, "workspace.student_invite.accept", workspace.name)
        uow.emit(MembershipChanged(workspace.id, user.id))
        return WorkspaceView.of(workspace, member.role, member.status)


async def _valid(session: AsyncSession, token: str) -> tuple[StudentInvite, Workspace]:
    invite = await find_working(session, StudentInvite, token)
    return invite, await permissions.get_workspace(session, invite.workspace_id)


def _view(invite: StudentInvite) -> StudentInviteView:
    return StudentInviteView(
        id=invite.id,
        workspace_id=invite.workspace_id,
        created_at=invite.created_at,
        expires_at=invite.expires_at,
        revoked=invite.revoked_at is not None,
    )
