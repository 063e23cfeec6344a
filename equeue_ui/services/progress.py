"""A subject's progress (SPEC §9): the students × tasks matrix and, from it, the leaderboard.

Seen by the people who run the subject, like the rest of its statistics.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from db.models import MemberStatus, Queue, Submission, SubmissionKind, Task, User, WorkspaceMember
from equeue_ui.services.statistics import ensure_stats_viewer
from equeue_ui.services.uow import read_only
from equeue_ui.services.views import TaskView, UserView


@dataclass(frozen=True)
class Cell:
    """One student's submission of one task."""

    accepted: bool  # by a teacher at the queue; otherwise self-reported
    at: datetime


@dataclass(frozen=True)
class ProgressRow:
    student: UserView
    cells: tuple[Cell | None, ...]  # in the subject's task order

    @property
    def handed_in(self) -> int:
        return sum(1 for cell in self.cells if cell is not None)

    @property
    def accepted(self) -> int:
        return sum(1 for cell in self.cells if cell is not None and cell.accepted)


@dataclass(frozen=True)
class SubjectStats:
    subject_id: int
    subject_name: str
    workspace_id: int
    queue_id: int | None
    tasks: tuple[TaskView, ...]
    rows: tuple[ProgressRow, ...]  # approved members, by name

    @property
    def leaderboard(self) -> tuple[ProgressRow, ...]:
        """Most handed in first, then most accepted, then by name."""
        return tuple(sorted(self.rows, key=lambda row: (-row.handed_in, -row.accepted)))


async def subject_stats(subject_id: int, *, actor: UserView) -> SubjectStats:
    """The students × tasks progress matrix of a subject (and so its leaderboard)."""
    async with read_only() as session:
        subject = await ensure_stats_viewer(session, actor, subject_id)
        tasks = list(
            await session.scalars(
                select(Task)
                .where(Task.subject_id == subject.id)
                .order_by(Task.order_index, Task.id)
            )
        )
        students = list(
            await session.scalars(
                select(User)
                .join(WorkspaceMember, WorkspaceMember.user_id == User.id)
                .where(
                    WorkspaceMember.workspace_id == subject.workspace_id,
                    WorkspaceMember.status == MemberStatus.APPROVED,
                )
            )
        )
        submitted = await session.execute(
            select(Submission.user_id, Submission.task_id, Submission.kind, Submission.submitted_at)
            .join(Task, Task.id == Submission.task_id)
            .where(Task.subject_id == subject.id)
        )
        cells = {
            (user_id, task_id): Cell(kind is SubmissionKind.ACCEPTED, at)
            for user_id, task_id, kind, at in submitted
        }
        queue_id = await session.scalar(select(Queue.id).where(Queue.subject_id == subject.id))
    views = sorted((UserView.of(user) for user in students), key=_by_name)
    return SubjectStats(
        subject_id=subject.id,
        subject_name=subject.name,
        workspace_id=subject.workspace_id,
        queue_id=queue_id,
        tasks=tuple(TaskView.of(task) for task in tasks),
        rows=tuple(
            ProgressRow(student, tuple(cells.get((student.id, task.id)) for task in tasks))
            for student in views
        ),
    )


def _by_name(user: UserView) -> str:
    return user.display_name.casefold()
