"""Workspaces and their membership (SPEC §2): who creates, joins, sees and administers them."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from sqlalchemy import func, select

from db.models import (
    EntryStatus,
    MemberRole,
    MemberStatus,
    Queue,
    QueueEntry,
    QueueEvent,
    QueueEventKind,
    QueueState,
    Subject,
    Submission,
    Task,
    Workspace,
    WorkspaceMember,
)
from equeue_ui.errors import ConflictError, ForbiddenError, InvalidError, NotFoundError
from equeue_ui.events import MembershipChanged, WorkspaceChanged
from equeue_ui.runtime import Runtime
from equeue_ui.services import workspaces
from equeue_ui.services.views import GroupView, UserView
from tests.services import factories
from tests.services.factories import World

GROUP_NAME = "КИ21-16/2Б"  # the group factories.make_world puts its workspace in
NOT_MEMBERS = ["pending", "rejected", "outsider", "teacher"]


@pytest.fixture
async def world(rt: Runtime) -> World:
    return await factories.make_world(rt)


@pytest.fixture
def events(rt: Runtime) -> list[Any]:
    """Every MembershipChanged and WorkspaceChanged published during the test."""
    seen: list[Any] = []
    rt.bus.subscribe(MembershipChanged, seen.append)
    rt.bus.subscribe(WorkspaceChanged, seen.append)
    return seen


# --- builders ---------------------------------------------------------------------------------


def group_of(world: World) -> GroupView:
    assert world.admin.group_id is not None
    return GroupView(world.admin.group_id, GROUP_NAME)


async def classmate(rt: Runtime, world: World, username: str = "newbie") -> UserView:
    """A student of the workspace's group who has not asked to join."""
    return await factories.make_user(rt, username, group=group_of(world))


async def second_workspace(rt: Runtime, world: World) -> tuple[int, UserView]:
    """Another workspace of the same group, with its own admin."""
    other_admin = await classmate(rt, world, "other_admin")
    workspace_id = await factories.make_workspace(rt, group_of(world), other_admin, "Second")
    return workspace_id, other_admin


async def workspace_count(rt: Runtime) -> int:
    async with rt.db.read_session() as session:
        return await session.scalar(select(func.count()).select_from(Workspace)) or 0


async def stored_membership(
    rt: Runtime, workspace_id: int, user: UserView
) -> WorkspaceMember | None:
    async with rt.db.read_session() as session:
        return await session.scalar(
            select(WorkspaceMember).where(
                WorkspaceMember.workspace_id == workspace_id, WorkspaceMember.user_id == user.id
            )
        )


async def role_and_status(
    rt: Runtime, workspace_id: int, user: UserView
) -> tuple[MemberRole, MemberStatus] | None:
    member = await stored_membership(rt, workspace_id, user)
    return None if member is None else (member.role, member.status)


async def subject_with_task(rt: Runtime, workspace_id: int) -> tuple[int, int]:
    """A subject with one task and an open queue; returns (queue id, task id)."""
    async with rt.db.write_session() as session:
        subject = Subject(workspace_id=workspace_id, name="Algebra")
        session.add(subject)
        await session.flush()
        task = Task(subject_id=subject.id, name="Lab 1", order_index=0)
        queue = Queue(subject_id=subject.id, state=QueueState.OPEN, version=0, next_seq=1)
        session.add_all([task, queue])
        await session.commit()
        return queue.id, task.id


async def put_in_queue(rt: Runtime, queue_id: int, *users: UserView) -> None:
    async with rt.db.write_session() as session:
        queue = await session.get(Queue, queue_id)
        assert queue is not None
        for user in users:
            session.add(
                QueueEntry(
                    queue_id=queue_id,
                    user_id=user.id,
                    status=EntryStatus.WAITING,
                    seq=queue.next_seq,
                )
            )
            queue.next_seq += 1
        await session.commit()


# --- creating ---------------------------------------------------------------------------------


