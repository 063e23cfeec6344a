"""Workspaces of a group and their membership: requests, approval, roles, leaving."""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import MemberRole, MemberStatus, User, Workspace, WorkspaceMember
from db.types import utcnow
from equeue_ui.errors import ConflictError, ForbiddenError, InvalidError, NotFoundError
from equeue_ui.events import MembershipChanged, WorkspaceChanged
from equeue_ui.i18n import msg
from equeue_ui.services import audit, permissions, queues
from equeue_ui.services.uow import UnitOfWork, read_only, unit_of_work
from equeue_ui.services.validation import clean_name
from equeue_ui.services.views import MemberView, UserView, WorkspaceView

NAME_TAKEN = msg("Your group already has a workspace with this name.")
LAST_ADMIN = msg("The last admin cannot leave or step down: make another member an admin first.")


async def create_workspace(name: str, *, actor: UserView) -> WorkspaceView:
    """Create a workspace for the actor's own group; the creator becomes its first admin."""
    clean = clean_name(name)
    async with unit_of_work(conflict=NAME_TAKEN) as uow:
        user = await permissions.load_actor(uow.session, actor)
        if user.group_id is None:
            raise InvalidError(msg("Choose your group before creating a workspace."))
        taken = await uow.session.scalar(
            select(Workspace.id).where(Workspace.group_id == user.group_id, Workspace.name == clean)
        )
        if taken is not None:
            raise ConflictError(NAME_TAKEN)
        workspace = Workspace(group_id=user.group_id, name=clean)
        uow.session.add(workspace)
        await uow.session.flush()
        uow.session.add(
            WorkspaceMember(
                workspace_id=workspace.id,
                user_id=user.id,
                role=MemberRole.ADMIN,
                status=MemberStatus.APPROVED,
                joined_at=utcnow(),
            )
        )
        uow.emit(WorkspaceChanged(workspace.id))
        return WorkspaceView.of(workspace, MemberRole.ADMIN, MemberStatus.APPROVED)


async def list_group_workspaces(*, actor: UserView) -> list[WorkspaceView]:
    """The workspaces of the actor's group, each with the actor's own role and status."""
    async with read_only() as session:
        user = await permissions.load_actor(session, actor)
        if user.group_id is None:
            return []
        return await _workspaces_with_membership(
            session, user.id, Workspace.group_id == user.group_id
        )


async def list_my_workspaces(*, actor: UserView) -> list[WorkspaceView]:
    """Every workspace the actor has an approved membership in, whatever the group."""
    async with read_only() as session:
        user = await permissions.load_actor(session, actor)
        mine = select(WorkspaceMember.workspace_id).where(
            WorkspaceMember.user_id == user.id,
            WorkspaceMember.status == MemberStatus.APPROVED,
        )
        return await _workspaces_with_membership(session, user.id, Workspace.id.in_(mine))


async def pending_request_counts(
    *, actor: UserView, workspace_ids: Collection[int] | None = None
) -> dict[int, int]:
    """How many join requests wait in each workspace the actor administers (any, for a site
    admin), limited to ``workspace_ids`` if given; workspaces with none are left out. One
    query, whatever the number of workspaces."""
    async with read_only() as session:
        user = await permissions.load_actor(session, actor)
        statement = (
            select(WorkspaceMember.workspace_id, func.count())
            .where(WorkspaceMember.status == MemberStatus.PENDING)
            .group_by(WorkspaceMember.workspace_id)
        )
        if not user.is_site_admin:
            administered = select(WorkspaceMember.workspace_id).where(
                WorkspaceMember.user_id == user.id,
                WorkspaceMember.role == MemberRole.ADMIN,
                WorkspaceMember.status == MemberStatus.APPROVED,
            )
            statement = statement.where(WorkspaceMember.workspace_id.in_(administered))
        if workspace_ids is not None:
            statement = statement.where(WorkspaceMember.workspace_id.in_(list(workspace_ids)))
        rows = await session.execute(statement)
        return {workspace_id: count for workspace_id, count in rows.all()}


async def get_workspace(workspace_id: int, *, actor: UserView) -> WorkspaceView:
    """The workspace, for its approved members and site admins only."""
    async with read_only() as session:
        user = await permissions.load_actor(session, actor)
        workspace = await permissions.ensure_workspace_member(session, user, workspace_id)
        member = await permissions.membership(session, user.id, workspace_id)
        return WorkspaceView.of(
            workspace, member.role if member else None, member.status if member else None
        )


async def my_membership(workspace_id: int, *, actor: UserView) -> WorkspaceView:
    """The workspace's name and the actor's status in it, shown to anyone of its group."""
    async with read_only() as session:
        user = await permissions.load_actor(session, actor)
        workspace = await permissions.get_workspace(session, workspace_id)
        member = await permissions.membership(session, user.id, workspace_id)
        if member is None and workspace.group_id != user.group_id and not user.is_site_admin:
            raise ForbiddenError(permissions.NOT_A_MEMBER)
        return WorkspaceView.of(
            workspace, member.role if member else None, member.status if member else None
        )


