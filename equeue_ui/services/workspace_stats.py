"""A workspace's statistics at a glance: each subject's progress and how much its queue served.

For the workspace's admins and site admins; a subject's teachers see their subjects' own pages.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import case, func, select

from db.models import (
    MemberStatus,
    Queue,
    QueueEvent,
    Subject,
    Submission,
    SubmissionKind,
    Task,
    WorkspaceMember,
)
from equeue_ui.services import permissions
from equeue_ui.services.statistics import SERVED
from equeue_ui.services.uow import read_only
from equeue_ui.services.views import UserView


@dataclass(frozen=True)
class SubjectSummary:
    subject_id: int
    name: str
    queue_id: int | None
    tasks: int
    handed_in: int  # by current members
    accepted: int
    served: int  # accepted or returned at the queue, ever

    def completion(self, students: int) -> float | None:
        """The share of (student, task) pairs handed in; None when there are none."""
        possible = self.tasks * students
        return self.handed_in / possible if possible else None


@dataclass(frozen=True)
class WorkspaceStats:
    workspace_id: int
    name: str
    students: int  # approved members
    subjects: tuple[SubjectSummary, ...]  # by name


async def workspace_stats(workspace_id: int, *, actor: UserView) -> WorkspaceStats:
    """Every subject's totals, counted by the database (a few grouped queries, not per subject)."""
    async with read_only() as session:
        user = await permissions.load_actor(session, actor)
        workspace = await permissions.ensure_workspace_admin(session, user, workspace_id)
        approved = select(WorkspaceMember.user_id).where(
            WorkspaceMember.workspace_id == workspace.id,
            WorkspaceMember.status == MemberStatus.APPROVED,
        )
        students = await session.scalar(select(func.count()).select_from(approved.subquery()))
        subjects = list(
            await session.execute(
                select(Subject.id, Subject.name, Queue.id)
                .outerjoin(Queue, Queue.subject_id == Subject.id)
                .where(Subject.workspace_id == workspace.id)
                .order_by(Subject.name, Subject.id)
            )
        )
        in_workspace = select(Subject.id).where(Subject.workspace_id == workspace.id)
        tasks: dict[int, int] = {
            subject_id: count
            for subject_id, count in await session.execute(
                select(Task.subject_id, func.count(Task.id))
                .where(Task.subject_id.in_(in_workspace))
                .group_by(Task.subject_id)
            )
        }
        handed = {
            subject_id: (done, good)
            for subject_id, done, good in await session.execute(
                select(
                    Task.subject_id,
                    func.count(Submission.id),
                    func.count(case((Submission.kind == SubmissionKind.ACCEPTED, 1))),
                )
                .join(Submission, Submission.task_id == Task.id)
                .where(Task.subject_id.in_(in_workspace), Submission.user_id.in_(approved))
                .group_by(Task.subject_id)
            )
        }
        served: dict[int, int] = {
            subject_id: count
            for subject_id, count in await session.execute(
                select(Queue.subject_id, func.count(QueueEvent.id))
                .join(QueueEvent, QueueEvent.queue_id == Queue.id)
                .where(Queue.subject_id.in_(in_workspace), QueueEvent.kind.in_(SERVED))
                .group_by(Queue.subject_id)
            )
        }
        return WorkspaceStats(
            workspace_id=workspace.id,
            name=workspace.name,
            students=students or 0,
            subjects=tuple(
                SubjectSummary(
                    subject_id=subject_id,
                    name=name,
                    queue_id=queue_id,
                    tasks=tasks.get(subject_id, 0),
                    handed_in=handed.get(subject_id, (0, 0))[0],
                    accepted=handed.get(subject_id, (0, 0))[1],
                    served=served.get(subject_id, 0),
                )
                for subject_id, name, queue_id in subjects
            ),
        )
