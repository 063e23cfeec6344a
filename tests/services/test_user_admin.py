"""Site administration of users: search, roles, blocking (sessions end at once), audit."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from db.models import AuditLog
from equeue_ui.errors import ConflictError, ForbiddenError
from equeue_ui.events import SessionsRevoked
from equeue_ui.runtime import Runtime
from equeue_ui.services import accounts
from tests.services.factories import make_world


async def test_site_admins_find_users_by_username_or_name(rt: Runtime) -> None:
    world = await make_world(rt)
    found = await accounts.search_users(world.member.username[:4], actor=world.site_admin)
    assert world.member.id in {row.user.id for row in found}


async def test_only_site_admins_search_grant_or_block(rt: Runtime) -> None:
    world = await make_world(rt)
    for action in (
        accounts.search_users("", actor=world.admin),
        accounts.set_roles(world.member.id, actor=world.admin, teacher=True),
        accounts.set_blocked(world.member.id, True, actor=world.admin),
    ):
        with pytest.raises(ForbiddenError):
            await action


async def test_blocking_ends_the_users_sessions_at_once_and_is_audited(rt: Runtime) -> None:
    world = await make_world(rt)
    await accounts.create_admin(world.member.username, "long-enough-1")
    await accounts.set_roles(world.member.id, actor=world.site_admin, site_admin=False)
    signed_in = await accounts.redeem_ticket(
        await accounts.issue_ticket(world.member.id, binding="a-browser"), binding="a-browser"
    )
    revoked: list[SessionsRevoked] = []
    rt.bus.subscribe(SessionsRevoked, revoked.append)

    await accounts.set_blocked(world.member.id, True, actor=world.site_admin)

    assert await accounts.user_for_session(signed_in.token) is None
    assert revoked == [SessionsRevoked(world.member.id)]
    async with rt.db.read_session() as session:
        actions = list(await session.scalars(select(AuditLog.action).order_by(AuditLog.id)))
    assert actions[-1] == "user.block"


async def test_a_site_admin_cannot_block_themselves(rt: Runtime) -> None:
    world = await make_world(rt)
    with pytest.raises(ConflictError):
        await accounts.set_blocked(world.site_admin.id, True, actor=world.site_admin)