async def test_a_student_creates_a_workspace_of_their_group_and_becomes_its_approved_admin(
    rt: Runtime, world: World, events: list[Any]
) -> None:
    student = await classmate(rt, world)

    created = await workspaces.create_workspace("  Lab   team ", actor=student)

    assert created.name == "Lab team"
    assert created.group_id == student.group_id
    assert created.is_admin
    assert await role_and_status(rt, created.id, student) == (
        MemberRole.ADMIN,
        MemberStatus.APPROVED,
    )
    assert await workspaces.get_workspace(created.id, actor=student) == created
    assert events == [WorkspaceChanged(created.id)]


async def test_creating_a_workspace_without_a_group_is_invalid_and_writes_nothing(
    rt: Runtime, world: World, events: list[Any]
) -> None:
    before = await workspace_count(rt)

    with pytest.raises(InvalidError):
        await workspaces.create_workspace("Lab team", actor=world.teacher)

    assert await workspace_count(rt) == before
    assert events == []


@pytest.mark.parametrize("name", ["", "   ", "\t\n", "x" * 256])
async def test_creating_a_workspace_with_an_empty_or_too_long_name_is_invalid_and_writes_nothing(
    rt: Runtime, world: World, events: list[Any], name: str
) -> None:
    before = await workspace_count(rt)

    with pytest.raises(InvalidError):
        await workspaces.create_workspace(name, actor=world.member)

    assert await workspace_count(rt) == before
    assert events == []


async def test_a_workspace_name_of_255_characters_is_accepted(world: World) -> None:
    created = await workspaces.create_workspace("x" * 255, actor=world.member)

    assert created.name == "x" * 255


async def test_a_name_taken_in_the_same_group_is_a_conflict_and_writes_nothing(
    rt: Runtime, world: World, events: list[Any]
) -> None:
    before = await workspace_count(rt)

    with pytest.raises(ConflictError):
        await workspaces.create_workspace(" Workspace ", actor=world.member)

    assert await workspace_count(rt) == before
    assert await workspaces.list_my_workspaces(actor=world.member) == [
        await workspaces.get_workspace(world.workspace_id, actor=world.member)
    ]
    assert events == []


async def test_the_same_name_in_another_group_is_fine(world: World) -> None:
    created = await workspaces.create_workspace("Workspace", actor=world.outsider)

    assert created.name == "Workspace"
    assert created.group_id == world.outsider.group_id


# --- joining ----------------------------------------------------------------------------------


async def test_a_classmate_asks_to_join_and_waits_for_approval(
    rt: Runtime, world: World, events: list[Any]
) -> None:
    student = await classmate(rt, world)

    view = await workspaces.request_to_join(world.workspace_id, actor=student)

    assert (view.my_role, view.my_status) == (MemberRole.MEMBER, MemberStatus.PENDING)
    assert events == [MembershipChanged(world.workspace_id, student.id)]
    pending = await workspaces.list_members(
        world.workspace_id, actor=world.admin, statuses=(MemberStatus.PENDING,)
    )
    assert {m.user.id for m in pending} == {world.pending.id, student.id}
    with pytest.raises(ForbiddenError):
        await workspaces.get_workspace(world.workspace_id, actor=student)


@pytest.mark.parametrize("role", ["outsider", "teacher"])
async def test_only_students_of_the_workspaces_group_may_ask_to_join(
    rt: Runtime, world: World, events: list[Any], role: str
) -> None:
    user = world.by_role(role)

    with pytest.raises(ForbiddenError):
        await workspaces.request_to_join(world.workspace_id, actor=user)

    assert await stored_membership(rt, world.workspace_id, user) is None
    assert events == []


@pytest.mark.parametrize("role", ["pending", "member", "admin"])
async def test_asking_again_while_pending_or_a_member_is_a_conflict(
    rt: Runtime, world: World, events: list[Any], role: str
) -> None:
    user = world.by_role(role)
    before = await role_and_status(rt, world.workspace_id, user)

    with pytest.raises(ConflictError):
        await workspaces.request_to_join(world.workspace_id, actor=user)

    assert await role_and_status(rt, world.workspace_id, user) == before
    assert events == []


