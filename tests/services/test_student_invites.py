"""Student invite links (SPEC §2, issue 6): a workspace admin makes a link; whoever opens it
signed in becomes an approved member at once, whatever their group. Links expire and can be
revoked; only a hash of the secret is kept; every change is audited and announced."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select, update

from db.models import AuditLog, MemberStatus, StudentInvite, WorkspaceMember
from db.types import utcnow
from equeue_ui.errors import ConflictError, ForbiddenError, InvalidError, NotFoundError
from equeue_ui.events import InvitesChanged, MembershipChanged
from equeue_ui.runtime import Runtime
from equeue_ui.services import student_invites, workspaces
from equeue_ui.services.views import GroupView, UserView
from tests.services import factories
from tests.services.factories import World


@pytest.fixture
async def world(rt: Runtime) -> World:
    return await factories.make_world(rt)


def record(rt: Runtime, *types: type) -> list[Any]:
    seen: list[Any] = []
    for event_type in types:
        rt.bus.subscribe(event_type, seen.append)
    return seen


async def stored(rt: Runtime) -> list[StudentInvite]:
    async with rt.db.read_session() as session:
        return list(await session.scalars(select(StudentInvite).order_by(StudentInvite.id)))


async def status_of(rt: Runtime, workspace_id: int, user: UserView) -> MemberStatus | None:
    async with rt.db.read_session() as session:
        return await session.scalar(
            select(WorkspaceMember.status).where(
                WorkspaceMember.workspace_id == workspace_id, WorkspaceMember.user_id == user.id
            )
        )


async def audit_actions(rt: Runtime) -> list[str]:
    async with rt.db.read_session() as session:
        return list(await session.scalars(select(AuditLog.action).order_by(AuditLog.id)))


async def expire(rt: Runtime, invite_id: int) -> None:
    async with rt.db.write_session() as session:
        await session.execute(
            update(StudentInvite)
            .where(StudentInvite.id == invite_id)
            .values(expires_at=utcnow() - timedelta(seconds=1))
        )
        await session.commit()


@pytest.mark.parametrize("role", ["admin", "site_admin"])
async def test_admins_create_list_and_revoke_student_invites(
    rt: Runtime, world: World, role: str
) -> None:
    actor = world.by_role(role)
    seen = record(rt, InvitesChanged)
    made = await student_invites.create_invite(world.workspace_id, actor=actor, days=30)
    assert made.invite.active
    assert timedelta(days=29, hours=23) < made.invite.expires_at - utcnow() <= timedelta(days=30)
    assert await student_invites.list_invites(world.workspace_id, actor=actor) == [made.invite]

    await student_invites.revoke_invite(made.invite.id, actor=actor)
    assert await student_invites.list_invites(world.workspace_id, actor=actor) == []
    assert seen == [InvitesChanged(world.workspace_id, None)] * 2
    assert await audit_actions(rt) == [
        "workspace.student_invite.create",
        "workspace.student_invite.revoke",
    ]


async def test_only_a_hash_of_the_token_is_stored(rt: Runtime, world: World) -> None:
    made = await student_invites.create_invite(world.workspace_id, actor=world.admin)
    [row] = await stored(rt)
    assert row.token_hash == hashlib.sha256(made.token.encode()).hexdigest()
    assert made.token not in row.token_hash


@pytest.mark.parametrize("days", [0, 2, 31, -1])
async def test_a_lifetime_outside_the_choices_is_refused(
    rt: Runtime, world: World, days: int
) -> None:
    with pytest.raises(InvalidError):
        await student_invites.create_invite(world.workspace_id, actor=world.admin, days=days)
    assert await stored(rt) == []


@pytest.mark.parametrize("role", ["member", "pending", "rejected", "outsider", "teacher"])
async def test_nobody_but_admins_manages_student_invites(
    rt: Runtime, world: World, role: str
) -> None:
    actor = world.by_role(role)
    made = await student_invites.create_invite(world.workspace_id, actor=world.admin)
    with pytest.raises(ForbiddenError):
        await student_invites.create_invite(world.workspace_id, actor=actor)
    with pytest.raises(ForbiddenError):
        await student_invites.list_invites(world.workspace_id, actor=actor)
    with pytest.raises(ForbiddenError):
        await student_invites.revoke_invite(made.invite.id, actor=actor)
    [row] = await stored(rt)
    assert row.revoked_at is None


async def test_an_admin_of_another_workspace_cannot_manage_this_ones_invites(
    rt: Runtime, world: World
) -> None:
    outsider = world.outsider
    assert outsider.group_id is not None
    await factories.make_workspace(rt, GroupView(id=outsider.group_id, name=""), outsider, "Other")
    made = await student_invites.create_invite(world.workspace_id, actor=world.admin)
    with pytest.raises(ForbiddenError):
        await student_invites.create_invite(world.workspace_id, actor=outsider)
    with pytest.raises(ForbiddenError):
        await student_invites.revoke_invite(made.invite.id, actor=outsider)


async def test_a_user_of_the_group_joins_approved_at_once(rt: Runtime, world: World) -> None:
    newcomer = await factories.make_user(
        rt, "newcomer", group=GroupView(id=world.member.group_id or 0, name="")
    )
    made = await student_invites.create_invite(world.workspace_id, actor=world.admin)
    seen = record(rt, MembershipChanged)

    preview = await student_invites.invite_workspace(made.token, actor=newcomer)
    assert preview.id == world.workspace_id and preview.my_status is None
    joined = await student_invites.accept_invite(made.token, actor=newcomer)

    assert joined.my_status is MemberStatus.APPROVED and not joined.is_admin
    assert await status_of(rt, world.workspace_id, newcomer) is MemberStatus.APPROVED
    assert seen == [MembershipChanged(world.workspace_id, newcomer.id)]
    assert "workspace.student_invite.accept" in await audit_actions(rt)
    # Now a member: sees the workspace.
    assert (await workspaces.get_workspace(world.workspace_id, actor=newcomer)).name


async def test_a_user_of_another_group_joins_through_the_link(rt: Runtime, world: World) -> None:
    made = await student_invites.create_invite(world.workspace_id, actor=world.admin)
    await student_invites.accept_invite(made.token, actor=world.outsider)
    assert await status_of(rt, world.workspace_id, world.outsider) is MemberStatus.APPROVED


@pytest.mark.parametrize("role", ["pending", "rejected"])
async def test_a_pending_or_rejected_user_is_approved_by_the_link(
    rt: Runtime, world: World, role: str
) -> None:
    made = await student_invites.create_invite(world.workspace_id, actor=world.admin)
    await student_invites.accept_invite(made.token, actor=world.by_role(role))
    assert await status_of(rt, world.workspace_id, world.by_role(role)) is MemberStatus.APPROVED


@pytest.mark.parametrize("role", ["member", "admin"])
async def test_a_member_is_told_they_already_are_one(rt: Runtime, world: World, role: str) -> None:
    made = await student_invites.create_invite(world.workspace_id, actor=world.admin)
    seen = record(rt, MembershipChanged)
    with pytest.raises(ConflictError) as refused:
        await student_invites.accept_invite(made.token, actor=world.by_role(role))
    assert refused.value.message == student_invites.ALREADY_MEMBER
    assert seen == []
    if role == "admin":  # an admin opening their own link keeps their role
        members = await workspaces.list_members(world.workspace_id, actor=world.admin)
        assert [m.user.id for m in members if m.role.value == "admin"] == [world.admin.id]


async def test_expired_revoked_and_unknown_links_are_refused(rt: Runtime, world: World) -> None:
    expired = await student_invites.create_invite(world.workspace_id, actor=world.admin)
    revoked = await student_invites.create_invite(world.workspace_id, actor=world.admin)
    await expire(rt, expired.invite.id)
    await student_invites.revoke_invite(revoked.invite.id, actor=world.admin)

    for token in (expired.token, revoked.token, "no-such-token"):
        with pytest.raises(NotFoundError) as refused:
            await student_invites.accept_invite(token, actor=world.outsider)
        assert refused.value.message == student_invites.INVITE_INVALID
        with pytest.raises(NotFoundError):
            await student_invites.invite_workspace(token, actor=world.outsider)
    assert await status_of(rt, world.workspace_id, world.outsider) is None
    assert await student_invites.list_invites(world.workspace_id, actor=world.admin) == []


async def test_a_blocked_user_cannot_accept(rt: Runtime, world: World) -> None:
    blocked = await factories.make_user(rt, "blocked", blocked=True)
    made = await student_invites.create_invite(world.workspace_id, actor=world.admin)
    with pytest.raises(ForbiddenError):
        await student_invites.accept_invite(made.token, actor=blocked)
    assert await status_of(rt, world.workspace_id, blocked) is None


async def test_deleting_the_workspace_takes_its_invites(rt: Runtime, world: World) -> None:
    made = await student_invites.create_invite(world.workspace_id, actor=world.admin)
    await workspaces.delete_workspace(world.workspace_id, actor=world.admin)
    assert await stored(rt) == []
    with pytest.raises(NotFoundError):
        await student_invites.accept_invite(made.token, actor=world.outsider)
