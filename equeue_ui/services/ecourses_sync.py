"""Keeping a subject's tasks in step with its eCourses course ("Sync with eCourses"): what
changed in eCourses since the tasks were imported — new assignments, moved due dates, new names,
assignments gone — previewed, and the changes the admin chose applied in one transaction.

Nothing here deletes a task: an assignment removed from eCourses is reported, and applying that
change only unlinks the task from eCourses (it stays, with its hand-ins, as a task made here).
The changes are worked out again under the subject's lock when applied, so a preview that went
stale cannot apply what no longer holds. eCourses is asked before the write transaction.
"""

from __future__ import annotations

import enum
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import Task
from equeue_ui.errors import InvalidError
from equeue_ui.events import TaskChanged
from equeue_ui.i18n import msg
from equeue_ui.services import audit, permissions
from equeue_ui.services.ecourses_tasks import (
    CourseAssignment,
    lock_subject,
    next_order_index,
    read_assignments,
    subject_course,
)
from equeue_ui.services.uow import read_only, unit_of_work
from equeue_ui.services.views import UserView


class ChangeKind(enum.StrEnum):
    NEW = "new"  # an assignment no task comes from
    DUE_DATE = "due_date"  # the assignment's due date differs from its task's
    RENAMED = "renamed"  # the assignment's name differs from its task's
    REMOVED = "removed"  # the task's assignment is no longer in the course


@dataclass(frozen=True)
class SyncChange:
    kind: ChangeKind
    ecourses_id: int
    name: str  # the task's name here; for a new assignment, the name its task gets
    task_id: int | None = None
    new_name: str | None = None  # RENAMED: the name in eCourses
    due_at: datetime | None = None  # the task's due date here
    new_due_at: datetime | None = None  # the due date in eCourses (DUE_DATE, NEW)
    hidden: bool = False  # NEW: hidden from students in eCourses
    blocked: bool = False  # RENAMED: another task has that name, so it cannot be applied

    @property
    def key(self) -> str:
        """What the admin's choice names: one change of one assignment."""
        return f"{self.kind.value}:{self.ecourses_id}"

    @property
    def chosen_by_default(self) -> bool:
        return not (self.blocked or self.hidden or self.kind is ChangeKind.REMOVED)


@dataclass(frozen=True)
class SyncResult:
    applied: tuple[SyncChange, ...]
    not_applied: int  # chosen, but no longer possible when applied (someone changed things)


async def preview_sync(subject_id: int, *, actor: UserView) -> list[SyncChange]:
    """What differs between the subject's tasks and its course in eCourses: new assignments
    (in section order), changed due dates, new names, then tasks whose assignment is gone.
    Workspace admins only, with their eCourses sign-in (``EcoursesSignInNeeded``)."""
    course_id, user = await subject_course(subject_id, actor)
    found = await read_assignments(course_id, user)
    async with read_only() as session:
        tasks = await _tasks(session, subject_id)
        return changes_between(found, tasks)