async def test_asking_twice_is_a_conflict(rt: Runtime, world: World) -> None:
    student = await classmate(rt, world)
    await workspaces.request_to_join(world.workspace_id, actor=student)

    with pytest.raises(ConflictError):
        await workspaces.request_to_join(world.workspace_id, actor=student)


async def test_after_a_rejection_a_new_request_is_pending_again(rt: Runtime, world: World) -> None:
    view = await workspaces.request_to_join(world.workspace_id, actor=world.rejected)

    assert view.my_status is MemberStatus.PENDING
    assert await role_and_status(rt, world.workspace_id, world.rejected) == (
        MemberRole.MEMBER,
        MemberStatus.PENDING,
    )


async def test_asking_to_join_a_missing_workspace_is_not_found(world: World) -> None:
    with pytest.raises(NotFoundError):
        await workspaces.request_to_join(world.workspace_id + 1000, actor=world.member)


# --- deciding on requests ---------------------------------------------------------------------


@pytest.mark.parametrize("role", ["admin", "site_admin"])
async def test_an_admin_approves_a_request_and_the_member_then_sees_the_workspace(
    rt: Runtime, world: World, events: list[Any], role: str
) -> None:
    await workspaces.approve(world.workspace_id, world.pending.id, actor=world.by_role(role))

    assert await role_and_status(rt, world.workspace_id, world.pending) == (
        MemberRole.MEMBER,
        MemberStatus.APPROVED,
    )
    seen = await workspaces.get_workspace(world.workspace_id, actor=world.pending)
    assert seen.my_status is MemberStatus.APPROVED
    assert events == [MembershipChanged(world.workspace_id, world.pending.id)]


async def test_an_admin_rejects_a_request_and_the_student_still_sees_nothing(
    rt: Runtime, world: World, events: list[Any]
) -> None:
    await workspaces.reject(world.workspace_id, world.pending.id, actor=world.admin)

    assert await role_and_status(rt, world.workspace_id, world.pending) == (
        MemberRole.MEMBER,
        MemberStatus.REJECTED,
    )
    with pytest.raises(ForbiddenError):
        await workspaces.get_workspace(world.workspace_id, actor=world.pending)
    assert events == [MembershipChanged(world.workspace_id, world.pending.id)]


async def test_an_approved_member_is_removed_not_rejected(rt: Runtime, world: World) -> None:
    with pytest.raises(ConflictError):
        await workspaces.reject(world.workspace_id, world.member.id, actor=world.admin)

    assert await role_and_status(rt, world.workspace_id, world.member) == (
        MemberRole.MEMBER,
        MemberStatus.APPROVED,
    )


async def test_deciding_on_someone_who_never_asked_is_not_found(rt: Runtime, world: World) -> None:
    student = await classmate(rt, world)

    with pytest.raises(NotFoundError):
        await workspaces.approve(world.workspace_id, student.id, actor=world.admin)

    assert await stored_membership(rt, world.workspace_id, student) is None


# --- who may administer -----------------------------------------------------------------------

AdminAction = Callable[[int, int, UserView], Awaitable[None]]

ADMIN_ACTIONS: dict[str, tuple[AdminAction, str]] = {
    "approve": (lambda ws, uid, actor: workspaces.approve(ws, uid, actor=actor), "pending"),
    "reject": (lambda ws, uid, actor: workspaces.reject(ws, uid, actor=actor), "pending"),
    "promote": (lambda ws, uid, actor: workspaces.promote(ws, uid, actor=actor), "member"),
    "demote": (lambda ws, uid, actor: workspaces.demote(ws, uid, actor=actor), "admin"),
    "remove": (lambda ws, uid, actor: workspaces.remove_member(ws, uid, actor=actor), "member"),
}


@pytest.mark.parametrize(
    "role", ["member", "pending", "rejected", "outsider", "teacher", "admin_of_another_workspace"]
)
async def test_only_the_workspaces_admins_and_site_admins_administer_its_members(
    rt: Runtime, world: World, events: list[Any], role: str
) -> None:
    if role == "admin_of_another_workspace":
        _, actor = await second_workspace(rt, world)
    else:
        actor = world.by_role(role)
    everyone = [world.admin, world.member, world.pending, world.rejected]
    before = [await role_and_status(rt, world.workspace_id, user) for user in everyone]

    for action, (run, target_role) in ADMIN_ACTIONS.items():
        with pytest.raises(ForbiddenError):
            await run(world.workspace_id, world.by_role(target_role).id, actor)
            pytest.fail(f"{role} was allowed to {action}")

    assert [await role_and_status(rt, world.workspace_id, user) for user in everyone] == before
    assert events == []