async def request_to_join(workspace_id: int, *, actor: UserView) -> WorkspaceView:
    """Ask to join a workspace of one's own group; an admin approves or rejects."""
    async with unit_of_work(conflict=msg("You have already asked to join.")) as uow:
        user = await permissions.load_actor(uow.session, actor)
        workspace = await permissions.get_workspace(uow.session, workspace_id)
        if workspace.group_id != user.group_id:
            raise ForbiddenError(msg("Only students of this workspace's group can ask to join."))
        member = await permissions.membership(uow.session, user.id, workspace_id)
        if member is None:
            member = WorkspaceMember(
                workspace_id=workspace_id,
                user_id=user.id,
                role=MemberRole.MEMBER,
                status=MemberStatus.PENDING,
                joined_at=utcnow(),
            )
            uow.session.add(member)
        elif member.status is MemberStatus.REJECTED:
            member.status = MemberStatus.PENDING
        else:
            raise ConflictError(msg("You have already asked to join."))
        uow.emit(MembershipChanged(workspace_id, user.id))
        return WorkspaceView.of(workspace, member.role, member.status)


async def list_members(
    workspace_id: int,
    *,
    actor: UserView,
    statuses: tuple[MemberStatus, ...] = (MemberStatus.APPROVED,),
) -> list[MemberView]:
    """Members in the given statuses; only admins see pending and rejected ones."""
    async with read_only() as session:
        user = await permissions.load_actor(session, actor)
        if statuses != (MemberStatus.APPROVED,):
            await permissions.ensure_workspace_admin(session, user, workspace_id)
        else:
            await permissions.ensure_workspace_member(session, user, workspace_id)
        rows = await session.execute(
            select(WorkspaceMember, User)
            .join(User, User.id == WorkspaceMember.user_id)
            .where(
                WorkspaceMember.workspace_id == workspace_id, WorkspaceMember.status.in_(statuses)
            )
            .order_by(User.last_name, User.first_name, User.username)
        )
        return [
            MemberView(
                UserView.of(member_user), workspace_id, member.role, member.status, member.joined_at
            )
            for member, member_user in rows.all()
        ]


async def approve(workspace_id: int, user_id: int, *, actor: UserView) -> None:
    await _decide(workspace_id, user_id, MemberStatus.APPROVED, actor=actor)


async def reject(workspace_id: int, user_id: int, *, actor: UserView) -> None:
    await _decide(workspace_id, user_id, MemberStatus.REJECTED, actor=actor)


async def promote(workspace_id: int, user_id: int, *, actor: UserView) -> None:
    """Make an approved member an admin. Audited; emits ``MembershipChanged``."""
    async with unit_of_work() as uow:
        member = await _admin_target(uow, workspace_id, user_id, actor)
        if member.status is not MemberStatus.APPROVED:
            raise ConflictError(msg("Only approved members can become admins."))
        member.role = MemberRole.ADMIN
        await _audit(uow, "workspace.member.promote", member, actor)
        uow.emit(MembershipChanged(workspace_id, user_id))


async def demote(workspace_id: int, user_id: int, *, actor: UserView) -> None:
    """Take admin rights away; refused for the last admin. Audited; emits ``MembershipChanged``."""
    async with unit_of_work() as uow:
        member = await _admin_target(uow, workspace_id, user_id, actor)
        if member.role is MemberRole.ADMIN:
            await _ensure_not_last_admin(uow.session, workspace_id)
        member.role = MemberRole.MEMBER
        await _audit(uow, "workspace.member.demote", member, actor)
        uow.emit(MembershipChanged(workspace_id, user_id))


async def remove_member(workspace_id: int, user_id: int, *, actor: UserView) -> None:
    """Remove a member: their queue places go (others move up), their submissions stay.
    Refused for the last admin. Audited; emits ``MembershipChanged``."""
    async with unit_of_work() as uow:
        member = await _admin_target(uow, workspace_id, user_id, actor)
        await _audit(uow, "workspace.member.remove", member, actor)
        await _drop_member(uow, member, actor_id=actor.id)


async def leave(workspace_id: int, *, actor: UserView) -> None:
    """Leave a workspace; the last admin must hand over first."""
    async with unit_of_work() as uow:
        await permissions.load_actor(uow.session, actor)
        member = await permissions.membership(uow.session, actor.id, workspace_id)
        if member is None:
            raise NotFoundError(msg("You are not a member of this workspace."))
        await _drop_member(uow, member, actor_id=actor.id)


