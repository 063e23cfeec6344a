"""Build the world for service tests straight through SQLAlchemy, independent of the services.

Each helper commits its own short transaction and returns plain values or ``*View`` objects.
"""

from __future__ import annotations

from dataclasses import dataclass

from db.models import (
    Group,
    MemberRole,
    MemberStatus,
    SubjectTeacher,
    Submission,
    SubmissionKind,
    User,
    Workspace,
    WorkspaceMember,
)
from equeue_ui.runtime import Runtime
from equeue_ui.services.views import GroupView, UserView


async def make_group(rt: Runtime, name: str = "КИ21-16/2Б") -> GroupView:
    async with rt.db.write_session() as session:
        group = Group(name=name)
        session.add(group)
        await session.commit()
        return GroupView.of(group)


async def make_user(
    rt: Runtime,
    username: str,
    *,
    group: GroupView | None = None,
    teacher: bool = False,
    site_admin: bool = False,
    first_name: str = "",
    last_name: str = "",
    blocked: bool = False,
) -> UserView:
    async with rt.db.write_session() as session:
        user = User(
            username=username,
            first_name=first_name,
            last_name=last_name,
            group_id=group.id if group else None,
            is_teacher=teacher,
            is_site_admin=site_admin,
            blocked=blocked,
        )
        session.add(user)
        await session.commit()
        return UserView.of(user)


async def make_workspace(
    rt: Runtime, group: GroupView, admin: UserView, name: str = "Workspace"
) -> int:
    """A workspace of ``group`` whose first (approved) admin is ``admin``."""
    async with rt.db.write_session() as session:
        workspace = Workspace(group_id=group.id, name=name)
        session.add(workspace)
        await session.flush()
        session.add(
            WorkspaceMember(
                workspace_id=workspace.id,
                user_id=admin.id,
                role=MemberRole.ADMIN,
                status=MemberStatus.APPROVED,
            )
        )
        await session.commit()
        return workspace.id


async def add_member(
    rt: Runtime,
    workspace_id: int,
    user: UserView,
    role: str = "member",
    status: str = "approved",
) -> None:
    async with rt.db.write_session() as session:
        session.add(
            WorkspaceMember(
                workspace_id=workspace_id,
                user_id=user.id,
                role=MemberRole(role),
                status=MemberStatus(status),
            )
        )
        await session.commit()


async def assign_teacher(rt: Runtime, subject_id: int, teacher: UserView) -> None:
    async with rt.db.write_session() as session:
        session.add(SubjectTeacher(subject_id=subject_id, user_id=teacher.id))
        await session.commit()


async def add_submission(
    rt: Runtime,
    user: UserView,
    task_id: int,
    *,
    kind: str = "self_reported",
    accepted_by: UserView | None = None,
) -> None:
    async with rt.db.write_session() as session:
        session.add(
            Submission(
                user_id=user.id,
                task_id=task_id,
                kind=SubmissionKind(kind),
                accepted_by_id=accepted_by.id if accepted_by else None,
            )
        )
        await session.commit()


@dataclass(frozen=True)
class World:
    """One group's workspace with a user in every role SPEC §2 distinguishes."""

    workspace_id: int
    admin: UserView  # approved workspace admin
    member: UserView  # approved member
    pending: UserView
    rejected: UserView
    outsider: UserView  # a user of another group, not in the workspace
    teacher: UserView  # teacher role, not in the workspace, assigned to nothing yet
    site_admin: UserView

    def by_role(self, role: str) -> UserView:
        user: UserView = getattr(self, role)
        return user


async def make_world(rt: Runtime) -> World:
    group = await make_group(rt)
    other_group = await make_group(rt, "КИ22-01Б")
    admin = await make_user(rt, "admin", group=group, first_name="Ada", last_name="Admin")
    workspace_id = await make_workspace(rt, group, admin)
    member = await make_user(rt, "member", group=group, first_name="Mia", last_name="Member")
    pending = await make_user(rt, "pending", group=group)
    rejected = await make_user(rt, "rejected", group=group)
    await add_member(rt, workspace_id, member)
    await add_member(rt, workspace_id, pending, status="pending")
    await add_member(rt, workspace_id, rejected, status="rejected")
    return World(
        workspace_id=workspace_id,
        admin=admin,
        member=member,
        pending=pending,
        rejected=rejected,
        outsider=await make_user(rt, "outsider", group=other_group),
        teacher=await make_user(rt, "teacher", teacher=True, first_name="Tom", last_name="Teach"),
        site_admin=await make_user(rt, "root", site_admin=True),
    )
