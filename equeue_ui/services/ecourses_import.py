"""Subjects from eCourses: the admin's courses proposed and imported into a workspace (SPEC §8),
and the helpers the task import (``ecourses_tasks``) shares.

Workspace admins only, with their own eCourses token. eCourses is asked outside any database
transaction (a slow eCourses must not hold a write lock); the import itself is one transaction.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TypeVar

from sqlalchemy import select

from db.models import NAME_LENGTH, Queue, QueueState, Subject, User
from equeue_ui.ecourses.errors import EcoursesTokenExpired
from equeue_ui.ecourses.models import Course
from equeue_ui.errors import InvalidError
from equeue_ui.events import SubjectChanged
from equeue_ui.i18n import msg
from equeue_ui.services import audit, ecourses_accounts, permissions
from equeue_ui.services.ecourses_accounts import EcoursesSignInNeeded
from equeue_ui.services.uow import read_only, unit_of_work
from equeue_ui.services.validation import clean_url, scrub
from equeue_ui.services.views import UserView

T = TypeVar("T")
log = logging.getLogger(__name__)


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


# --- subjects ---------------------------------------------------------------------------------


async def propose_subjects(workspace_id: int, *, actor: UserView) -> list[CourseProposal]:
    """The admin's eCourses courses not yet imported here: visible ones first, then the most
    recently opened. Needs the admin's eCourses sign-in (``EcoursesSignInNeeded``)."""
    courses = await my_courses(workspace_id, actor)
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
            url=ecourses_link(c.url),
            visible=c.visible,
            last_access=datetime.fromtimestamp(c.lastaccess, UTC) if c.lastaccess else None,
            name_taken=import_name(c.fullname) in names,
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
    courses = [c for c in await my_courses(workspace_id, actor) if c.id in wanted]
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
            name = import_name(course.fullname)
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
                ecourses_url=ecourses_link(course.url) or None,
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


# --- helpers ----------------------------------------------------------------------------------


async def my_courses(workspace_id: int, actor: UserView) -> list[Course]:
    async with read_only() as session:
        user = await permissions.load_actor(session, actor)
        await permissions.ensure_workspace_admin(session, user, workspace_id)
    ecourses, token = await ecourses_accounts.client(), user_token_or_ask(user)
    assert user.ecourses_user_id is not None
    ecourses_user_id = user.ecourses_user_id
    return await guarded(user, lambda: ecourses.users_courses(token, ecourses_user_id))


def user_token_or_ask(user: User) -> str:
    token = ecourses_accounts.user_token(user)
    if token is None:
        raise EcoursesSignInNeeded()
    return token


async def guarded(user: User, call: Callable[[], Awaitable[T]]) -> T:
    """Run an eCourses call; a rejected token is forgotten, so the user is asked to sign in."""
    try:
        return await call()
    except EcoursesTokenExpired:
        await ecourses_accounts.forget_token(user.id)
        raise


def ecourses_link(url: str) -> str:
    """A link read from eCourses, checked like a typed one (http/https, not too long); a bad
    one becomes "" (no link) rather than stopping the import: eCourses' answers are data."""
    try:
        return clean_url(url) or ""
    except InvalidError:
        log.info("an eCourses link that is not an http(s) address was dropped")
        return ""


def import_name(text: str) -> str:
    name = " ".join(scrub(text).split())
    return name[:NAME_LENGTH] if name else "—"