async def apply_sync(subject_id: int, keys: Collection[str], *, actor: UserView) -> SyncResult:
    """Apply the chosen changes (``SyncChange.key``) in one transaction: new assignments become
    tasks at the end, due dates and names are taken from eCourses, a task whose assignment is
    gone is unlinked (never deleted). Emits ``TaskChanged``; one audit entry."""
    if not keys:
        raise InvalidError(msg("Choose at least one change."))
    course_id, user = await subject_course(subject_id, actor)
    found = await read_assignments(course_id, user)
    wanted = set(keys)
    applied: list[SyncChange] = []
    async with unit_of_work() as uow:
        session = uow.session
        subject = await lock_subject(session, subject_id, actor)
        if subject.ecourses_course_id != course_id:
            raise InvalidError(msg("This subject is not linked to an eCourses course."))
        tasks = await _tasks(session, subject_id)
        by_id = {task.id: task for task in tasks}
        names = {task.name for task in tasks}
        order = await next_order_index(session, subject_id)
        for change in changes_between(found, tasks):
            if change.key not in wanted or change.blocked:
                continue
            task = by_id.get(change.task_id) if change.task_id is not None else None
            if change.kind is ChangeKind.NEW:
                if change.name in names:
                    continue
                session.add(_new_task(subject_id, change, found, order))
                order += 1
                names.add(change.name)
            elif task is None:
                continue
            elif change.kind is ChangeKind.DUE_DATE:
                task.due_at = change.new_due_at
            elif change.kind is ChangeKind.RENAMED:
                assert change.new_name is not None
                if change.new_name in names:
                    continue
                names.discard(task.name)
                task.name = change.new_name
                names.add(task.name)
            else:
                task.ecourses_id = None
            # One at a time: a name freed by a rename may be taken by the next change.
            await session.flush()
            applied.append(change)
        if applied:
            admin = await permissions.load_actor(session, actor)
            audit.record(session, admin, "ecourses.sync_tasks", subject.name, **_details(applied))
            uow.emit(TaskChanged(subject_id, None))
    return SyncResult(tuple(applied), len(wanted) - len(applied))


def changes_between(
    assignments: Sequence[CourseAssignment], tasks: Sequence[Task]
) -> list[SyncChange]:
    """The differences between the course's assignments and the subject's tasks (in order)."""
    linked = {task.ecourses_id: task for task in tasks if task.ecourses_id is not None}
    names = {task.name for task in tasks}
    new: list[SyncChange] = []
    moved: list[SyncChange] = []
    renamed: list[SyncChange] = []
    for item in assignments:
        task = linked.get(item.ecourses_id)
        if task is None:
            # A task of that name made here counts as this assignment, as the import does.
            if item.name not in names:
                new.append(
                    SyncChange(
                        ChangeKind.NEW,
                        item.ecourses_id,
                        item.name,
                        new_due_at=item.due_at,
                        hidden=item.hidden,
                    )
                )
                names.add(item.name)
            continue
        if task.due_at != item.due_at:
            moved.append(
                SyncChange(
                    ChangeKind.DUE_DATE,
                    item.ecourses_id,
                    task.name,
                    task_id=task.id,
                    due_at=task.due_at,
                    new_due_at=item.due_at,
                )
            )
        if task.name != item.name:
            renamed.append(
                SyncChange(
                    ChangeKind.RENAMED,
                    item.ecourses_id,
                    task.name,
                    task_id=task.id,
                    new_name=item.name,
                    blocked=item.name in names,
                )
            )
    present = {item.ecourses_id for item in assignments}
    removed = [
        SyncChange(ChangeKind.REMOVED, task.ecourses_id, task.name, task_id=task.id)
        for task in tasks
        if task.ecourses_id is not None and task.ecourses_id not in present
    ]
    return new + moved + renamed + removed


# --- helpers ----------------------------------------------------------------------------------


async def _tasks(session: AsyncSession, subject_id: int) -> list[Task]:
    return list(
        await session.scalars(
            select(Task).where(Task.subject_id == subject_id).order_by(Task.order_index, Task.id)
        )
    )


def _new_task(
    subject_id: int, change: SyncChange, found: Sequence[CourseAssignment], order: int
) -> Task:
    item = next(a for a in found if a.ecourses_id == change.ecourses_id)
    return Task(
        subject_id=subject_id,
        name=change.name,
        url=item.url or None,
        order_index=order,
        due_at=item.due_at,
        ecourses_id=item.ecourses_id,
    )


def _details(applied: Sequence[SyncChange]) -> dict[str, list[str]]:
    details: dict[str, list[str]] = {}
    for change in applied:
        text = f"{change.name} → {change.new_name}" if change.new_name else change.name
        if change.kind is ChangeKind.DUE_DATE:
            text += f": {_when(change.due_at)} → {_when(change.new_due_at)}"
        details.setdefault(change.kind.value, []).append(text)
    return details


def _when(moment: datetime | None) -> str:
    return moment.isoformat() if moment else "—"
