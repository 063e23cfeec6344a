"""The count of waiting join requests a workspace admin sees on the start and workspace pages."""

from __future__ import annotations

import pytest

from equeue_ui.runtime import Runtime
from equeue_ui.services import workspaces
from tests.services import factories
from tests.services.factories import World


@pytest.fixture
async def world(rt: Runtime) -> World:
    return await factories.make_world(rt)


async def test_an_admin_sees_how_many_requests_wait_in_each_workspace_they_run(
    rt: Runtime, world: World
) -> None:
    group = await factories.make_group(rt, "КИ21-16/1Б")
    leader = await factories.make_user(rt, "leader", group=group)
    other = await factories.make_workspace(rt, group, leader)
    for name in ("one", "two"):
        student = await factories.make_user(rt, name, group=group)
        await workspaces.request_to_join(other, actor=student)

    assert await workspaces.pending_request_counts(actor=world.admin) == {world.workspace_id: 1}
    assert await workspaces.pending_request_counts(actor=leader) == {other: 2}
    assert await workspaces.pending_request_counts(actor=world.site_admin) == {
        world.workspace_id: 1,
        other: 2,
    }
    assert await workspaces.pending_request_counts(
        actor=world.site_admin, workspace_ids=[other]
    ) == {other: 2}


async def test_members_and_outsiders_see_no_counts(world: World) -> None:
    for who in (world.member, world.pending, world.outsider, world.teacher):
        assert await workspaces.pending_request_counts(actor=who) == {}


async def test_an_approved_request_is_no_longer_counted(world: World) -> None:
    await workspaces.approve(world.workspace_id, world.pending.id, actor=world.admin)

    assert await workspaces.pending_request_counts(actor=world.admin) == {}
