"""Tasks from eCourses: a subject's course assignments, previewed and imported (SPEC §8), and
linking a hand-made subject to its course first.

Assignments come in the course's section order with due dates from
``mod_assign_get_assignments`` (or, for one it leaves out, the date the course page shows); a
task keeps its assignment's course-module id (the id in eCourses links) in ``ecourses_id``. A
name that repeats within the course gets its section name appended (every occurrence, so each
says where it comes from). Assignments hidden from students are offered too, marked, and not
chosen unless the admin picks them. eCourses is asked before the write transaction, never
inside it.
"""

from __future__ import annotations

import enum
from collections import Counter
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import Subject, Task, User
from equeue_ui.errors import ConflictError, InvalidError, NotFoundError
from equeue_ui.events import SubjectChanged, TaskChanged
from equeue_ui.i18n import msg
from equeue_ui.services import audit, ecourses_accounts, permissions
from equeue_ui.services.ecourses_import import (
    ecourses_link,
    guarded,
    import_name,
    my_courses,
    user_token_or_ask,
)
from equeue_ui.services.subjects import COURSE_TAKEN
from equeue_ui.services.uow import read_only, unit_of_work
from equeue_ui.services.views import SubjectView, UserView


class TaskStatus(enum.StrEnum):
    NEW = "new"
    RENAMED = "renamed"  # new; its name repeats in the course, so the section name is added
    DUPLICATE = "duplicate"  # already in the subject (same assignment or same name): skipped


@dataclass(frozen=True)
class CourseAssignment:
    """An assignment of the course as eQueue would take it."""

    ecourses_id: int  # the course-module id
    name: str  # the task name it gets: tidied, with its section's name if the name repeats
    section: str
    url: str
    due_at: datetime | None
    hidden: bool  # hidden from students, or closed to the admin by access restrictions
    section_added: bool


@dataclass(frozen=True)
class TaskProposal:
    ecourses_id: int
    name: str
    section: str
    url: str
    due_at: datetime | None
    status: TaskStatus
    hidden: bool = False

    @property
    def chosen_by_default(self) -> bool:
        return self.status is not TaskStatus.DUPLICATE and not self.hidden


@dataclass(frozen=True)
class TaskImport:
    created: tuple[str, ...]
    skipped: tuple[str, ...]


async def preview_tasks(subject_id: int, *, actor: UserView) -> list[TaskProposal]:
    """The course's assignments in section order, each marked new, renamed or duplicate, and
    hidden when students do not see it."""
    course_id, user = await subject_course(subject_id, actor)
    found = await read_assignments(course_id, user)
    async with read_only() as session:
        existing = list(
            await session.execute(
                select(Task.name, Task.ecourses_id).where(Task.subject_id == subject_id)
            )
        )
    taken_names = {name for name, _ in existing}
    taken_ids = {ecourses_id for _, ecourses_id in existing}
    proposals: list[TaskProposal] = []
    for item in found:
        if item.ecourses_id in taken_ids or item.name in taken_names:
            status = TaskStatus.DUPLICATE
        else:
            status = TaskStatus.RENAMED if item.section_added else TaskStatus.NEW
            taken_names.add(item.name)
        proposals.append(
            TaskProposal(
                item.ecourses_id,
                item.name,
                item.section,
                item.url,
                item.due_at,
                status,
                item.hidden,
            )
        )
    return proposals


async def import_tasks(
    subject_id: int, *, actor: UserView, chosen: Collection[int] | None = None
) -> TaskImport:
    """Append the chosen new assignments (course-module ids; by default every new one that is
    not hidden) to the subject's tasks, in section order with their due dates; those already
    present are skipped and reported. Emits ``TaskChanged``."""
    if chosen is not None and not chosen:
        raise InvalidError(msg("Choose at least one assignment."))
    proposals = await preview_tasks(subject_id, actor=actor)
    wanted = [
        p
        for p in proposals
        if p.status is not TaskStatus.DUPLICATE
        and (p.chosen_by_default if chosen is None else p.ecourses_id in chosen)
    ]
    created: list[str] = []
    skipped = [p.name for p in proposals if p.status is TaskStatus.DUPLICATE]
    async with unit_of_work() as uow:
        session = uow.session
        subject = await lock_subject(session, subject_id, actor)
        user = await permissions.load_actor(session, actor)
        # Checked again under the lock: someone may have added tasks since the preview.
        rows = list(
            await session.execute(
                select(Task.name, Task.ecourses_id).where(Task.subject_id == subject_id)
            )
        )
        names, ids = {r[0] for r in rows}, {r[1] for r in rows}
        order = await next_order_index(session, subject_id)
        for proposal in wanted:
            if proposal.name in names or proposal.ecourses_id in ids:
                skipped.append(proposal.name)
                continue
            session.add(
                Task(
                    subject_id=subject_id,
                    name=proposal.name,
                    url=proposal.url or None,
                    order_index=order,
                    due_at=proposal.due_at,
                    ecourses_id=proposal.ecourses_id,
                )
            )
            order += 1
            names.add(proposal.name)
            created.append(proposal.name)
        if created:
            audit.record(session, user, "ecourses.import_tasks", subject.name, created=created)
            uow.emit(TaskChanged(subject_id, None))
    return TaskImport(tuple(created), tuple(skipped))