async def rename_workspace(workspace_id: int, name: str, *, actor: UserView) -> WorkspaceView:
    """Rename; its admins only, refused when the group has a workspace of that name. Audited;
    emits ``WorkspaceChanged``."""
    clean = clean_name(name)
    async with unit_of_work(conflict=NAME_TAKEN) as uow:
        user = await permissions.load_actor(uow.session, actor)
        workspace = await permissions.ensure_workspace_admin(uow.session, user, workspace_id)
        taken = await uow.session.scalar(
            select(Workspace.id).where(
                Workspace.group_id == workspace.group_id,
                Workspace.name == clean,
                Workspace.id != workspace_id,
            )
        )
        if taken is not None:
            raise ConflictError(NAME_TAKEN)
        audit.record(uow.session, user, "workspace.rename", clean, old_name=workspace.name)
        workspace.name = clean
        uow.emit(WorkspaceChanged(workspace_id))
        return WorkspaceView.of(workspace)


async def delete_workspace(workspace_id: int, *, actor: UserView) -> None:
    """Delete the workspace with everything in it; always possible for its admins. Audited;
    emits ``WorkspaceChanged``."""
    async with unit_of_work() as uow:
        user = await permissions.load_actor(uow.session, actor)
        workspace = await permissions.ensure_workspace_admin(uow.session, user, workspace_id)
        audit.record(uow.session, user, "workspace.delete", workspace.name, id=workspace_id)
        await uow.session.delete(workspace)
        uow.emit(WorkspaceChanged(workspace_id))


# --- helpers ----------------------------------------------------------------------------------


async def _workspaces_with_membership(
    session: AsyncSession, user_id: int, condition: object
) -> list[WorkspaceView]:
    rows = await session.execute(
        select(Workspace, WorkspaceMember.role, WorkspaceMember.status)
        .outerjoin(
            WorkspaceMember,
            (WorkspaceMember.workspace_id == Workspace.id) & (WorkspaceMember.user_id == user_id),
        )
        .where(condition)  # type: ignore[arg-type]
        .order_by(Workspace.name)
    )
    return [WorkspaceView.of(w, role, status) for w, role, status in rows.all()]


async def _decide(
    workspace_id: int, user_id: int, status: MemberStatus, *, actor: UserView
) -> None:
    async with unit_of_work() as uow:
        member = await _admin_target(uow, workspace_id, user_id, actor)
        if member.status is MemberStatus.APPROVED and status is MemberStatus.REJECTED:
            raise ConflictError(msg("An approved member is removed, not rejected."))
        member.status = status
        await _audit(uow, f"workspace.member.{status.value}", member, actor)
        uow.emit(MembershipChanged(workspace_id, user_id))


async def _admin_target(
    uow: UnitOfWork, workspace_id: int, user_id: int, actor: UserView
) -> WorkspaceMember:
    user = await permissions.load_actor(uow.session, actor)
    await permissions.ensure_workspace_admin(uow.session, user, workspace_id)
    member = await permissions.membership(uow.session, user_id, workspace_id)
    if member is None:
        raise NotFoundError(msg("This person is not a member of the workspace."))
    return member


async def _audit(uow: UnitOfWork, action: str, member: WorkspaceMember, actor: UserView) -> None:
    """An audit entry naming the workspace and the member acted on (both already loaded)."""
    admin = await permissions.load_actor(uow.session, actor)
    workspace = await permissions.get_workspace(uow.session, member.workspace_id)
    target = await uow.session.get(User, member.user_id)
    username = target.username if target else str(member.user_id)
    audit.record(uow.session, admin, action, f"{workspace.name}: {username}")


async def _ensure_not_last_admin(session: AsyncSession, workspace_id: int) -> None:
    # Two admins stepping down at once must not each count the other as still there: on
    # PostgreSQL the workspace row lock serialises these checks (SQLite has one writer anyway).
    await session.execute(
        select(Workspace.id).where(Workspace.id == workspace_id).with_for_update()
    )
    admins = await session.scalar(
        select(func.count())
        .select_from(WorkspaceMember)
        .where(
            WorkspaceMember.workspace_id == workspace_id,
            WorkspaceMember.role == MemberRole.ADMIN,
            WorkspaceMember.status == MemberStatus.APPROVED,
        )
    )
    if (admins or 0) <= 1:
        raise ConflictError(LAST_ADMIN)


async def _drop_member(uow: UnitOfWork, member: WorkspaceMember, *, actor_id: int) -> None:
    if member.role is MemberRole.ADMIN and member.status is MemberStatus.APPROVED:
        await _ensure_not_last_admin(uow.session, member.workspace_id)
    await queues.remove_user_entries(uow, member.user_id, member.workspace_id, actor_id=actor_id)
    await uow.session.delete(member)
    uow.emit(MembershipChanged(member.workspace_id, member.user_id))