async def test_an_admin_who_was_demoted_can_no_longer_administer(rt: Runtime, world: World) -> None:
    await workspaces.promote(world.workspace_id, world.member.id, actor=world.admin)
    await workspaces.demote(world.workspace_id, world.admin.id, actor=world.member)

    with pytest.raises(ForbiddenError):
        await workspaces.approve(world.workspace_id, world.pending.id, actor=world.admin)


async def test_a_blocked_admin_cannot_administer(rt: Runtime, world: World) -> None:
    group = group_of(world)
    blocked = await factories.make_user(rt, "blocked_admin", group=group, blocked=True)
    await factories.add_member(rt, world.workspace_id, blocked, role="admin")

    with pytest.raises(ForbiddenError):
        await workspaces.approve(world.workspace_id, world.pending.id, actor=blocked)


# --- admins -----------------------------------------------------------------------------------


async def test_an_admin_promotes_an_approved_member_to_admin(
    rt: Runtime, world: World, events: list[Any]
) -> None:
    await workspaces.promote(world.workspace_id, world.member.id, actor=world.admin)

    assert await role_and_status(rt, world.workspace_id, world.member) == (
        MemberRole.ADMIN,
        MemberStatus.APPROVED,
    )
    assert events == [MembershipChanged(world.workspace_id, world.member.id)]
    assert (await workspaces.get_workspace(world.workspace_id, actor=world.member)).is_admin


@pytest.mark.parametrize("role", ["pending", "rejected"])
async def test_only_approved_members_can_become_admins(
    rt: Runtime, world: World, role: str
) -> None:
    user = world.by_role(role)
    before = await role_and_status(rt, world.workspace_id, user)

    with pytest.raises(ConflictError):
        await workspaces.promote(world.workspace_id, user.id, actor=world.admin)

    assert await role_and_status(rt, world.workspace_id, user) == before


async def test_the_last_admin_can_neither_step_down_nor_leave(
    rt: Runtime, world: World, events: list[Any]
) -> None:
    with pytest.raises(ConflictError):
        await workspaces.demote(world.workspace_id, world.admin.id, actor=world.admin)
    with pytest.raises(ConflictError):
        await workspaces.leave(world.workspace_id, actor=world.admin)
    with pytest.raises(ConflictError):
        await workspaces.remove_member(world.workspace_id, world.admin.id, actor=world.admin)
    with pytest.raises(ConflictError):  # not even by a site admin
        await workspaces.demote(world.workspace_id, world.admin.id, actor=world.site_admin)

    assert await role_and_status(rt, world.workspace_id, world.admin) == (
        MemberRole.ADMIN,
        MemberStatus.APPROVED,
    )
    assert events == []


async def test_once_another_admin_exists_the_former_last_admin_may_step_down(
    rt: Runtime, world: World
) -> None:
    await workspaces.promote(world.workspace_id, world.member.id, actor=world.admin)

    await workspaces.demote(world.workspace_id, world.admin.id, actor=world.admin)

    assert await role_and_status(rt, world.workspace_id, world.admin) == (
        MemberRole.MEMBER,
        MemberStatus.APPROVED,
    )
    with pytest.raises(ConflictError):  # now the other one is the last admin
        await workspaces.demote(world.workspace_id, world.member.id, actor=world.member)


async def test_once_another_admin_exists_the_former_last_admin_may_leave(
    rt: Runtime, world: World, events: list[Any]
) -> None:
    await workspaces.promote(world.workspace_id, world.member.id, actor=world.admin)

    await workspaces.leave(world.workspace_id, actor=world.admin)

    assert await stored_membership(rt, world.workspace_id, world.admin) is None
    assert events[-1] == MembershipChanged(world.workspace_id, world.admin.id)
    with pytest.raises(ForbiddenError):
        await workspaces.get_workspace(world.workspace_id, actor=world.admin)


