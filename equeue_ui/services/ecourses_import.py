"""Importing subjects (eCourses courses) and tasks (their assignments) into a workspace (SPEC §8).

Workspace admins only, with their own eCourses token. eCourses is asked outside any database
transaction (a slow eCourses must not hold a write lock); the import itself is one transaction.
A task remembers its assignment's course-module id (the id in eCourses links) in ``ecourses_id``.
"""

from __future__ import annotations

import enum
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TypeVar

from sqlalchemy import func, select

from db.models import NAME_LENGTH, Queue, QueueState, Subject, Task, User
from equeue_ui.ecourses.errors import EcoursesTokenExpired
from equeue_ui.ecourses.models import Course
from equeue_ui.errors import InvalidError
from equeue_ui.events import SubjectChanged, TaskChanged
from equeue_ui.i18n import msg
from equeue_ui.services import audit, ecourses_accounts, permissions
from equeue_ui.services.ecourses_accounts import EcoursesSignInNeeded
from equeue_ui.services.uow import read_only, unit_of_work
from equeue_ui.services.views import UserView

T = TypeVar("T")


@dataclass(frozen=True)
class CourseProposal:
    course_id: int
    name: str
    shortname: str
    url: str
    visible: bool
    last_access: datetime | None
    name_taken: bool  # a subject of this name exists: importing would skip the course


@dataclass(frozen=True)
class SubjectImport:
    created: tuple[str, ...]
    skipped: tuple[str, ...]  # already imported, or a subject of that name exists


class TaskStatus(enum.StrEnum):
    NEW = "new"
    RENAMED = "renamed"  # new; its name repeats in the course, so the section name is added
    DUPLICATE = "duplicate"  # already in the subject (same assignment or same name): skipped


@dataclass(frozen=True)
class TaskProposal:
    ecourses_id: int
    name: str
    section: str
    url: str
    due_at: datetime | None
    status: TaskStatus


@dataclass(frozen=True)
class TaskImport:
    created: tuple[str, ...]
    skipped: tuple[str, ...]


# --- subjects ---------------------------------------------------------------------------------


async def propose_subjects(workspace_id: int, *, actor: UserView) -> list[CourseProposal]:
    """The admin's eCourses courses not yet imported here: visible ones first, then the most
    recently opened. Needs the admin's eCourses sign-in (``EcoursesSignInNeeded``)."""
    courses = await _my_courses(workspace_id, actor)
    async with read_only() as session:
        rows = list(
            await session.execute(
                select(Subject.name, Subject.ecourses_course_id).where(
                    Subject.workspace_id == workspace_id
                )
            )
        )
    names = {name for name, _ in rows}
    imported = {course_id for _, course_id in rows if course_id is not None}
    fresh = [course for course in courses if course.id not in imported]
    fresh.sort(key=lambda c: (not c.visible, -(c.lastaccess or 0), c.fullname.lower()))
    return [
        CourseProposal(
            course_id=c.id,
            name=c.fullname,
            shortname=c.shortname,
            url=c.url,
            visible=c.visible,
            last_access=datetime.fromtimestamp(c.lastaccess, UTC) if c.lastaccess else None,
            name_taken=_name(c.fullname) in names,
        )
        for c in fresh
    ]


async def import_subjects(
    workspace_id: int, course_ids: list[int], *, actor: UserView
) -> SubjectImport:
    """Create a subject (with its closed queue) for each chosen course the admin is enrolled
    in; courses already imported and names already used are skipped and reported.
    Emits ``SubjectChanged`` per subject."""
    if not course_ids:
        raise InvalidError(msg("Choose at least one course."))
    wanted = set(course_ids)
    courses = [c for c in await _my_courses(workspace_id, actor) if c.id in wanted]
    created: list[str] = []
    skipped: list[str] = []
    async with unit_of_work() as uow:
        session = uow.session
        user = await permissions.load_actor(session, actor)
        await permissions.ensure_workspace_admin(session, user, workspace_id)
        rows = await session.execute(
            select(Subject.name, Subject.ecourses_course_id).where(
                Subject.workspace_id == workspace_id
            )
        )
        names, linked = set(), set()
        for name, course_id in rows:
            names.add(name)
            linked.add(course_id)
        for course in courses:
            name = _name(course.fullname)
            if course.id in linked or name in names:
                skipped.append(name)
                continue
            subject = Subject(
                workspace_id=workspace_id,
                name=name,
                teacher_name="",
                teacher_contact="",
                requirements="",
                ecourses_course_id=course.id,
                ecourses_url=course.url[:1024],
            )
            session.add(subject)
            await session.flush()
            session.add(
                Queue(
                    subject_id=subject.id,
                    state=QueueState.CLOSED,
                    members_can_freeze=True,
                    version=0,
                    next_seq=1,
                )
            )
            names.add(name)
            created.append(name)
            uow.emit(SubjectChanged(workspace_id, subject.id))
        if created:
            audit.record(
                session, user, "ecourses.import_subjects", str(workspace_id), created=created
            )
    return SubjectImport(tuple(created), tuple(skipped))


