"""Every workspace admin action is audited (issue 6, point 4): an entry naming the actor, the
action and its target is written in the same transaction, and a refused action writes none."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from db.models import AuditLog
from equeue_ui.errors import ConflictError, ForbiddenError
from equeue_ui.runtime import Runtime
from equeue_ui.services import boards, queues, subjects, tasks, teaching, workspaces
from tests.services import factories
from tests.services.factories import World


@pytest.fixture
async def world(rt: Runtime) -> World:
    return await factories.make_world(rt)


async def entries(rt: Runtime) -> list[tuple[int | None, str, str]]:
    async with rt.db.read_session() as session:
        rows = await session.scalars(select(AuditLog).order_by(AuditLog.id))
        return [(row.actor_id, row.action, row.target) for row in rows]


async def test_membership_decisions_are_audited(rt: Runtime, world: World) -> None:
    ws, admin = world.workspace_id, world.admin
    await workspaces.approve(ws, world.pending.id, actor=admin)
    await workspaces.promote(ws, world.member.id, actor=admin)
    await workspaces.demote(ws, world.member.id, actor=admin)
    await workspaces.remove_member(ws, world.member.id, actor=admin)
    await workspaces.reject(ws, world.rejected.id, actor=admin)
    assert await entries(rt) == [
        (admin.id, "workspace.member.approved", "Workspace: pending"),
        (admin.id, "workspace.member.promote", "Workspace: member"),
        (admin.id, "workspace.member.demote", "Workspace: member"),
        (admin.id, "workspace.member.remove", "Workspace: member"),
        (admin.id, "workspace.member.rejected", "Workspace: rejected"),
    ]


async def test_refused_actions_leave_no_entry(rt: Runtime, world: World) -> None:
    with pytest.raises(ConflictError):
        await workspaces.demote(world.workspace_id, world.admin.id, actor=world.admin)
    with pytest.raises(ForbiddenError):
        await workspaces.rename_workspace(world.workspace_id, "Mine", actor=world.member)
    with pytest.raises(ForbiddenError):
        await workspaces.approve(world.workspace_id, world.pending.id, actor=world.member)
    assert await entries(rt) == []


async def test_workspace_subject_task_and_queue_changes_are_audited(
    rt: Runtime, world: World
) -> None:
    admin = world.admin
    await workspaces.rename_workspace(world.workspace_id, "Осень", actor=admin)
    subject = await subjects.create_subject(world.workspace_id, actor=admin, name="Алгоритмы")
    await subjects.update_subject(
        subject.id,
        actor=admin,
        name="Алгоритмы и СД",
        teacher_name="",
        teacher_contact="",
        requirements="",
    )
    first = await tasks.create_task(subject.id, actor=admin, name="Лаба 1")
    second = await tasks.create_task(subject.id, actor=admin, name="Лаба 2")
    await tasks.update_task(
        first.id, actor=admin, name="Лаба 1", url=None, due_at=datetime(2026, 12, 1, tzinfo=UTC)
    )
    await tasks.move_task(second.id, actor=admin, delta=-1)
    await tasks.reorder_tasks(subject.id, [first.id, second.id], actor=admin)
    await tasks.delete_task(second.id, actor=admin)
    assert subject.queue_id is not None
    await queues.update_settings(
        subject.queue_id, actor=admin, members_can_freeze=False, max_size=5
    )
    await boards.set_board_names(subject.id, False, actor=admin)
    made = await teaching.create_invite(subject.id, actor=admin)
    await teaching.revoke_invite(made.invite.id, actor=admin)
    await subjects.delete_subject(subject.id, actor=admin)
    await workspaces.delete_workspace(world.workspace_id, actor=admin)

    assert [action for _, action, _ in await entries(rt)] == [
        "workspace.rename",
        "subject.create",
        "subject.update",
        "task.create",
        "task.create",
        "task.update",
        "task.move",
        "task.reorder",
        "task.delete",
        "queue.settings",
        "subject.board_names",
        "subject.teacher_invite.create",
        "subject.teacher_invite.revoke",
        "subject.delete",
        "workspace.delete",
    ]
    assert {actor for actor, _, _ in await entries(rt)} == {admin.id}