async def test_a_member_leaves_a_workspace(rt: Runtime, world: World) -> None:
    await workspaces.leave(world.workspace_id, actor=world.member)

    assert await stored_membership(rt, world.workspace_id, world.member) is None


async def test_leaving_a_workspace_one_is_not_in_is_not_found(world: World) -> None:
    with pytest.raises(NotFoundError):
        await workspaces.leave(world.workspace_id, actor=world.outsider)


# --- removing members -------------------------------------------------------------------------


async def test_removing_a_member_keeps_their_submissions_and_drops_their_queue_places(
    rt: Runtime, world: World, events: list[Any]
) -> None:
    queue_id, task_id = await subject_with_task(rt, world.workspace_id)
    await factories.add_submission(rt, world.member, task_id)
    await put_in_queue(rt, queue_id, world.member, world.admin)

    await workspaces.remove_member(world.workspace_id, world.member.id, actor=world.admin)

    assert await stored_membership(rt, world.workspace_id, world.member) is None
    async with rt.db.read_session() as session:
        submissions = await session.scalars(select(Submission.user_id))
        entries = await session.scalars(select(QueueEntry.user_id))
        removed = await session.scalars(
            select(QueueEvent.user_id).where(QueueEvent.kind == QueueEventKind.REMOVED)
        )
        assert list(submissions) == [world.member.id]
        assert list(entries) == [world.admin.id]
        assert list(removed) == [world.member.id]
    assert MembershipChanged(world.workspace_id, world.member.id) in events
    with pytest.raises(ForbiddenError):
        await workspaces.get_workspace(world.workspace_id, actor=world.member)


async def test_a_removed_member_may_ask_to_join_again(rt: Runtime, world: World) -> None:
    await workspaces.remove_member(world.workspace_id, world.member.id, actor=world.admin)

    view = await workspaces.request_to_join(world.workspace_id, actor=world.member)

    assert view.my_status is MemberStatus.PENDING


async def test_removing_someone_who_is_not_a_member_is_not_found(world: World) -> None:
    with pytest.raises(NotFoundError):
        await workspaces.remove_member(world.workspace_id, world.outsider.id, actor=world.admin)


# --- seeing -----------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["admin", "member"])
async def test_approved_members_see_the_workspace_with_their_role(world: World, role: str) -> None:
    seen = await workspaces.get_workspace(world.workspace_id, actor=world.by_role(role))

    assert (seen.id, seen.name) == (world.workspace_id, "Workspace")
    assert seen.my_role is MemberRole(role)
    assert seen.my_status is MemberStatus.APPROVED


@pytest.mark.parametrize("role", NOT_MEMBERS)
async def test_pending_rejected_and_outside_users_see_neither_workspace_nor_members(
    world: World, role: str
) -> None:
    user = world.by_role(role)

    with pytest.raises(ForbiddenError):
        await workspaces.get_workspace(world.workspace_id, actor=user)
    with pytest.raises(ForbiddenError):
        await workspaces.list_members(world.workspace_id, actor=user)


async def test_a_classmate_who_is_not_a_member_sees_nothing_inside(
    rt: Runtime, world: World
) -> None:
    student = await classmate(rt, world)

    with pytest.raises(ForbiddenError):
        await workspaces.get_workspace(world.workspace_id, actor=student)
    with pytest.raises(ForbiddenError):
        await workspaces.list_members(world.workspace_id, actor=student)


async def test_a_site_admin_sees_any_workspace_and_its_members(world: World) -> None:
    seen = await workspaces.get_workspace(world.workspace_id, actor=world.site_admin)
    members = await workspaces.list_members(
        world.workspace_id, actor=world.site_admin, statuses=tuple(MemberStatus)
    )

    assert seen.id == world.workspace_id
    assert (seen.my_role, seen.my_status) == (None, None)
    assert {m.user.id for m in members} == {
        world.admin.id,
        world.member.id,
        world.pending.id,
        world.rejected.id,
    }