# --- tasks ------------------------------------------------------------------------------------


async def preview_tasks(subject_id: int, *, actor: UserView) -> list[TaskProposal]:
    """The course's assignments in section order, each marked new, renamed or duplicate."""
    course_id, user = await _subject_course(subject_id, actor)
    ecourses, token = await ecourses_accounts.client(), _token(user)
    sections = await _guarded(user, lambda: ecourses.course_contents(token, course_id))
    assignments = await _guarded(user, lambda: ecourses.assignments(token, [course_id]))
    due = {a.cmid: a.due_at for a in assignments}
    found = [
        (module, section.name)
        for section in sorted(sections, key=lambda s: s.number)
        for module in section.modules
        if module.modname == "assign"
    ]
    repeats = Counter(module.name.strip() for module, _ in found)
    async with read_only() as session:
        existing = list(
            await session.execute(
                select(Task.name, Task.ecourses_id).where(Task.subject_id == subject_id)
            )
        )
    taken_names = {name for name, _ in existing}
    taken_ids = {ecourses_id for _, ecourses_id in existing}
    proposals: list[TaskProposal] = []
    for module, section in found:
        renamed = repeats[module.name.strip()] > 1 and bool(section.strip())
        name = _name(f"{module.name} ({section.strip()})" if renamed else module.name)
        if module.id in taken_ids or name in taken_names:
            status = TaskStatus.DUPLICATE
        else:
            status = TaskStatus.RENAMED if renamed else TaskStatus.NEW
            taken_names.add(name)
        proposals.append(
            TaskProposal(module.id, name, section, module.url, due.get(module.id), status)
        )
    return proposals


async def import_tasks(subject_id: int, *, actor: UserView) -> TaskImport:
    """Append the course's new assignments to the subject's tasks, in section order with
    their due dates; those already present are skipped and reported. Emits ``TaskChanged``."""
    proposals = await preview_tasks(subject_id, actor=actor)
    created: list[str] = []
    skipped = [p.name for p in proposals if p.status is TaskStatus.DUPLICATE]
    async with unit_of_work() as uow:
        session = uow.session
        subject = await session.scalar(
            select(Subject).where(Subject.id == subject_id).with_for_update()
        )
        user = await permissions.load_actor(session, actor)
        if subject is None:
            raise InvalidError(msg("This subject does not exist."))
        await permissions.ensure_workspace_admin(session, user, subject.workspace_id)
        # Checked again under the lock: someone may have added tasks since the preview.
        rows = list(
            await session.execute(
                select(Task.name, Task.ecourses_id).where(Task.subject_id == subject_id)
            )
        )
        names, ids = {r[0] for r in rows}, {r[1] for r in rows}
        last = await session.scalar(
            select(func.max(Task.order_index)).where(Task.subject_id == subject_id)
        )
        order = 0 if last is None else last + 1
        for proposal in proposals:
            if proposal.status is TaskStatus.DUPLICATE:
                continue
            if proposal.name in names or proposal.ecourses_id in ids:
                skipped.append(proposal.name)
                continue
            session.add(
                Task(
                    subject_id=subject_id,
                    name=proposal.name,
                    url=proposal.url[:1024] or None,
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


# --- helpers ----------------------------------------------------------------------------------


async def _my_courses(workspace_id: int, actor: UserView) -> list[Course]:
    async with read_only() as session:
        user = await permissions.load_actor(session, actor)
        await permissions.ensure_workspace_admin(session, user, workspace_id)
    ecourses, token = await ecourses_accounts.client(), _token(user)
    assert user.ecourses_user_id is not None
    ecourses_user_id = user.ecourses_user_id
    return await _guarded(user, lambda: ecourses.users_courses(token, ecourses_user_id))


async def _subject_course(subject_id: int, actor: UserView) -> tuple[int, User]:
    async with read_only() as session:
        user = await permissions.load_actor(session, actor)
        subject = await permissions.get_subject(session, subject_id)
        await permissions.ensure_workspace_admin(session, user, subject.workspace_id)
        if subject.ecourses_course_id is None:
            raise InvalidError(msg("This subject is not linked to an eCourses course."))
        return subject.ecourses_course_id, user


def _token(user: User) -> str:
    token = ecourses_accounts.user_token(user)
    if token is None:
        raise EcoursesSignInNeeded()
    return token


async def _guarded(user: User, call: Callable[[], Awaitable[T]]) -> T:
    """Run an eCourses call; a rejected token is forgotten, so the user is asked to sign in."""
    try:
        return await call()
    except EcoursesTokenExpired:
        await ecourses_accounts.forget_token(user.id)
        raise


def _name(text: str) -> str:
    name = " ".join(text.split())
    return name[:NAME_LENGTH] if name else "—"
