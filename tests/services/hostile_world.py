"""A small world in which every service has something to act on, for the hostile-input tests:
a site admin who runs a workspace (with a subject, its queue, a task and links of every kind)
and a member standing in the queue. Both have a password (cheap hashing: not under test)."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from argon2 import PasswordHasher
from sqlalchemy import update

from db.models import QueueState, User
from equeue_ui.runtime import Runtime
from equeue_ui.services import accounts, boards, queues, student_invites, subjects, tasks, teaching
from equeue_ui.services.views import UserView
from tests.services.factories import add_member, make_group, make_user, make_workspace

PASSWORD = "long-enough-password-1"
QUICK_HASHER = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)


@dataclass(frozen=True, repr=False)
class HostileWorld:
    admin: UserView  # site admin, teacher, admin of the workspace
    member: UserView  # approved member, in the queue
    group_id: int
    workspace_id: int
    subject_id: int
    queue_id: int
    task_id: int
    entry_id: int
    display_link_id: int
    student_invite_id: int
    teacher_invite_id: int

    def __repr__(self) -> str:  # Hypothesis prints it with every failing example
        return "HostileWorld(...)"


def quick_passwords(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(accounts, "_hasher", QUICK_HASHER)
    # A sign-in with an unknown name is checked against this hash: cheap too.
    monkeypatch.setattr(accounts, "_DUMMY_HASH", QUICK_HASHER.hash("dummy"), raising=False)


async def build(rt: Runtime) -> HostileWorld:
    group = await make_group(rt)
    admin = await make_user(rt, "admin", group=group, site_admin=True, teacher=True)
    member = await make_user(rt, "member", group=group, first_name="Mia", last_name="Member")
    async with rt.db.write_session() as session:
        await session.execute(update(User).values(password_hash=QUICK_HASHER.hash(PASSWORD)))
        await session.commit()
    workspace_id = await make_workspace(rt, group, admin)
    await add_member(rt, workspace_id, member)
    subject = await subjects.create_subject(workspace_id, actor=admin, name="Physics")
    assert subject.queue_id is not None
    task = await tasks.create_task(subject.id, actor=admin, name="Lab 1")
    await queues.set_state(subject.queue_id, QueueState.OPEN, actor=admin)
    entry_id = await queues.join_queue(subject.queue_id, actor=member)
    link = await boards.create_display_link(subject.queue_id, actor=admin, label="Room 1")
    student_invite = await student_invites.create_invite(workspace_id, actor=admin)
    teacher_invite = await teaching.create_invite(subject.id, actor=admin)
    return HostileWorld(
        admin=admin,
        member=member,
        group_id=group.id,
        workspace_id=workspace_id,
        subject_id=subject.id,
        queue_id=subject.queue_id,
        task_id=task.id,
        entry_id=entry_id,
        display_link_id=link.link.id,
        student_invite_id=student_invite.invite.id,
        teacher_invite_id=teacher_invite.invite.id,
    )