async def test_a_missing_workspace_is_not_found(world: World) -> None:
    with pytest.raises(NotFoundError):
        await workspaces.get_workspace(world.workspace_id + 1000, actor=world.site_admin)


async def test_members_see_only_approved_members_sorted_by_name(world: World) -> None:
    members = await workspaces.list_members(world.workspace_id, actor=world.member)

    assert [(m.user.id, m.role, m.status) for m in members] == [
        (world.admin.id, MemberRole.ADMIN, MemberStatus.APPROVED),  # "Admin" before "Member"
        (world.member.id, MemberRole.MEMBER, MemberStatus.APPROVED),
    ]


async def test_only_admins_list_pending_and_rejected_members(world: World) -> None:
    wanted = (MemberStatus.PENDING, MemberStatus.REJECTED)

    with pytest.raises(ForbiddenError):
        await workspaces.list_members(world.workspace_id, actor=world.member, statuses=wanted)
    listed = await workspaces.list_members(world.workspace_id, actor=world.admin, statuses=wanted)

    assert {(m.user.id, m.status) for m in listed} == {
        (world.pending.id, MemberStatus.PENDING),
        (world.rejected.id, MemberStatus.REJECTED),
    }


async def test_the_group_list_shows_every_workspace_of_my_group_with_my_role_and_status(
    rt: Runtime, world: World
) -> None:
    second_id, _ = await second_workspace(rt, world)
    await factories.add_member(rt, second_id, world.member, status="pending")
    await workspaces.create_workspace("Elsewhere", actor=world.outsider)

    listed = await workspaces.list_group_workspaces(actor=world.member)

    assert [(w.id, w.name, w.my_role, w.my_status) for w in listed] == [
        (second_id, "Second", MemberRole.MEMBER, MemberStatus.PENDING),
        (world.workspace_id, "Workspace", MemberRole.MEMBER, MemberStatus.APPROVED),
    ]
    stranger = await classmate(rt, world)
    assert [
        (w.name, w.my_role, w.my_status)
        for w in await workspaces.list_group_workspaces(actor=stranger)
    ] == [
        ("Second", None, None),
        ("Workspace", None, None),
    ]


async def test_the_group_list_is_empty_for_someone_without_a_group(world: World) -> None:
    assert await workspaces.list_group_workspaces(actor=world.teacher) == []


async def test_my_workspaces_are_only_the_approved_ones(rt: Runtime, world: World) -> None:
    second_id, _ = await second_workspace(rt, world)
    await factories.add_member(rt, second_id, world.member, status="pending")

    mine = await workspaces.list_my_workspaces(actor=world.member)

    assert [(w.id, w.my_status) for w in mine] == [(world.workspace_id, MemberStatus.APPROVED)]
    assert await workspaces.list_my_workspaces(actor=world.pending) == []
    assert await workspaces.list_my_workspaces(actor=world.rejected) == []


# --- renaming and deleting --------------------------------------------------------------------


async def test_an_admin_renames_the_workspace(rt: Runtime, world: World, events: list[Any]) -> None:
    renamed = await workspaces.rename_workspace(
        world.workspace_id, "  New   name ", actor=world.admin
    )

    assert renamed.name == "New name"
    assert (await workspaces.get_workspace(world.workspace_id, actor=world.member)).name == (
        "New name"
    )
    assert events == [WorkspaceChanged(world.workspace_id)]


async def test_renaming_to_its_own_name_is_fine(world: World) -> None:
    renamed = await workspaces.rename_workspace(world.workspace_id, "Workspace", actor=world.admin)

    assert renamed.name == "Workspace"


async def test_renaming_to_a_name_taken_in_the_group_is_a_conflict(
    rt: Runtime, world: World, events: list[Any]
) -> None:
    await second_workspace(rt, world)

    with pytest.raises(ConflictError):
        await workspaces.rename_workspace(world.workspace_id, "Second", actor=world.admin)

    assert (await workspaces.get_workspace(world.workspace_id, actor=world.admin)).name == (
        "Workspace"
    )
    assert events == []


