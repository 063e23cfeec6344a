"""Build and inspect queues for service tests.

The builders work straight through SQLAlchemy, on top of :mod:`tests.services.factories` (one
group's workspace with a user in every role): a subject with tasks and its queue, an assigned
teacher, and approved students. The readers look at the stored rows directly, so tests can
check what the services wrote.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select, update

from db.models import (
    MemberRole,
    MemberStatus,
    Queue,
    QueueEvent,
    QueueState,
    Subject,
    Submission,
    Task,
    User,
    WorkspaceMember,
)
from equeue_ui.runtime import Runtime
from equeue_ui.services import queues
from equeue_ui.services.views import GroupView, QueueSnapshot, UserView
from tests.services import factories
from tests.services.factories import World


@dataclass(frozen=True)
class SubjectQueue:
    subject_id: int
    queue_id: int
    task_ids: tuple[int, ...]  # in the subject's task order


@dataclass(frozen=True)
class QueueWorld:
    """An open queue of a subject with three tasks, and everybody who may or may not use it."""

    world: World
    subject_id: int
    queue_id: int
    task_ids: tuple[int, ...]  # in the subject's task order
    teacher: UserView  # teacher role, assigned to this subject
    other_teacher: UserView  # teacher role, assigned only to another subject of the workspace
    unassigned_teacher: UserView  # teacher role, assigned to nothing
    stranger: UserView  # same group as the workspace, but never asked to join it
    students: tuple[UserView, ...]  # approved members

    def by_role(self, role: str) -> UserView:
        """A user by role: the queue's own roles first, then the workspace's (``World``)."""
        if role in {"teacher", "other_teacher", "unassigned_teacher", "stranger"}:
            user: UserView = getattr(self, role)
            return user
        return self.world.by_role(role)


async def make_queue_world(
    rt: Runtime,
    *,
    state: QueueState = QueueState.OPEN,
    members_can_freeze: bool = True,
    max_size: int | None = None,
    students: int = 4,
) -> QueueWorld:
    world = await factories.make_world(rt)
    queue = await make_subject_queue(
        rt,
        world.workspace_id,
        "Algebra",
        state=state,
        members_can_freeze=members_can_freeze,
        max_size=max_size,
        task_names=("Lab 1", "Lab 2", "Lab 3"),
    )
    await factories.assign_teacher(rt, queue.subject_id, world.teacher)
    elsewhere = await make_subject_queue(rt, world.workspace_id, "Physics", task_names=("Lab 1",))
    other_teacher = await factories.make_user(
        rt, "other_teacher", teacher=True, first_name="Olga", last_name="Other"
    )
    await factories.assign_teacher(rt, elsewhere.subject_id, other_teacher)
    group = GroupView(id=_group_id(world), name="")
    return QueueWorld(
        world=world,
        subject_id=queue.subject_id,
        queue_id=queue.queue_id,
        task_ids=queue.task_ids,
        teacher=world.teacher,
        other_teacher=other_teacher,
        unassigned_teacher=await factories.make_user(rt, "unassigned_teacher", teacher=True),
        stranger=await factories.make_user(rt, "stranger", group=group),
        students=tuple(await add_students(rt, world, students)),
    )


async def make_subject_queue(
    rt: Runtime,
    workspace_id: int,
    name: str,
    *,
    state: QueueState = QueueState.OPEN,
    members_can_freeze: bool = True,
    max_size: int | None = None,
    task_names: Sequence[str] = (),
) -> SubjectQueue:
    """A subject with its queue (version 0) and tasks ordered as given.

    Tasks are inserted last-first, so their ids run against their order: code that picks
    "the first task" by id instead of by order shows up.
    """
    async with rt.db.write_session() as session:
        subject = Subject(workspace_id=workspace_id, name=name)
        session.add(subject)
        await session.flush()
        queue = Queue(
            subject_id=subject.id,
            state=state,
            members_can_freeze=members_can_freeze,
            max_size=max_size,
            version=0,
            next_seq=1,
        )
        tasks = [
            Task(subject_id=subject.id, name=task_name, order_index=index)
            for index, task_name in reversed(list(enumerate(task_names)))
        ]
        for row in [queue, *tasks]:  # one by one, so the ids follow this order
            session.add(row)
            await session.flush()
        await session.commit()
        ordered = sorted(tasks, key=lambda task: task.order_index)
        return SubjectQueue(subject.id, queue.id, tuple(task.id for task in ordered))


async def add_students(
    rt: Runtime, world: World, count: int, *, prefix: str = "student"
) -> list[UserView]:
    """``count`` approved members of the workspace's group, made in one transaction."""
    async with rt.db.write_session() as session:
        users = [
            User(
                username=f"{prefix}{number:03}",
                first_name=prefix.capitalize(),
                last_name=f"{number:03}",
                group_id=_group_id(world),
            )
            for number in range(1, count + 1)
        ]
        session.add_all(users)
        await session.flush()
        session.add_all(
            WorkspaceMember(
                workspace_id=world.workspace_id,
                user_id=user.id,
                role=MemberRole.MEMBER,
                status=MemberStatus.APPROVED,
            )
            for user in users
        )
        await session.commit()
        return [UserView.of(user) for user in users]


async def add_teacher(rt: Runtime, subject_id: int, username: str) -> UserView:
    """Another teacher account, assigned to the subject."""
    teacher = await factories.make_user(rt, username, teacher=True)
    await factories.assign_teacher(rt, subject_id, teacher)
    return teacher


async def block(rt: Runtime, user: UserView) -> None:
    async with rt.db.write_session() as session:
        await session.execute(update(User).where(User.id == user.id).values(blocked=True))
        await session.commit()


async def set_queue(rt: Runtime, queue_id: int, **values: object) -> None:
    """Change queue columns behind the services' back (no version bump, no event)."""
    async with rt.db.write_session() as session:
        await session.execute(update(Queue).where(Queue.id == queue_id).values(**values))
        await session.commit()


# --- acting and looking through the services ---------------------------------------------------


async def join_all(qw: QueueWorld, *users: UserView) -> list[int]:
    """Join one after another; the entry ids in joining order."""
    return [await queues.join_queue(qw.queue_id, actor=user) for user in users]


async def snapshot(qw: QueueWorld) -> QueueSnapshot:
    """The queue as its teacher sees it."""
    return await queues.get_snapshot(qw.queue_id, actor=qw.teacher)


def line(snap: QueueSnapshot) -> list[int]:
    """The user ids in queue order, after checking the positions run 1..N."""
    assert [entry.position for entry in snap.entries] == list(range(1, len(snap.entries) + 1))
    return [entry.user_id for entry in snap.entries]


# --- reading what was stored ------------------------------------------------------------------


async def stored_queue(rt: Runtime, queue_id: int) -> Queue:
    async with rt.db.read_session() as session:
        queue = await session.get(Queue, queue_id)
        assert queue is not None
        return queue


async def queue_events(rt: Runtime, queue_id: int) -> list[QueueEvent]:
    """The queue's history in the order it was written."""
    async with rt.db.read_session() as session:
        events = await session.scalars(
            select(QueueEvent).where(QueueEvent.queue_id == queue_id).order_by(QueueEvent.id)
        )
        return list(events)


async def submissions_of(rt: Runtime, user: UserView) -> list[Submission]:
    async with rt.db.read_session() as session:
        rows = await session.scalars(
            select(Submission).where(Submission.user_id == user.id).order_by(Submission.task_id)
        )
        return list(rows)


def _group_id(world: World) -> int:
    group_id = world.member.group_id
    assert group_id is not None
    return group_id