async def read_assignments(course_id: int, user: User) -> list[CourseAssignment]:
    """The course's assignments in section order, read with the user's eCourses token."""
    ecourses, token = await ecourses_accounts.client(), user_token_or_ask(user)
    sections = await guarded(user, lambda: ecourses.course_contents(token, course_id))
    answered = await guarded(user, lambda: ecourses.course_assignments(token, [course_id]))
    due = {a.cmid: a.due_at for a in answered.get(course_id, [])}
    found = [
        (module, section.name)
        for section in sorted(sections, key=lambda s: s.number)
        for module in section.modules
        if module.modname == "assign"
    ]
    repeats = Counter(module.name.strip() for module, _ in found)
    assignments = []
    for module, section in found:
        added = repeats[module.name.strip()] > 1 and bool(section.strip())
        assignments.append(
            CourseAssignment(
                ecourses_id=module.id,
                name=import_name(f"{module.name} ({section.strip()})" if added else module.name),
                section=section,
                url=ecourses_link(module.url),
                # Moodle leaves out of mod_assign_get_assignments what the user may not open;
                # the course page's date stands in for it.
                due_at=due.get(module.id, module.due_at),
                hidden=module.hidden,
                section_added=added,
            )
        )
    return assignments


async def link_course(subject_id: int, course_id: int, *, actor: UserView) -> SubjectView:
    """Link a subject made by hand to one of the admin's eCourses courses, so its assignments
    can be imported. Refused when the subject is linked already or the course is linked to
    another subject of the workspace. Emits ``SubjectChanged``."""
    async with read_only() as session:
        user = await permissions.load_actor(session, actor)
        subject = await permissions.get_subject(session, subject_id)
        await permissions.ensure_workspace_admin(session, user, subject.workspace_id)
        workspace_id = subject.workspace_id
    courses = await my_courses(workspace_id, actor)
    course = next((c for c in courses if c.id == course_id), None)
    if course is None:
        raise InvalidError(msg("You are not enrolled in this course on eCourses."))
    async with unit_of_work(conflict=COURSE_TAKEN) as uow:
        session = uow.session
        subject = await lock_subject(session, subject_id, actor)
        if subject.ecourses_course_id is not None:
            raise ConflictError(msg("This subject is already linked to an eCourses course."))
        taken = await session.scalar(
            select(Subject.id).where(
                Subject.workspace_id == subject.workspace_id,
                Subject.ecourses_course_id == course.id,
            )
        )
        if taken is not None:
            raise ConflictError(COURSE_TAKEN)
        subject.ecourses_course_id = course.id
        subject.ecourses_url = ecourses_link(course.url) or None
        admin = await permissions.load_actor(session, actor)
        audit.record(session, admin, "ecourses.link_course", subject.name, course=course.id)
        uow.emit(SubjectChanged(subject.workspace_id, subject.id))
        return SubjectView.of(subject)


# --- helpers ---


async def subject_course(subject_id: int, actor: UserView) -> tuple[int, User]:
    """The subject's eCourses course and the acting admin; refused for unlinked subjects."""
    async with read_only() as session:
        user = await permissions.load_actor(session, actor)
        subject = await permissions.get_subject(session, subject_id)
        await permissions.ensure_workspace_admin(session, user, subject.workspace_id)
        if subject.ecourses_course_id is None:
            raise InvalidError(msg("This subject is not linked to an eCourses course."))
        return subject.ecourses_course_id, user


async def lock_subject(session: AsyncSession, subject_id: int, actor: UserView) -> Subject:
    """The subject, locked for the rest of the transaction; workspace admins only."""
    subject = await session.scalar(
        select(Subject).where(Subject.id == subject_id).with_for_update()
    )
    if subject is None:
        raise NotFoundError(msg("This subject does not exist."))
    user = await permissions.load_actor(session, actor)
    await permissions.ensure_workspace_admin(session, user, subject.workspace_id)
    return subject


async def next_order_index(session: AsyncSession, subject_id: int) -> int:
    last = await session.scalar(
        select(func.max(Task.order_index)).where(Task.subject_id == subject_id)
    )
    return 0 if last is None else last + 1