@pytest.mark.parametrize("name", ["", "  ", "x" * 256])
async def test_renaming_to_an_empty_or_too_long_name_is_invalid(world: World, name: str) -> None:
    with pytest.raises(InvalidError):
        await workspaces.rename_workspace(world.workspace_id, name, actor=world.admin)


@pytest.mark.parametrize("role", ["member", *NOT_MEMBERS])
async def test_only_admins_rename_or_delete_a_workspace(
    rt: Runtime, world: World, events: list[Any], role: str
) -> None:
    user = world.by_role(role)

    with pytest.raises(ForbiddenError):
        await workspaces.rename_workspace(world.workspace_id, "Mine now", actor=user)
    with pytest.raises(ForbiddenError):
        await workspaces.delete_workspace(world.workspace_id, actor=user)

    assert (await workspaces.get_workspace(world.workspace_id, actor=world.admin)).name == (
        "Workspace"
    )
    assert events == []


async def test_the_last_admin_may_always_delete_the_workspace_with_everything_in_it(
    rt: Runtime, world: World, events: list[Any]
) -> None:
    await subject_with_task(rt, world.workspace_id)

    await workspaces.delete_workspace(world.workspace_id, actor=world.admin)

    assert events == [WorkspaceChanged(world.workspace_id)]
    for user in (world.admin, world.site_admin):
        with pytest.raises(NotFoundError):
            await workspaces.get_workspace(world.workspace_id, actor=user)
    async with rt.db.read_session() as session:
        for model in (WorkspaceMember, Subject, Task, Queue):
            assert await session.scalar(select(func.count()).select_from(model)) == 0
    assert await workspaces.list_my_workspaces(actor=world.member) == []


async def test_a_site_admin_may_delete_any_workspace(world: World) -> None:
    await workspaces.delete_workspace(world.workspace_id, actor=world.site_admin)

    with pytest.raises(NotFoundError):
        await workspaces.get_workspace(world.workspace_id, actor=world.site_admin)


# --- events -----------------------------------------------------------------------------------


async def test_membership_events_arrive_only_after_the_change_is_committed(
    rt: Runtime, world: World
) -> None:
    seen: list[tuple[MemberStatus, ...]] = []

    async def on_change(event: MembershipChanged) -> None:
        async with rt.db.read_session() as session:
            status = await session.scalar(
                select(WorkspaceMember.status).where(
                    WorkspaceMember.workspace_id == event.workspace_id,
                    WorkspaceMember.user_id == event.user_id,
                )
            )
        assert status is not None
        seen.append((status,))

    rt.bus.subscribe(MembershipChanged, on_change)

    await workspaces.approve(world.workspace_id, world.pending.id, actor=world.admin)

    assert seen == [(MemberStatus.APPROVED,)]


# --- at the same moment -----------------------------------------------------------------------


async def test_two_admins_stepping_down_at_the_same_moment_leave_one_admin(
    rt: Runtime, world: World
) -> None:
    await workspaces.promote(world.workspace_id, world.member.id, actor=world.admin)

    results = await asyncio.gather(
        workspaces.demote(world.workspace_id, world.admin.id, actor=world.admin),
        workspaces.demote(world.workspace_id, world.member.id, actor=world.member),
        return_exceptions=True,
    )

    assert sorted(type(r).__name__ for r in results) == ["ConflictError", "NoneType"]
    admins = await workspaces.list_members(world.workspace_id, actor=world.site_admin)
    assert [m.role for m in admins].count(MemberRole.ADMIN) == 1


async def test_two_admins_leaving_at_the_same_moment_leave_one_admin(
    rt: Runtime, world: World
) -> None:
    await workspaces.promote(world.workspace_id, world.member.id, actor=world.admin)

    results = await asyncio.gather(
        workspaces.leave(world.workspace_id, actor=world.admin),
        workspaces.leave(world.workspace_id, actor=world.member),
        return_exceptions=True,
    )

    assert sorted(type(r).__name__ for r in results) == ["ConflictError", "NoneType"]
    admins = await workspaces.list_members(world.workspace_id, actor=world.site_admin)
    assert [m.role for m in admins] == [MemberRole.ADMIN]
